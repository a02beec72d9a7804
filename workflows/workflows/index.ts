/** Every workflow the worker runs (the bundle's entry point). */
export { loadPackage } from './load-package.workflow.js';
export { stackCheck } from './stack-check.workflow.js';

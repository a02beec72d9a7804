/** Every workflow the worker runs (the bundle's entry point). */
export { stackCheck } from './stack-check.workflow.js';

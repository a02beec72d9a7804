/**
 * What both sides of Temporal share: workflow names and their input/output
 * types. Imported by workflow code, so it must stay free of Node APIs.
 */

/** Workflow type of the stack check an operator (or a test) can run to see the worker reach every backend. */
export const stackCheckWorkflowName = 'stackCheck';

/** One backend's answer in a stack check. */
export interface BackendCheck {
  backend: 'postgresql' | 'elasticsearch' | 'object-store';
  ok: boolean;
  detail: string;
}

/** Result of the stack check workflow. */
export interface StackCheckResult {
  workerIdentity: string;
  checks: BackendCheck[];
}

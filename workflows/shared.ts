/**
 * What both sides of Temporal share: workflow names and their input/output
 * types. Imported by workflow code, so it must stay free of Node APIs.
 */
import type { LoadInput, LoadStatus, LoadStatusName, ResourcePlan, ResourceLoadResult, DescriptorSource } from '../src/core/packages/load.types.js';

// The load types live in core; workflow code takes them from here.
export type { LoadInput, LoadStatus, LoadStatusName, ResourcePlan, ResourceLoadResult, DescriptorSource };

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

/** Workflow type of a package load; one run per dataset (the workflow id is derived from the descriptor URL). */
export const loadPackageWorkflowName = 'loadPackage';

/** Signal a load's activity sends at each checkpoint with the rows of the resource it is loading. */
export const loadProgressSignalName = 'loadProgress';

/** Query that returns a load's current status. */
export const loadStatusQueryName = 'loadStatus';


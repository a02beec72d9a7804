import { ApplicationFailure, defineQuery, defineSignal, metricMeter, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, ActivityFailure } from '@temporalio/workflow';
import type { LoadActivities } from '../activities/package-load.activities.js';
import { loadProgressSignalName, loadStatusQueryName, type LoadInput, type LoadStatus, type LoadStatusName } from '../shared.js';

/** How long transient failures (a backend down, a network blip) are retried when the input does not say. */
const defaultRetryWindowSeconds = 15 * 60;

/**
 * The activities with their retry policies. Transient failures are retried
 * with backoff for the retry window (PACKAGE_LOAD_RETRY_SECONDS), so an outage
 * of PostgreSQL, MinIO or Elasticsearch shorter than that is waited out and
 * the load resumes from its checkpoint; bad input (InvalidPackage) fails at once.
 */
function activitiesFor(retryWindowSeconds: number) {
  const retry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: ['InvalidPackage'] };
  // The short steps run as local activities: in the worker that runs the
  // workflow, without a round trip through the task queue each (they are
  // still recorded in the history, retried, and replayed from their results).
  // (The proxies are Proxy objects: their activities are taken by name, never spread.)
  const { fetchDescriptor, planLoad, saveMetadata, discardLoad } = proxyLocalActivities<LoadActivities>({
    startToCloseTimeout: '2 minutes',
    scheduleToCloseTimeout: `${retryWindowSeconds} seconds`,
    retry,
  });
  // Loading a large resource takes long. The activity heartbeats every few
  // seconds (with the rows committed so far): a worker that dies is noticed
  // within the heartbeat timeout, and the retry resumes after those rows.
  const { loadResource } = proxyActivities<LoadActivities>({
    startToCloseTimeout: '2 hours',
    scheduleToCloseTimeout: `${2 * 3600 + retryWindowSeconds} seconds`,
    heartbeatTimeout: '20 seconds',
    retry,
  });
  return { fetchDescriptor, planLoad, saveMetadata, discardLoad, loadResource };
}

/**
 * The error text `/package/status` shows to anyone who knows the URL. Bad
 * input (InvalidPackage) is described in Conductor's own words, for the
 * uploader to fix; anything else (a backend down after every retry, a bug)
 * may carry internal addresses or object keys, so only a generic text is
 * shown: the whole error stays in the workflow history and the worker log.
 */
function publicErrorOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === 'InvalidPackage') return cause.message;
  return 'The load failed for a reason on the server side (a backend was unavailable, or an internal error); operators find the details in the workflow history';
}

// Recording a status waits out a database outage rather than failing the load.
const { recordStatus } = proxyLocalActivities<LoadActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

/** Loads ended, by outcome (the SDK records it once, not again on replay). */
const loadOutcomes = () => metricMeter.createCounter('conductor_loads', 'loads', 'Package loads ended, by outcome');

export const loadStatusQuery = defineQuery<LoadStatus>(loadStatusQueryName);
export const loadProgressSignal = defineSignal<[number]>(loadProgressSignalName);

/**
 * Loads one data package: every documented status in order, progress = rows
 * loaded so far, `fail` with the error. Visible in the Temporal UI through
 * search attributes (dataset, owner, status, rows).
 */
export async function loadPackage(input: LoadInput): Promise<LoadStatus> {
  const { fetchDescriptor, planLoad, saveMetadata, discardLoad, loadResource } = activitiesFor(input.retryWindowSeconds ?? defaultRetryWindowSeconds);
  let state: LoadStatus = { status: 'queued', progress: 0 };
  setHandler(loadStatusQuery, () => state);
  // The rows count in the Temporal UI follows each checkpoint of the resource being loaded.
  setHandler(loadProgressSignal, (resourceRows: number) => {
    if (state.status === 'loading-data') upsertSearchAttributes({ ConductorRowsLoaded: [state.progress + resourceRows] });
  });
  // Each status is recorded in PostgreSQL as its step begins: /package/status reads it from there.
  const recordOne = async (status: LoadStatusName, resource?: number) => {
    state = { ...state, status, ...(resource === undefined ? {} : { resource }) };
    upsertSearchAttributes({ ConductorLoadStatus: [status], ConductorRowsLoaded: [state.progress] });
    await recordStatus(input, { status, progress: state.progress, ...(resource === undefined ? {} : { resource }) });
  };
  // Steps with nothing to do in between are recorded in one write (one local activity instead of
  // several: a few milliseconds each, a tenth of a small load). Histories from before keep one each.
  const togetherPatch = patched('record-passing-steps-together');
  // From this patch on, the activities record the steps they begin (and saveMetadata `done`): a
  // database write inside the activity instead of a local activity of its own, whose round trip
  // through the workflow cost a small load more than the write itself. Histories from before replay as they ran.
  const inActivitiesPatch = patched('statuses-recorded-by-activities');
  /** Sets the status the workflow reports (its query, the search attributes) and returns what the step records. */
  const begin = (status: LoadStatusName, resource?: number, passing: LoadStatusName[] = []) => {
    state = { ...state, status, ...(resource === undefined ? {} : { resource }) };
    upsertSearchAttributes({ ConductorLoadStatus: [status], ConductorRowsLoaded: [state.progress] });
    return { status, progress: state.progress, ...(resource === undefined ? {} : { resource }), ...(passing.length ? { passing } : {}) };
  };
  const step = async (status: LoadStatusName, resource?: number, passing: LoadStatusName[] = []) => {
    if (!togetherPatch) {
      for (const earlier of passing) await recordOne(earlier);
      return recordOne(status, resource);
    }
    await recordStatus(input, begin(status, resource, passing));
  };
  upsertSearchAttributes({ ConductorDatasetId: [input.datasetId], ConductorOwner: [input.owner] });
  try {
    if (inActivitiesPatch) {
      // The descriptor's activity records that validation begins once it has the descriptor.
      const descriptor = await fetchDescriptor(input, { begins: begin('loading-datapackage', undefined, ['initializing']), ends: { status: 'validating-datapackage', progress: state.progress } });
      begin('validating-datapackage');
      const plan = await planLoad(input, descriptor);
      for (const resource of plan.resources) {
        const loaded = await loadResource(input, resource, { begins: begin('loading-data', resource.index, ['loading-resource', 'deleting-table', 'creating-table', 'loading-data-ready']) });
        state = { status: state.status, progress: state.progress + loaded.rows };
      }
      const saving = begin('saving-metadata', undefined, ['creating-babbage-model']);
      // The metadata's activity records `done` once the load is in place.
      await saveMetadata(input, descriptor, plan.model, plan.resources, state.progress, { begins: saving, ends: { status: 'done', progress: state.progress } });
      begin('done');
    } else {
      await step('loading-datapackage', undefined, ['initializing']);
      const descriptor = await fetchDescriptor(input);
      await step('validating-datapackage');
      const plan = await planLoad(input, descriptor);
      for (const resource of plan.resources) {
        // Each resource loads into the fact table aside; it replaces the
        // dataset's tables at saving-metadata (one transaction).
        await step('loading-data', resource.index, ['loading-resource', 'deleting-table', 'creating-table', 'loading-data-ready']);
        const loaded = await loadResource(input, resource);
        state = { status: state.status, progress: state.progress + loaded.rows };
      }
      await step('saving-metadata', undefined, ['creating-babbage-model']);
      await saveMetadata(input, descriptor, plan.model, plan.resources, state.progress);
      await step('done');
    }
    loadOutcomes().add(1, { outcome: 'done' });
  } catch (error) {
    const message = publicErrorOf(error);
    state = { status: 'fail', progress: state.progress, error: message };
    upsertSearchAttributes({ ConductorLoadStatus: ['fail'] });
    // Nothing of a failed load stays: the tables it loaded aside go (the loaded data was never touched).
    await discardLoad(input);
    await recordStatus(input, { status: 'fail', progress: state.progress, error: message });
    loadOutcomes().add(1, { outcome: 'fail' });
    // The run itself fails too, so the Temporal UI shows a failed load as failed.
    throw ApplicationFailure.nonRetryable(message, 'LoadFailed');
  }
  return state;
}

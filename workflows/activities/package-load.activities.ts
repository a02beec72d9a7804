import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { CoreError } from '../../src/core/errors.js';
import { columnsFor } from '../../src/core/packages/column-names.js';
import type { DescriptorUrlPolicy } from '../../src/core/packages/descriptor-url.js';
import type { FiscalModel } from '../../src/core/packages/fiscal-model.js';
import { planLoad, type LoadPlan } from '../../src/core/packages/load-plan.js';
import { datasetRecordFor, registryDocumentFor } from '../../src/core/packages/package-metadata.js';
import { factTableFor, tableNameFor, tablePrefixFor } from '../../src/core/packages/table-names.js';
import type { LoadStatusStore, LoadStatusUpdate } from '../../src/ports/load-status-store.js';
import type { PackageFiles } from '../../src/ports/package-files.js';
import type { PackageRegistry } from '../../src/ports/package-registry.js';
import type { TableLoader } from '../../src/ports/table-loader.js';
import type { LoadInput, ResourceLoadResult, ResourcePlan } from '../shared.js';

/** What the loading activities need, as ports (the worker's composition root hands in the adapters). */
export interface LoadDeps {
  files: PackageFiles;
  tables: TableLoader;
  registry: PackageRegistry;
  statuses: LoadStatusStore;
  policy: DescriptorUrlPolicy;
  maxDescriptorBytes: number;
  maxResourceBytes: number;
  /** Tells the load's workflow the rows committed so far in the resource (its search attribute follows); best effort. */
  reportProgress?: (workflow: { workflowId: string; runId: string }, resourceRows: number) => Promise<void>;
  /** How often a running load heartbeats even between checkpoints, so a live worker is never taken for dead. */
  heartbeatEveryMs?: number;
}

/** Bad input is not retried: it will not get better. Other errors are (a network blip, a restarted backend). */
function asFailure(error: unknown, prefix = ''): never {
  if (error instanceof CoreError) throw ApplicationFailure.nonRetryable(`${prefix}${error.message}`, 'InvalidPackage');
  throw error;
}

/** The bytes of a source, failing (not retried) once there are more than `limit`. */
async function* limited(source: AsyncIterable<Uint8Array>, limit: number, what: string): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > limit) throw new CoreError('invalid-argument', `${what} is larger than ${limit} bytes`);
    yield chunk;
  }
}

/** The chunks of a source as they are, telling `onBytes` how many went by. */
async function* counted(source: AsyncIterable<Uint8Array>, onBytes: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onBytes(chunk.byteLength);
    yield chunk;
  }
}

/** A resource's files one after the other, with a line break between files that lack a final one. */
async function* concatenated(deps: LoadDeps, resource: ResourcePlan): AsyncGenerator<Uint8Array> {
  for (const source of resource.sources) {
    let last = 10;
    for await (const chunk of await deps.files.open(source)) {
      if (chunk.byteLength) last = chunk[chunk.byteLength - 1] as number;
      yield chunk;
    }
    if (last !== 10 && last !== 13) yield new Uint8Array([10]);
  }
}

/** A status of the load as a workflow step records it. */
export type StepStatus = Omit<LoadStatusUpdate, 'runId'>;

/**
 * The statuses an activity records itself (workflows from the
 * 'statuses-recorded-by-activities' patch on): `begins` before its work,
 * `ends` after it. One database write each instead of a local activity each.
 */
export interface StepStatuses {
  begins?: StepStatus;
  ends?: StepStatus;
}

/** Builds the package-loading activities over their dependencies. */
export function createLoadActivities(deps: LoadDeps) {
  /** Records that a step of the load begins (the durable status /package/status answers from). */
  const record = async (input: LoadInput, update: StepStatus | undefined): Promise<void> => {
    if (!update) return;
    const { workflowExecution } = Context.current().info;
    if (!workflowExecution) throw new Error('a load status is recorded only for a workflow');
    await deps.statuses.record(
      { descriptorUrl: input.descriptorUrl, datasetId: input.datasetId, owner: input.owner, workflowId: workflowExecution.workflowId },
      { ...update, runId: workflowExecution.runId },
    );
  };

  return {
    /** Records that a step of the load begins (the durable status /package/status answers from). */
    async recordStatus(input: LoadInput, update: StepStatus): Promise<void> {
      await record(input, update);
    },

    async fetchDescriptor(input: LoadInput, statuses: StepStatuses = {}): Promise<Record<string, unknown>> {
      await record(input, statuses.begins);
      let descriptor: unknown;
      try {
        const chunks: Uint8Array[] = [];
        for await (const chunk of limited(await deps.files.open(input.source), deps.maxDescriptorBytes, 'The descriptor')) chunks.push(chunk);
        descriptor = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (typeof descriptor !== 'object' || descriptor === null || Array.isArray(descriptor)) throw new CoreError('invalid-argument', 'The descriptor must be a JSON object');
      } catch (error) {
        if (error instanceof SyntaxError) throw ApplicationFailure.nonRetryable('The descriptor is not valid JSON', 'InvalidPackage');
        return asFailure(error);
      }
      await record(input, statuses.ends);
      return descriptor as Record<string, unknown>;
    },

    async planLoad(input: LoadInput, descriptor: Record<string, unknown>): Promise<LoadPlan> {
      try {
        return planLoad(descriptor, input.source, deps.policy, input.owner);
      } catch (error) {
        return asFailure(error);
      }
    },

    /**
     * Loads one resource. Heartbeats carry the rows committed so far; a retry
     * after a crash resumes after them (the table loader keeps a checkpoint in
     * the same transaction as the rows, keyed by the workflow run).
     */
    async loadResource(input: LoadInput, resource: ResourcePlan, statuses: StepStatuses = {}): Promise<ResourceLoadResult> {
      const context = Context.current();
      const started = performance.now();
      await record(input, statuses.begins);
      let committed = 0;
      // Heartbeats between checkpoints only while bytes still flow: a load
      // stuck on a dead connection stops beating, so Temporal times the
      // attempt out (20 s) and retries it instead of waiting for hours.
      let bytesRead = 0;
      let bytesAtLastBeat = -1;
      let lastReported = Number.NEGATIVE_INFINITY;
      const beat = setInterval(() => {
        if (bytesRead === bytesAtLastBeat) return;
        bytesAtLastBeat = bytesRead;
        context.heartbeat({ resource: resource.index, rows: committed });
      }, deps.heartbeatEveryMs ?? 5_000);
      try {
        const source = () => counted(limited(concatenated(deps, resource), deps.maxResourceBytes, `${resource.name}`), (bytes) => (bytesRead += bytes));
        const result = await deps.tables.load(
          {
            prefix: tablePrefixFor(input.datasetId),
            table: factTableFor(input.datasetId),
            checkpointKey: tableNameFor(input.datasetId, resource.index),
            columns: columnsFor(resource.fields),
            missingValues: resource.missingValues,
            dialect: resource.dialect,
            loadId: context.info.workflowExecution?.runId ?? context.info.activityId,
          },
          source,
          (rows) => {
            committed = rows;
            context.heartbeat({ resource: resource.index, rows });
            const execution = context.info.workflowExecution;
            // Progress for the Temporal UI only: a failure to report must not fail the load. At most one
            // signal a second (blocks commit every few MB: each signal is a workflow task in Temporal).
            if (!execution || !deps.reportProgress || performance.now() - lastReported < 1_000) return;
            lastReported = performance.now();
            deps.reportProgress(execution, rows).catch((error: unknown) => context.log.warn('progress not reported', { error: String(error) }));
          },
        );
        // Rows this attempt wrote (a resumed one skips those an earlier attempt committed).
        context.metricMeter.createCounter('conductor_rows_loaded', 'rows', 'Rows loaded into tables by package loads').add(result.rows - result.resumedAt);
        const seconds = (performance.now() - started) / 1000;
        context.log.info('resource loaded', { dataset: input.datasetId, resource: resource.name, ...result, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round((result.rows - result.resumedAt) / seconds) });
        return result;
      } catch (error) {
        return asFailure(error, `${resource.name}: `);
      } finally {
        clearInterval(beat);
      }
    },

    /**
     * Puts the load in place: the registry document first, then in one
     * PostgreSQL transaction the fact table and the dataset row. Should that transaction fail, the registry document is put
     * back as it was, so a failed load changes nothing. The fact table's key
     * is built meanwhile (PostgreSQL's work while Elasticsearch does its own).
     */
    async saveMetadata(input: LoadInput, descriptor: Record<string, unknown>, model: FiscalModel, resources: ResourcePlan[], rows: number, statuses: StepStatuses = {}): Promise<void> {
      await record(input, statuses.begins);
      const loaded = { input, descriptor, model, resources, rows };
      const table = { prefix: tablePrefixFor(input.datasetId), table: factTableFor(input.datasetId) };
      const keyBuilt = deps.tables.buildKey(table);
      // Awaited below; until then a failure of the registry must not leave this rejection unobserved
      // (a retry finds the key built, or builds it).
      keyBuilt.catch(() => undefined);
      const previous = await deps.registry.get(input.datasetId);
      const document = registryDocumentFor(loaded, previous, new Date());
      await deps.registry.save(document);
      try {
        await keyBuilt;
        await deps.tables.publish({
          ...table,
          loadId: Context.current().info.workflowExecution?.runId ?? '',
          dataset: datasetRecordFor(loaded, document.package?.private === false),
        });
      } catch (error) {
        await (previous ? deps.registry.save(previous) : deps.registry.delete(input.datasetId));
        throw error;
      }
      // Published: a retry of this activity after a failure to record it finds nothing left to swap.
      await record(input, statuses.ends);
    },

    /** A failed load leaves nothing behind: its aside tables and checkpoints go. */
    async discardLoad(input: LoadInput): Promise<void> {
      await deps.tables.discard(tablePrefixFor(input.datasetId));
    },
  };
}

export type LoadActivities = ReturnType<typeof createLoadActivities>;

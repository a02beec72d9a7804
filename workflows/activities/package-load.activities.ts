import { Readable } from 'node:stream';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client as SearchClient } from '@elastic/elasticsearch';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client as ObjectStoreClient } from 'minio';
import { packageIndexAlias } from '../../src/adapters/elasticsearch/package-index.js';
import { publicAddressesOf } from '../../src/adapters/http/public-address.js';
import { columnsFor, loadCsvIntoTable } from '../../src/adapters/postgres/csv-table.loader.js';
import { DatasetEntity } from '../../src/adapters/postgres/entities/dataset.entity.js';
import { CoreError } from '../../src/core/errors.js';
import { babbageModelOf } from '../../src/core/packages/babbage-model.js';
import { checkDescriptor, fiscalModelOf, type FiscalModel } from '../../src/core/packages/fiscal-model.js';
import { tableNameFor } from '../../src/core/packages/table-names.js';
import type { DescriptorSource, LoadInput, ResourcePlan } from '../shared.js';

/** What the loading activities need. */
export interface LoadDeps {
  orm: MikroORM;
  search: SearchClient;
  objectStore: ObjectStoreClient;
  bucket: string;
  indexPrefix: string;
  maxDescriptorBytes: number;
}

/** Bad input is not retried: it will not get better. */
function invalidPackage(error: unknown): never {
  if (error instanceof CoreError) throw ApplicationFailure.nonRetryable(error.message, 'InvalidPackage');
  throw error;
}

async function open(deps: LoadDeps, source: DescriptorSource): Promise<Readable> {
  if (source.kind === 'datastore') {
    try {
      return await deps.objectStore.getObject(deps.bucket, source.key);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(`Cannot read ${source.key} from the datastore: ${(error as Error).message}`, 'InvalidPackage');
    }
  }
  const url = new URL(source.url);
  try {
    await publicAddressesOf(url.hostname);
  } catch (error) {
    throw ApplicationFailure.nonRetryable((error as Error).message, 'InvalidPackage');
  }
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(60_000) });
  if (!response.ok || !response.body) throw ApplicationFailure.nonRetryable(`${url} answered ${response.status}`, 'InvalidPackage');
  return Readable.fromWeb(response.body as never);
}

async function readLimited(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      stream.destroy();
      throw ApplicationFailure.nonRetryable(`The descriptor is larger than ${limit} bytes`, 'InvalidPackage');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A resource path relative to the descriptor's location. */
function resolveSource(descriptor: DescriptorSource, path: string): DescriptorSource {
  if (/^https?:\/\//.test(path)) return { kind: 'web', url: path };
  if (descriptor.kind === 'datastore') return { kind: 'datastore', key: `${descriptor.key.split('/').slice(0, -1).join('/')}/${path}` };
  return { kind: 'web', url: new URL(path, descriptor.url).toString() };
}

/** Builds the package-loading activities over their dependencies. */
export function createLoadActivities(deps: LoadDeps) {
  return {
    async fetchDescriptor(input: LoadInput): Promise<Record<string, unknown>> {
      const text = await readLimited(await open(deps, input.source), deps.maxDescriptorBytes);
      try {
        return JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw ApplicationFailure.nonRetryable('The descriptor is not valid JSON', 'InvalidPackage');
      }
    },

    async planLoad(input: LoadInput, descriptor: Record<string, unknown>): Promise<{ resources: ResourcePlan[]; model: FiscalModel }> {
      try {
        const model = fiscalModelOf(descriptor);
        const resources = checkDescriptor(descriptor).map((resource, index) => {
          const raw = (descriptor.resources as Record<string, unknown>[])[index] ?? {};
          const path = Array.isArray(raw.path) ? String(raw.path[0]) : String(raw.path);
          const dialect = (raw.dialect ?? {}) as { delimiter?: string; quoteChar?: string };
          return { index, name: resource.resource, source: resolveSource(input.source, path), fields: resource.fields.map(({ name, type }) => ({ name, type })), dialect };
        });
        return { resources, model };
      } catch (error) {
        return invalidPackage(error);
      }
    },

    /** Loads one resource; heartbeats its progress so a stuck load is noticed and retried. */
    async loadResource(input: LoadInput, resource: ResourcePlan): Promise<number> {
      const context = Context.current();
      try {
        return await loadCsvIntoTable(
          deps.orm,
          { table: tableNameFor(input.datasetId, resource.index), columns: columnsFor(resource.fields) },
          await open(deps, resource.source),
          resource.dialect,
          (rows) => context.heartbeat(rows),
        );
      } catch (error) {
        if (error instanceof CoreError) throw ApplicationFailure.nonRetryable(`${resource.name}: ${error.message}`, 'InvalidPackage');
        throw error;
      }
    },

    /** Writes the registry document (private until published) and the dataset row the work-package service reads. */
    async saveMetadata(input: LoadInput, descriptor: Record<string, unknown>, model: FiscalModel, resources: ResourcePlan[], rows: number): Promise<void> {
      const existing = await deps.search.get<{ package?: { private?: boolean } }>({ index: packageIndexAlias(deps.indexPrefix), id: input.datasetId }, { ignore: [404] });
      const isPrivate = existing.found ? existing._source?.package?.private !== false : true;
      const babbage = babbageModelOf(model, resources.map((resource) => tableNameFor(input.datasetId, resource.index)), resources.map((resource) => resource.fields));
      const author = typeof descriptor.author === 'string' ? descriptor.author : input.owner;
      await deps.search.index({
        index: packageIndexAlias(deps.indexPrefix),
        id: input.datasetId,
        refresh: 'wait_for',
        document: {
          id: input.datasetId,
          model: babbage,
          package: { ...descriptor, owner: input.owner, private: isPrivate, author, count_of_rows: rows },
          origin_url: input.descriptorUrl,
          dataset: descriptor.name,
          author,
          loaded: true,
          loading_status: 'done',
          last_update: new Date().toISOString(),
        },
      });
      await deps.orm.em.fork().upsert(DatasetEntity, {
        id: input.datasetId,
        owner: input.owner,
        title: typeof descriptor.title === 'string' ? descriptor.title : String(descriptor.name),
        description: typeof descriptor.description === 'string' && descriptor.description ? descriptor.description : null,
        stage: 'download',
        published: !isPrivate,
        files: resources.map((resource) => {
          const path = resource.source.kind === 'datastore' ? resource.source.key : resource.source.url;
          return { id: `${input.datasetId}/${resource.name}`, extension: /\.[A-Za-z0-9]+$/.exec(path)?.[0] ?? '' };
        }),
      });
    },
  };
}

export type LoadActivities = ReturnType<typeof createLoadActivities>;

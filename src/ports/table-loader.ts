import type { LoadColumn } from '../core/packages/column-names.js';
import type { CsvDialect } from '../core/packages/csv-dialect.js';
import type { DatasetRecord } from './work-package-store.js';

/** Where and how one resource's CSV is loaded. */
export interface TableLoadTarget {
  /** `fdp_<hash>`: every table and checkpoint of the dataset starts with it. */
  prefix: string;
  /** The dataset's fact table (`<prefix>_facts`): every resource's rows go into it, numbered by `_id` in file order, resource after resource. */
  table: string;
  /** This resource's checkpoint (`<prefix>_<resource index>`). */
  checkpointKey: string;
  columns: LoadColumn[];
  /** The schema's `missingValues`, when it lists its own. */
  missingValues?: string[];
  dialect: CsvDialect;
  /**
   * Identifies one load of the table across retries (the workflow run): a
   * retry with the same id resumes after the rows already committed; any
   * other id starts over.
   */
  loadId: string;
}

export interface TableLoadResult {
  /** Rows of the resource in the table now. */
  rows: number;
  /** Rows that an earlier attempt of the same load had committed, and this one skipped. */
  resumedAt: number;
  /** Who read the CSV: PostgreSQL's COPY itself, or Conductor's casting path (see native-csv-copy.ts). */
  parsedBy: 'postgresql' | 'conductor';
}

/** Opens the resource's bytes (again: a resource PostgreSQL cannot read after all is read a second time). */
export type OpenSource = () => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** What a finished load puts in place at once. */
export interface TablePublication {
  /** The load (workflow run) whose aside fact table is swapped in. */
  loadId: string;
  /** `fdp_<hash>`: every table of the dataset starts with it; the others under it are dropped. */
  prefix: string;
  /** The fact table (its `<table>__loading` gets its primary key and is swapped in). */
  table: string;
  /** The dataset row the work-package service reads, written in the same transaction. */
  dataset: DatasetRecord;
}

/**
 * Loads CSV into a dataset's fact table (PostgreSQL COPY): every resource
 * into one table aside, each resumable after a crash; then swapped in.
 */
export interface TableLoader {
  /** Loads one resource into the fact table aside (`<table>__loading`), committing in checkpoints; nothing readers see changes. */
  load(target: TableLoadTarget, source: OpenSource, onProgress: (rowsCommitted: number) => void): Promise<TableLoadResult>;
  /**
   * Gives the aside fact table its primary key, outside any transaction
   * readers wait on (the longest step of a publication: seconds at millions
   * of rows). Idempotent; nothing to do once the load is published.
   */
  buildKey(publication: Pick<TablePublication, 'prefix' | 'table'>): Promise<void>;
  /** In one transaction: the aside fact table (given its primary key first when it has none) replaces the dataset's tables; the dataset row is written. Idempotent for one load. */
  publish(publication: TablePublication): Promise<void>;
  /** Drops every aside table and checkpoint under the prefix (a failed load leaves nothing behind). */
  discard(prefix: string): Promise<void>;
}

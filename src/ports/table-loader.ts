import type { LoadColumn } from '../core/packages/column-names.js';
import type { CsvDialect } from '../core/packages/csv-dialect.js';
import type { DatasetRecord } from './work-package-store.js';

/** Where and how one resource's CSV is loaded. */
export interface TableLoadTarget {
  table: string;
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
  /** Rows in the table now. */
  rows: number;
  /** Rows that an earlier attempt of the same load had committed, and this one skipped. */
  resumedAt: number;
}

/** What a finished load puts in place at once. */
export interface TablePublication {
  /** The load (workflow run) whose aside tables are swapped in. */
  loadId: string;
  /** `fdp_<hash>`: every table of the dataset starts with it; tables of it not in `tables` are dropped. */
  prefix: string;
  /** The dataset's tables, in resource order (their `<table>__loading` are swapped in). */
  tables: string[];
  /** A view over all `tables` (UNION ALL) when there is more than one: the fact table of the model. */
  factView?: string;
  /** The dataset row the work-package service reads, written in the same transaction. */
  dataset: DatasetRecord;
}

/**
 * Loads CSV into tables (PostgreSQL COPY): each resource aside, resumable
 * after a crash; then all of a load's tables swapped in together.
 */
export interface TableLoader {
  /** Loads one table aside (`<table>__loading`), committing in checkpoints; nothing readers see changes. */
  load(target: TableLoadTarget, source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, onProgress: (rowsCommitted: number) => void): Promise<TableLoadResult>;
  /** In one transaction: every aside table replaces its table, the old extra tables go, the fact view and the dataset row are written. Idempotent for one load. */
  publish(publication: TablePublication): Promise<void>;
  /** Drops every aside table and checkpoint under the prefix (a failed load leaves nothing behind). */
  discard(prefix: string): Promise<void>;
}

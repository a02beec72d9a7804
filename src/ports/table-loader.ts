import type { LoadColumn } from '../core/packages/column-names.js';
import type { CsvDialect } from '../core/packages/csv-dialect.js';

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

/** Loads CSV into a table (PostgreSQL COPY): aside, then swapped in whole; resumable after a crash. */
export interface TableLoader {
  load(target: TableLoadTarget, source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>, onProgress: (rowsCommitted: number) => void): Promise<TableLoadResult>;
}

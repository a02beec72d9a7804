import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { python39, pythonEnv } from './python-env.ts';

/**
 * Runs the real babbage 0.4.0 (the engine OpenSpending's os-api queries fact
 * tables with) against a PostgreSQL table, through test/babbage/check_cube.py,
 * so tests can check that a loaded table and its model work in it.
 */

/** A babbage model as written for os-api: fact_table, measures, dimensions, hierarchies. */
export type BabbageModel = Record<string, unknown>;

export interface BabbageInput {
  /** SQLAlchemy URL, e.g. postgresql://user:pass@127.0.0.1:5432/db */
  database_url: string;
  /** Cube name, as os-api's registry would give it. */
  name: string;
  model: BabbageModel;
  checks?: {
    /** A babbage cut string, e.g. `func_code.code:"01"`; adds `cut` to the report. */
    cut?: string;
    /** A babbage drilldown string, e.g. `func_code|func_name`; adds `drilldown` to the report. */
    drilldown?: string;
    /** Page size for members and drilldowns (default 20); counts are never paged. */
    page_size?: number;
  };
}

/** A check that raised: `<Python exception type>: <message>`. */
export interface BabbageError {
  error: string;
}

/** A row babbage returns: keys are model refs (`amount.sum`, `_count`, `dim.attr`). */
export type BabbageRow = Record<string, string | number | boolean | null>;

export interface BabbageAggregate {
  summary: BabbageRow | null;
  total_cell_count: number;
}

export interface BabbageReport {
  babbage_version: string;
  /** true, or the model's JSON-schema validation error. */
  valid: true | string;
  /** cube.aggregate() with no arguments, as os-api's compatibility API calls it. */
  aggregate_default: BabbageAggregate | BabbageError;
  /** cube.aggregate(aggregates='<m>.sum') for each measure. */
  measures: Record<string, BabbageAggregate | BabbageError>;
  dimensions: Record<
    string,
    {
      /** cube.members(<d>): distinct values grouped by the key attribute. */
      members: { total_member_count: number; data: BabbageRow[] } | BabbageError;
      /** cube.aggregate(drilldowns=<d>): grouped by every attribute of <d>. */
      drilldown: { total_cell_count: number; cells: BabbageRow[] } | BabbageError;
    }
  >;
  facts: { total_fact_count: number; first_keys: string[] } | BabbageError;
  /** cube.aggregate(cuts=checks.cut), only when a cut was given. */
  cut?: BabbageAggregate | BabbageError;
  /** cube.aggregate(drilldowns=checks.drilldown), only when one was given. */
  drilldown?: { total_cell_count: number; cells: BabbageRow[] } | BabbageError;
}

export function isBabbageError(value: unknown): value is BabbageError {
  return typeof value === 'object' && value !== null && 'error' in value;
}

const babbageDir = join(repoRoot, 'test', 'babbage');

/** Runs every check of check_cube.py; rejects only if the script itself fails. */
export async function runBabbage(input: BabbageInput): Promise<BabbageReport> {
  const venv = await pythonEnv('babbage', join(babbageDir, 'requirements.txt'), { python: python39(), noDeps: true });
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      join(venv, 'bin', 'python'),
      [join(babbageDir, 'check_cube.py')],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, out, err) => {
        if (error) reject(new Error(`check_cube.py failed (${error.code ?? error.signal ?? error.message}):\n${err}`));
        else resolve(out);
      },
    );
    child.stdin?.end(JSON.stringify(input));
  });
  return JSON.parse(stdout) as BabbageReport;
}

/**
 * Schemathesis (from PyPI) against the live gateway, driven by the served
 * OpenAPI document: generated valid and invalid requests for every
 * operation, coverage and stateful phases, and every check but the few
 * test/fuzz/schemathesis.toml turns off, each with its reason there
 * (positive_data_acceptance and unsupported_method everywhere, and
 * missing_required_header on GHGA's routes, which answer 403 as GHGA does).
 * A user token is sent with every request, so user routes are reached too.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { pythonEnv } from '../support/python-env.ts';
import { testStack } from '../setup/test-stack.ts';

const run = promisify(execFile);

describe('the schema-driven fuzzer', () => {
  it('finds no server error and no answer that differs from the document', async () => {
    // Schemathesis keeps a cache in its working folder; it gets a scratch one.
    const scratch = mkdtempSync(join(tmpdir(), 'conductor-schemathesis-'));
    const venv = await pythonEnv('schemathesis', join(repoRoot, 'test', 'fuzz', 'requirements.txt'));
    const token = await logIn('google', uniqueUser());
    const args = [
      '--config-file', join(repoRoot, 'test', 'fuzz', 'schemathesis.toml'),
      'run', `${testStack().gateway}/openapi.json`,
      '--max-examples', '50',
      // Same cases every run, and no example database kept between runs.
      '--generation-deterministic',
      // One worker: with two threads, CPython 3.11's ast module (which Hypothesis calls to describe its
      // strategies) can fail with "AST constructor recursion depth mismatch", an error of the tool, not the API.
      '--workers', '1',
      '--no-color',
      '--header', `Authorization: Bearer ${token}`,
    ];
    const result = await run(join(venv, 'bin', 'schemathesis'), args, { cwd: scratch, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (done) => ({ ...done, exit: 0 as number | string }),
      (error: { stdout?: string; stderr?: string; code: number | string; message: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr || error.message, exit: error.code }),
    );
    rmSync(scratch, { recursive: true, force: true });
    const cases = /(\d+) generated, (.+)$/m.exec(result.stdout);
    const operations = /Tested: (\d+)/.exec(result.stdout);
    console.log(`schema fuzzing: ${cases?.[1]} requests over ${operations?.[1]} operations, ${cases?.[2]}`);
    // On a failure, Schemathesis's own report (each failing case with a curl line) is the message.
    expect(result.exit, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(Number(cases?.[1])).toBeGreaterThan(1000);
    expect(cases?.[2]).toMatch(/passed/);
  }, 600_000);
});

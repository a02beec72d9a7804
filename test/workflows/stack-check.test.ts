/** Temporal end to end: a client starts a workflow that the stack's own worker runs against the real backends. */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackCheckWorkflowName, type StackCheckResult } from '../../workflows/shared.ts';
import { testStack } from '../setup/test-stack.ts';

describe('Temporal worker', () => {
  let connection: Connection;
  let client: Client;
  beforeAll(async () => {
    connection = await Connection.connect({ address: testStack().temporal });
    client = new Client({ connection });
  });
  afterAll(async () => connection?.close());

  it('runs the stack check workflow, whose activity reaches PostgreSQL, Elasticsearch and MinIO', async () => {
    const handle = await client.workflow.start(stackCheckWorkflowName, {
      taskQueue: testStack().taskQueue,
      workflowId: `stack-check-${randomUUID()}`,
      args: [],
    });
    const result = (await handle.result()) as StackCheckResult;
    expect(result.workerIdentity).toMatch(/^\d+@/);
    expect(result.checks.map((check) => check.backend).sort()).toEqual(['elasticsearch', 'object-store', 'postgresql']);
    for (const check of result.checks) expect(check, check.backend).toMatchObject({ ok: true });
    expect(result.checks.find((check) => check.backend === 'elasticsearch')?.detail).toMatch(/^cluster \S+ (green|yellow)$/);
    expect(result.checks.find((check) => check.backend === 'postgresql')?.detail).toMatch(/^PostgreSQL \d+/);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
  });
});

describe('Temporal UI', () => {
  it('answers, so operators can watch loads', async () => {
    const response = await fetch(testStack().temporalUi);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<html/i);
  });
});

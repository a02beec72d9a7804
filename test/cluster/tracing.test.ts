/**
 * One trace per call and per load: with an OTLP endpoint configured, an
 * upload is one trace from the gateway (Envoy's own tracer) through the
 * server's gRPC call and its PostgreSQL/Elasticsearch calls, the workflow it
 * starts and every activity, to the COPY that writes the rows — each span a
 * descendant of the gateway's. A receiver in the test stands in for Jaeger or
 * Tempo. No credential reaches a span.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/stack/paths.ts';
import { logIn, uniqueUser } from '../support/login.ts';
import { startGateway, startMachine, type Machine } from '../support/machines.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.ts';
import { uploadPackage } from '../support/packages.ts';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('tracing', () => {
  let receiver: OtlpReceiver;
  let machine: Machine;
  let gateway: { url: string; stop(): Promise<void> };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Spans are sent every 200 ms instead of 5 s, so the test need not wait.
    machine = await startMachine({ address: '127.0.0.1', servers: 1, workers: 1, taskQueue: `traced-${randomBytes(4).toString('hex')}`, env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' } });
    gateway = await startGateway([machine], `traced-${randomBytes(3).toString('hex')}`, { otlpTracesEndpoint: `${receiver.url}/v1/traces` });
  });
  afterAll(async () => {
    await gateway?.stop();
    await machine?.stop();
    await receiver?.close();
  });

  it('follows an upload from the gateway through the server, the workflow and every activity to the COPY', { timeout: 120_000 }, async () => {
    const user = uniqueUser();
    const token = await logIn('google', user);
    const folder = join(repoRoot, 'test', 'fixtures', 'fdp', 'al-treasury-spending');
    const url = await uploadPackage(token, md5(user.email), `traced-${randomBytes(3).toString('hex')}`, {
      'datapackage.json': readFileSync(join(folder, 'datapackage.json')),
      'data/treasury.csv': readFileSync(join(folder, 'data', 'treasury.csv')),
    });
    const upload = await fetch(`${gateway.url}/package/upload?datapackage=${encodeURIComponent(url)}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(upload.status).toBe(200);
    // A token in the query, as the existing clients send it: it must not reach a span.
    expect((await fetch(`${gateway.url}/user/check?jwt=${token}`)).status).toBe(200);
    for (let status = ''; status !== 'done'; await sleep(200)) {
      status = ((await (await fetch(`${gateway.url}/package/status?datapackage=${encodeURIComponent(url)}`)).json()) as { status: string }).status;
      expect(status).not.toBe('fail');
    }

    const root = await waitFor(() => receiver.spans.find((span) => span.service === 'conductor-gateway' && String(span.attributes['http.url'] ?? '').includes('/package/upload')));
    const inTrace = () => receiver.spans.filter((span) => span.traceId === root.traceId);
    // The worker's last spans (the activity that saves the registry document) come with its next export.
    await waitFor(() => inTrace().find((span) => span.name === 'RunActivity:saveMetadata'));
    const spans = inTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    /** The chain of names from a span up to the trace's root. */
    const ancestry = (span: ReceivedSpan) => {
      const chain: ReceivedSpan[] = [];
      for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId)) chain.push(current);
      return chain;
    };
    const underGateway = (span: ReceivedSpan) => ancestry(span).at(-1)?.spanId === root.spanId;
    const find = (what: string, test: (span: ReceivedSpan) => boolean) => {
      const found = spans.filter(test);
      expect(found.length, `${what} in the trace (spans: ${[...new Set(spans.map((span) => `${span.service}/${span.name}`))].join(', ')})`).toBeGreaterThan(0);
      for (const span of found) expect(underGateway(span), `${what} (${span.name}) descends from the gateway's span`).toBe(true);
      return found;
    };

    const [server] = find('the server call', (span) => span.service === 'conductor-server' && /PackageService\/Upload/.test(span.name));
    expect(server?.parentSpanId).toBe(root.spanId);
    const [start] = find('the workflow start', (span) => span.name.startsWith('StartWorkflow:'));
    expect(ancestry(start as ReceivedSpan)).toContain(server);
    const [run] = find('the workflow run', (span) => span.service === 'conductor-worker' && span.name.startsWith('RunWorkflow:'));
    expect(ancestry(run as ReceivedSpan)).toContain(start);
    const activities = find('the activities', (span) => span.name.startsWith('RunActivity:'));
    for (const activity of activities) expect(ancestry(activity)).toContain(run);
    // The activities record the load's statuses themselves (recordStatus runs only when a load fails).
    expect(new Set(activities.map((span) => span.name))).toEqual(new Set(['RunActivity:fetchDescriptor', 'RunActivity:planLoad', 'RunActivity:loadResource', 'RunActivity:saveMetadata']));
    const statusWrites = find('the status records', (span) => span.service === 'conductor-worker' && /insert into package_loads/i.test(String(span.attributes['db.statement'] ?? '')));
    for (const write of statusWrites) expect(ancestry(write).some((span) => span.name.startsWith('RunActivity:'))).toBe(true);
    const copies = find('the COPY', (span) => span.service === 'conductor-worker' && /^copy /i.test(String(span.attributes['db.statement'] ?? '')));
    for (const copy of copies) expect(ancestry(copy).some((span) => span.name.startsWith('RunActivity:'))).toBe(true);
    find('the server\'s PostgreSQL calls', (span) => span.service === 'conductor-server' && Boolean(span.attributes['db.system']));

    const counts = Object.entries(Object.groupBy(spans, (span) => span.service)).map(([service, list]) => `${service} ${list?.length}`);
    console.log(`tracing: one upload, one trace of ${spans.length} spans (${counts.join(', ')}); activities: ${[...new Set(activities.map((span) => span.name.replace('RunActivity:', '')))].join(', ')}`);

    // The server's log line of the call carries the trace: logs and traces meet.
    const serverLog = readFileSync(machine.servers[0]?.logFile ?? '', 'utf8');
    expect(serverLog).toMatch(new RegExp(`"trace_id":"${root.traceId}"[^\n]*PackageService/Upload`));

    // No span carries a credential: the token (header or query) is in no exported byte, though the call with `?jwt=` has its span.
    await waitFor(() => receiver.spans.find((span) => span.service === 'conductor-gateway' && String(span.attributes['http.url'] ?? '').includes('/user/check')));
    const exported = Buffer.concat(receiver.bodies).toString('latin1');
    expect(exported.includes(token)).toBe(false);
    expect(exported.includes(token.split('.')[2] ?? token)).toBe(false);
  });
});

/** Polls until `probe` finds something (the exporters batch their spans). */
async function waitFor<T>(probe: () => T | undefined, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error('the spans did not arrive');
    await sleep(100);
  }
}

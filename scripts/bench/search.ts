/**
 * `npm run bench:search`: indexes 10,000 realistic package documents, then
 * measures /search/package through Envoy (HTTP → transcoder → gRPC → service
 * → Elasticsearch) next to the same query sent straight to Elasticsearch by
 * the same adapter in the same run, one search in flight and four. The ratio
 * is the gateway and service overhead.
 */
import { cpuPerUnit, formatPerUnit, fromBuild, measure, stackProcesses, startBenchStack, sized } from './bench-stack.ts';

const documents = sized(10_000, 200);
const requests = sized(400, 5);
// 1 in flight: the latency the path adds to an idle stack. 4 in flight: the two cores saturated, where the ratio is
// the CPU each path costs per search.
const concurrencies = [1, 4];

const stack = await startBenchStack();
try {
  const { createSearchClient } = await fromBuild('adapters/elasticsearch/client.js');
  const { packageIndexAlias } = await fromBuild('adapters/elasticsearch/package-index.js');
  const { ElasticsearchPackageSearch } = await fromBuild('adapters/elasticsearch/package-search.adapter.js');
  const client = createSearchClient({ url: stack.urls.elasticsearch });
  const alias = packageIndexAlias('conductor');

  const countries = ['ES', 'AU', 'AL', 'MK', 'DE', 'FR', 'IT', 'BR', 'MX', 'ZA'];
  const topics = ['budget', 'spending', 'procurement', 'revenue', 'grants', 'transfers', 'payroll', 'debt'];
  const started = performance.now();
  for (let batch = 0; batch < documents; batch += 1000) {
    const operations = [];
    for (let i = batch; i < batch + 1000; i++) {
      const country = countries[i % countries.length];
      const topic = topics[i % topics.length];
      operations.push({ index: { _index: alias, _id: `owner${i % 50}:package-${i}` } }, {
        id: `owner${i % 50}:package-${i}`,
        origin_url: `http://datastore.example.test/owner${i % 50}/package-${i}/datapackage.json`,
        loaded: i % 10 !== 0,
        last_update: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000).toISOString(),
        model: { fact_table: `fdp_${i}`, measures: { amount: { currency: 'EUR' } }, dimensions: { year: { attributes: { year: {} } } } },
        package: {
          name: `package-${i}`,
          title: `${country} ${topic} ${2000 + (i % 25)} — municipal ${topic} of region ${i % 97}`,
          description: `Line-item ${topic} data published by the finance office, ${i % 3 === 0 ? 'approved' : 'executed'} figures.`,
          owner: `owner${i % 50}`,
          author: `Finance office ${i % 200}`,
          private: i % 7 === 0,
          countryCode: country,
          regionCode: `R${i % 97}`,
          cityCode: `C${i % 500}`,
          count_of_rows: 1000 + i,
        },
      });
    }
    await client.bulk({ operations, refresh: batch + 1000 >= documents });
  }
  console.log(`\nindexed ${documents} documents in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const direct = new ElasticsearchPackageSearch(client, 'conductor');
  const queries = [
    { label: 'q="budget", size 20', http: `q=${encodeURIComponent('"budget"')}&size=20`, query: { text: 'budget', filters: [], size: 20 } },
    {
      label: 'q="spending" + countryCode ES|AU',
      http: `q=${encodeURIComponent('"spending"')}&package.countryCode=${encodeURIComponent('"ES"')}&package.countryCode=${encodeURIComponent('"AU"')}`,
      query: { text: 'spending', filters: [{ field: 'package.countryCode', values: ['ES', 'AU'] }], size: 100 },
    },
  ];

  const warmup = sized(20, 2);
  // CPU time per search of each process on the path (benchmark = the HTTP or Elasticsearch client in this process).
  const { envoy, servers, elasticsearch } = stackProcesses(stack);
  const groups = { benchmark: () => [process.pid], envoy, servers, elasticsearch };
  const cpuPerSearch = (work: () => Promise<{ p50: number; p99: number; perSecond: number }>) => cpuPerUnit(groups, work, () => requests + warmup);
  const cpuLines: string[] = [];
  const viaGateway = (http: string) => async () => {
    const response = await fetch(`${stack.urls.gateway}/search/package?${http}`);
    if (response.status !== 200) throw new Error(`search answered ${response.status}: ${await response.text()}`);
    await response.arrayBuffer();
  };
  const straight = (query: (typeof queries)[number]['query']) => async () => void (await direct.search(query));

  // Both paths warmed up well before either is measured: Elasticsearch's JIT takes thousands of searches. With 20 searches
  // of warm-up, the path measured first spent twice the Elasticsearch CPU per search; with 200 of each, measuring
  // the same queries again later still took Elasticsearch's CPU per search from 7.5 to 3.1 ms.
  for (const { http, query } of queries) {
    await measure(viaGateway(http), { requests: sized(1000, 5), concurrency: 4, warmup: 0 });
    await measure(straight(query), { requests: sized(1000, 5), concurrency: 4, warmup: 0 });
  }

  console.log(`\n${requests} requests each; milliseconds p50 / p99, and requests per second\n`);
  console.log('query                              | in flight | through Envoy: p50    p99   req/s | straight to ES: p50    p99   req/s | p50 ratio');
  for (const concurrency of concurrencies) {
    for (const { label, http, query } of queries) {
      const options = { requests, concurrency, warmup };
      const { result: throughEnvoy, usPerUnit: throughEnvoyCpu } = await cpuPerSearch(() => measure(viaGateway(http), options));
      const { result: toElasticsearch, usPerUnit: toElasticsearchCpu } = await cpuPerSearch(() => measure(straight(query), options));
      cpuLines.push(`${label.padEnd(34)} | ${concurrency} in flight | through Envoy: ${formatPerUnit(throughEnvoyCpu)} | straight: ${formatPerUnit(toElasticsearchCpu)}`);
      const f = (value: number, width = 6) => value.toFixed(1).padStart(width);
      console.log(
        `${label.padEnd(34)} | ${String(concurrency).padStart(9)} | ${f(throughEnvoy.p50, 18)} ${f(throughEnvoy.p99)} ${f(throughEnvoy.perSecond, 7)} | ${f(toElasticsearch.p50, 19)} ${f(toElasticsearch.p99)} ${f(toElasticsearch.perSecond, 7)} | ${f(throughEnvoy.p50 / toElasticsearch.p50, 5)}×`,
      );
    }
  }
  console.log('\nCPU time per search (µs), by process:\n');
  for (const line of cpuLines) console.log(line);
  console.log('\nratio = through Envoy ÷ straight to Elasticsearch, p50, same run: what the gateway, gRPC, token handling and JSON add.\n');
  await client.close();
} finally {
  await stack.dispose();
}

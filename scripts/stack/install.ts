import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { say } from './log.ts';
import { cacheDir } from './paths.ts';
import { installElasticsearch, installJava } from './parts/elasticsearch.ts';
import { installEnvoy } from './parts/envoy.ts';
import { installHelm, installKubeconform } from './parts/kubernetes-tools.ts';
import { installMinio } from './parts/minio.ts';
import { installOpenapiGenerator } from './parts/openapi-generator.ts';
import { installPostgres } from './parts/postgres.ts';
import { installTemporal } from './parts/temporal.ts';

/** Where each installed part is. */
export interface InstalledStack {
  postgresBin: string;
  minio: string;
  temporal: string;
  elasticsearchHome: string;
  javaHome: string;
  envoy: string;
  openapiGenerator: string;
  /** Helm and kubeconform check the Kubernetes chart in npm test (no cluster). */
  helm: string;
  kubeconform: string;
}

/**
 * Installs every missing part into the cache (skipping what is there). The
 * apt-get steps run one after the other (apt holds a lock); the downloads and
 * Go builds run side by side.
 */
export async function installStack(): Promise<InstalledStack> {
  const logDir = join(cacheDir, 'install-logs');
  mkdirSync(logDir, { recursive: true });
  say('install', `cache ${cacheDir}`);
  const started = Date.now();
  const postgresBin = await installPostgres(join(logDir, 'postgresql.log'));
  const javaHome = await installJava(join(logDir, 'java.log'));
  const [minio, temporal, elasticsearchHome, envoy, openapiGenerator, helm, kubeconform] = await Promise.all([
    installMinio(join(logDir, 'minio.log')),
    installTemporal(join(logDir, 'temporal.log')),
    installElasticsearch(join(logDir, 'elasticsearch.log')),
    installEnvoy(join(logDir, 'envoy.log')),
    installOpenapiGenerator(join(logDir, 'protoc-gen-openapiv2.log')),
    installHelm(join(logDir, 'helm.log')),
    installKubeconform(join(logDir, 'kubeconform.log')),
  ]);
  say('install', `all parts present (${((Date.now() - started) / 1000).toFixed(0)}s)`);
  return { postgresBin, minio, temporal, elasticsearchHome, javaHome, envoy, openapiGenerator, helm, kubeconform };
}

import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { say } from '../log.ts';
import { giveTo, type ServiceUser } from '../os-user.ts';
import { partDir } from '../paths.ts';
import { httpAnswers } from '../probes.ts';
import { runCommand } from '../run-command.ts';
import { startService, type ServiceProcess } from '../service-process.ts';
import { versions } from '../versions.ts';

const artifact = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${versions.elasticsearch}:zip`;

/** Elasticsearch's integ-test zip from Maven Central (no JDK inside); returns its home folder. */
export async function installElasticsearch(logFile: string): Promise<string> {
  const home = join(partDir('elasticsearch', versions.elasticsearch), `elasticsearch-${versions.elasticsearch}`);
  if (existsSync(join(home, 'bin', 'elasticsearch'))) {
    say('elasticsearch', `present (${home})`);
    return home;
  }
  say('elasticsearch', `downloading ${artifact} with Maven`);
  await runCommand('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=${artifact}`, '-Dtransitive=false'], { logFile });
  const zip = join(homedir(), '.m2', 'repository', 'org', 'elasticsearch', 'distribution', 'integ-test-zip', 'elasticsearch', versions.elasticsearch, `elasticsearch-${versions.elasticsearch}.zip`);
  mkdirSync(partDir('elasticsearch', versions.elasticsearch), { recursive: true });
  await runCommand('unzip', ['-q', '-o', zip, '-d', partDir('elasticsearch', versions.elasticsearch)], { logFile });
  say('elasticsearch', 'unpacked');
  return home;
}

/** A Java 17+ runtime: JAVA_HOME, else a JDK under /usr/lib/jvm, else Debian's openjdk-17. */
export async function installJava(logFile: string): Promise<string> {
  const found = [process.env.JAVA_HOME, ...listJvms()].find((dir) => dir && existsSync(join(dir, 'bin', 'java')));
  if (found) {
    say('java', `present (${found})`);
    return found;
  }
  say('java', 'installing Debian package openjdk-17-jre-headless (apt-get)');
  await runCommand('apt-get', ['update'], { logFile });
  await runCommand('apt-get', ['install', '-y', '--no-install-recommends', 'openjdk-17-jre-headless'], { logFile });
  const installed = listJvms()[0];
  if (!installed) throw new Error('no Java runtime found after installing openjdk-17-jre-headless');
  return installed;
}

function listJvms(): string[] {
  const root = '/usr/lib/jvm';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /(^|-)(17|21)(-|$)/.test(name))
    .map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'bin', 'java')));
}

export interface ElasticsearchOptions {
  home: string;
  javaHome: string;
  dataDir: string;
  port: number;
  transportPort: number;
  heap: string;
  user: ServiceUser | undefined;
  logFile: string;
}

/** Starts a single-node Elasticsearch on loopback, security off (it is not reachable from outside). */
export async function startElasticsearch(options: ElasticsearchOptions): Promise<ServiceProcess> {
  const configDir = join(options.dataDir, 'config');
  // Elasticsearch writes into its config folder (keystore), so each data dir gets its own copy.
  if (!existsSync(configDir)) cpSync(join(options.home, 'config'), configDir, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(join(options.dataDir, dir), { recursive: true });
  giveTo(options.user, options.dataDir);
  return startService({
    name: 'elasticsearch',
    command: join(options.home, 'bin', 'elasticsearch'),
    args: [
      '-E', 'discovery.type=single-node',
      '-E', 'xpack.security.enabled=false',
      '-E', 'network.host=127.0.0.1',
      '-E', `http.port=${options.port}`,
      '-E', `transport.port=${options.transportPort}`,
      '-E', `path.data=${join(options.dataDir, 'data')}`,
      '-E', `path.logs=${join(options.dataDir, 'logs')}`,
      '-E', 'cluster.routing.allocation.disk.threshold_enabled=false',
      '-E', 'action.destructive_requires_name=false',
    ],
    env: {
      ...process.env,
      JAVA_HOME: options.javaHome,
      ES_JAVA_HOME: options.javaHome,
      ES_PATH_CONF: configDir,
      ES_TMPDIR: join(options.dataDir, 'tmp'),
      ES_JAVA_OPTS: `-Xms${options.heap} -Xmx${options.heap}`,
    },
    uid: options.user?.uid,
    gid: options.user?.gid,
    logFile: options.logFile,
    timeoutMs: 180_000,
    ready: async () => httpAnswers(`http://127.0.0.1:${options.port}/_cluster/health?wait_for_status=yellow&timeout=1s`),
  });
}

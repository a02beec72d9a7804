/** Configuration is read only from the environment and refused at start with every problem named. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';

const valid = {
  DATABASE_URL: 'postgres://conductor:secret@127.0.0.1:5432/conductor',
  ELASTICSEARCH_URL: 'http://127.0.0.1:9200',
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_ACCESS_KEY: 'conductor',
  S3_SECRET_KEY: 'conductor-secret',
  CONDUCTOR_SIGNING_KEY_FILE: '/run/secrets/signing-key.pem',
};

describe('loadConfig', () => {
  it('fills documented defaults', () => {
    const config = loadConfig(undefined, valid);
    expect(config.server).toMatchObject({ grpcPort: 50051, httpPort: 8081, publicUrl: 'http://localhost:8080', shutdownGraceMs: 10_000 });
    expect(config.objectStore).toMatchObject({ bucket: 'conductor-datastore', publicEndpoint: 'http://127.0.0.1:9000' });
    expect(config.temporal).toMatchObject({ address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'conductor-loads' });
  });

  it('lists every problem at once, naming the variables', () => {
    const attempt = () =>
      loadConfig(undefined, { ...valid, DATABASE_URL: 'mysql://nope', CONDUCTOR_GRPC_PORT: '70000', S3_BUCKET: 'Bad_Bucket', ELASTICSEARCH_URL: undefined });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('DATABASE_URL: must be a postgres:// URL');
      expect(problems).toContain('CONDUCTOR_GRPC_PORT');
      expect(problems).toContain('S3_BUCKET: must be a valid S3 bucket name');
      expect(problems).toMatch(/ELASTICSEARCH_URL: .*\(not set\)/);
    }
  });

  it('allows the local login (no password) only on a loopback public URL, and never by default', () => {
    const auth = (env: Record<string, string>) => loadConfig(['auth'], { CONDUCTOR_SIGNING_KEY: 'x', ...env }).auth;
    expect(auth({}).localLogin).toBe(false);
    expect(auth({ CONDUCTOR_LOCAL_LOGIN: '1', CONDUCTOR_PUBLIC_URL: 'http://localhost:8080' }).localLogin).toBe(true);
    expect(auth({ CONDUCTOR_LOCAL_LOGIN: 'true', CONDUCTOR_PUBLIC_URL: 'http://127.0.0.1:9999' }).localLogin).toBe(true);
    for (const publicUrl of ['https://conductor.example.org', 'http://10.0.0.5:8080', 'http://localhost.example.org']) {
      expect(() => auth({ CONDUCTOR_LOCAL_LOGIN: '1', CONDUCTOR_PUBLIC_URL: publicUrl }), publicUrl).toThrow(/CONDUCTOR_LOCAL_LOGIN: the local login \(no password\) is only for a loopback/);
    }
  });

  it('wants exactly one source for the signing key', () => {
    expect(() => loadConfig(['auth'], {})).toThrow(/CONDUCTOR_SIGNING_KEY/);
    expect(() => loadConfig(['auth'], { CONDUCTOR_SIGNING_KEY: 'x', CONDUCTOR_SIGNING_KEY_FILE: 'y' })).toThrow(/exactly one/);
  });

  it('refuses non-http endpoints such as file: or javascript: URLs', () => {
    expect(() => loadConfig(['objectStore'], { ...valid, S3_ENDPOINT: 'file:///etc/passwd' })).toThrow(/S3_ENDPOINT/);
    expect(() => loadConfig(['search'], { ELASTICSEARCH_URL: 'javascript:alert(1)' })).toThrow(/ELASTICSEARCH_URL/);
  });

  it('reads only the sections a process asks for', () => {
    const config = loadConfig(['temporal'], {});
    expect(Object.keys(config)).toEqual(['temporal']);
  });
});

import { createServer } from 'node:net';

/**
 * A free TCP port on loopback, below the kernel's ephemeral range (32768 and
 * up on Linux): a port the OS hands out for outgoing connections could be
 * taken by one (Temporal, MinIO and the drivers connect while Elasticsearch,
 * slow to start, has not yet bound its own) between this check and the bind.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

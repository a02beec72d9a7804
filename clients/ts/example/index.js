// A consumer of @conductor/client, installed from its folder as any package:
//   node index.js 127.0.0.1:50051
import { connect } from '@conductor/client';

const conductor = connect(process.argv[2] ?? '127.0.0.1:50051');
try {
  const health = await conductor.workPackages.getHealth({});
  const jwks = await conductor.auth.getJwks({});
  const stats = await conductor.packages.getStats({});
  console.log(JSON.stringify({ health: health.status, keys: jwks.keys.map((key) => key.kty), packages: stats.numPackages ?? 0 }));
} finally {
  conductor.close();
}

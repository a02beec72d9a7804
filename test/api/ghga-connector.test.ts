/**
 * The download path as GHGA's connector walks it, over HTTP through Envoy,
 * on real Fiscal Data Packages loaded by Conductor: log in, upload and load
 * a package, list the user's datasets, create a work package for it, then a
 * work order token for each of its files — the file id put into the path by
 * string formatting, unescaped, as the connector does — opened with the
 * user's Crypt4GH key and its claims checked.
 */
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { jwtVerify } from 'jose';
import sodium from 'libsodium-wrappers';
import { beforeAll, describe, expect, it } from 'vitest';
import { logIn, uniqueUser } from '../support/login.ts';
import { follow, startLoad, uploadPackage } from '../support/packages.ts';
import { testStack } from '../setup/test-stack.ts';
import { gateway } from './http.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/** Every file of a package folder, by its path inside the folder. */
function packageFiles(folder: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name !== 'README.md') files[relative(folder, path)] = readFileSync(path);
    }
  };
  walk(folder);
  return files;
}

describe('ghga-connector against packages Conductor loaded', () => {
  let keys: { publicKey: Uint8Array; privateKey: Uint8Array };
  const userKey = () => Buffer.from(keys.publicKey).toString('base64');
  const open = (sealed: string) => sodium.crypto_box_seal_open(Buffer.from(sealed, 'base64'), keys.publicKey, keys.privateKey, 'text');
  beforeAll(async () => {
    await sodium.ready;
    keys = sodium.crypto_box_keypair();
  });

  for (const folder of ['fdp/al-treasury-spending', 'fdp-1.0/eu-allocations']) {
    it(`${folder}: a work order token for every file of the loaded dataset`, async () => {
      const user = uniqueUser();
      const userToken = await logIn('google', user);
      const { token: internalToken, userid } = (await gateway('/user/authorize?service=work-packages', { headers: { authorization: `Bearer ${userToken}` } })).json as { token: string; userid: string };

      const name = `${folder.split('/')[1]}-${randomBytes(2).toString('hex')}`;
      const url = await uploadPackage(userToken, userid, name, packageFiles(join(fixtures, folder)));
      await startLoad(userToken, url);
      const { last } = await follow(url);
      expect(last.status).toBe('done');
      const datasetId = String(last.dataset_id);

      const listed = await gateway(`/users/${userid}/datasets`, { headers: { authorization: `Bearer ${internalToken}` } });
      expect(listed.status).toBe(200);
      const dataset = (listed.json as { id: string; files: { id: string; extension: string }[] }[]).find((candidate) => candidate.id === datasetId);
      expect(dataset?.files.length).toBeGreaterThan(0);

      const created = await gateway('/work-packages', {
        method: 'POST',
        body: JSON.stringify({ dataset_id: datasetId, type: 'download', file_ids: null, user_public_crypt4gh_key: userKey() }),
        headers: { authorization: `Bearer ${internalToken}`, 'content-type': 'application/json' },
      });
      expect(created.status).toBe(201);
      const { id: workPackageId, token: sealedAccessToken } = created.json as { id: string; token: string };
      const accessToken = open(sealedAccessToken);

      const signingPublicKey = createPublicKey(createPrivateKey(readFileSync(testStack().workOrderSigningKeyFile)));
      for (const file of dataset?.files ?? []) {
        // The connector's own request: the id formatted into the path as it is.
        const response = await fetch(`${testStack().gateway}/work-packages/${workPackageId}/files/${file.id}/work-order-tokens`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
        expect(response.status, file.id).toBe(201);
        const jwt = open((await response.json()) as string);
        const { payload } = await jwtVerify(jwt, signingPublicKey, { algorithms: ['ES256'] });
        expect(payload, file.id).toMatchObject({ type: 'download', file_id: file.id, user_id: userid, user_public_crypt4gh_key: userKey(), email: user.email });
      }
    });
  }
});

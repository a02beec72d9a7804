/** Where a data package may be loaded from: the datastore bucket, allowed hosts, never internal addresses. */
import { describe, expect, it } from 'vitest';
import { InternalAddressError, isPublicAddress } from '../../src/adapters/http/public-address.ts';
import { fetchPublic, publicOnlyLookup } from '../../src/adapters/http/public-fetch.ts';
import { locateDescriptor } from '../../src/core/packages/descriptor-url.ts';

const policy = { datastoreBase: 'http://s3.example.test:9000/conductor-datastore', allowedHosts: ['data.example.org', '*.openspending.example'] };

describe('locateDescriptor', () => {
  it('reads URLs under the datastore bucket from the bucket', () => {
    expect(locateDescriptor('http://s3.example.test:9000/conductor-datastore/abc/budget/datapackage.json', policy)).toEqual({ kind: 'datastore', key: 'abc/budget/datapackage.json' });
  });

  it('allows configured hosts and their subdomains', () => {
    expect(locateDescriptor('https://data.example.org/p/datapackage.json', policy)).toMatchObject({ kind: 'web' });
    expect(locateDescriptor('https://cdn.openspending.example/x.json', policy)).toMatchObject({ kind: 'web' });
  });

  it('refuses other hosts, internal ones included, and malformed or hostile URLs', () => {
    for (const [url, message] of [
      [undefined, /required/],
      ['not a url', /absolute http\(s\) URL/],
      ['file:///etc/passwd', /http\(s\) URL/],
      ['gopher://data.example.org/', /http\(s\) URL/],
      ['http://user:pass@data.example.org/x.json', /credentials/],
      ['http://127.0.0.1:9200/_cluster/health', /host not allowed: 127.0.0.1/],
      ['http://169.254.169.254/latest/meta-data/', /host not allowed/],
      ['http://localhost:8080/health', /host not allowed/],
      ['https://evil.example.org/x.json', /host not allowed/],
      ['https://data.example.org.evil.test/x.json', /host not allowed/],
      ['http://s3.example.test:9000/conductor-datastore/abc/../other/datapackage.json', /\.\. segments/],
      ['http://s3.example.test:9000/conductor-datastore/abc/%2e%2e/other/x.json', /\.\. segments/],
      [`https://data.example.org/${'a'.repeat(3000)}`, /too long/],
    ] as const) {
      expect(() => locateDescriptor(url, policy), String(url)).toThrow(message);
    }
  });
});

describe('public addresses', () => {
  it('classifies internal and public addresses', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', 'not-an-ip']) {
      expect(isPublicAddress(address), address).toBe(false);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) expect(isPublicAddress(address), address).toBe(true);
  });

  it('refuses a name that resolves to loopback, and literal private addresses, without connecting', async () => {
    await expect(fetchPublic(new URL('http://localhost:8080/datapackage.json'))).rejects.toBeInstanceOf(InternalAddressError);
    await expect(fetchPublic(new URL('http://10.0.0.5/datapackage.json'))).rejects.toThrow(/internal address/);
    await expect(fetchPublic(new URL('http://[::1]/datapackage.json'))).rejects.toThrow(/internal address/);
    // The lookup the connections use answers public addresses unchanged.
    const lookup = (host: string) =>
      new Promise<unknown>((resolve, reject) => publicOnlyLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))));
    expect(await lookup('93.184.216.34')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    await expect(lookup('localhost')).rejects.toThrow(/localhost resolves to .*, an internal address/);
  });
});

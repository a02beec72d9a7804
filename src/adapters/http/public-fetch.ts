import { lookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, fetch, type Response } from 'undici';
import { InternalAddressError, isPublicAddress } from './public-address.js';

/**
 * A DNS lookup that refuses internal addresses. It runs when the connection
 * is made, so the address checked is the address connected to: a name that
 * resolves to a public address for a check and to a private one for the
 * fetch (DNS rebinding) cannot slip through.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { family: options.family, hints: options.hints, all: true, order: 'verbatim' }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const internal = addresses.find((entry) => !isPublicAddress(entry.address));
    if (internal) return callback(new InternalAddressError(hostname, internal.address), '', 0);
    const [first] = addresses;
    if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
    if (options.all) return (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses);
    return callback(null, first.address, first.family);
  });
};

/** Connections for fetches on a user's behalf: public addresses only; a stalled server times out. */
const publicAgent = new Agent({ connect: { lookup: publicOnlyLookup, timeout: 15_000 }, headersTimeout: 30_000, bodyTimeout: 60_000 });

/**
 * GET on a user's behalf: only public addresses (a literal internal address
 * is refused before connecting, a name when it resolves), no redirects (they
 * could lead past the host allow-list). Throws InternalAddressError when refused.
 */
export async function fetchPublic(url: URL): Promise<Response> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) && !isPublicAddress(host)) throw new InternalAddressError(url.hostname, host);
  try {
    return await fetch(url, { dispatcher: publicAgent, redirect: 'error' });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof InternalAddressError) throw cause;
    throw error;
  }
}

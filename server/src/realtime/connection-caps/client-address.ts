import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client address of a handshake, by the same rule Express applies to REST requests under
 * `trust proxy` = TRUST_PROXY hops: the TCP peer, then X-Forwarded-For read from the right, one
 * entry per trusted proxy. With 0 hops a client-sent X-Forwarded-For is ignored.
 */
export function clientAddress(peer: string, headers: IncomingHttpHeaders, trustedHops: number): string {
  const addresses = [peer];
  if (trustedHops > 0) {
    const header = headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0)
      .reverse();
    addresses.push(...forwarded);
  }
  return addresses[Math.min(trustedHops, addresses.length - 1)]!;
}

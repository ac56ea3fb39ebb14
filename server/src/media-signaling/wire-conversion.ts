import type { RemoteProducer } from '@minimeet/shared';
import type { types } from 'mediasoup';
import type { ProducerInfo } from '../media/room-media.js';

/**
 * The one place wire JSON and mediasoup's types meet. Both describe the same JSON; their
 * TypeScript unions differ in details (e.g. header-extension URIs), and mediasoup validates
 * the contents of what it is given (its TypeErrors become VALIDATION refusals).
 */
export function asMediasoup<T>(wire: unknown): T {
  return wire as T;
}

export function asWire<T>(value: unknown): T {
  return value as T;
}

export function remoteProducer(p: Omit<ProducerInfo, 'peerId'>): RemoteProducer {
  return { producerId: p.producerId, userId: p.userId, kind: p.kind, source: p.source, paused: p.paused };
}

/**
 * The worker lists a fingerprint per hash algorithm in hash-map order, and mediasoup-client puts
 * only the last one into the SDP: with Debian's abseil that is sha-1. Clients get sha-256 alone
 * (what browsers generate and RFC 8122 recommends) when the worker offers it.
 */
export function withSha256Fingerprint(dtls: types.DtlsParameters): types.DtlsParameters {
  const sha256 = dtls.fingerprints.filter((f) => f.algorithm === 'sha-256');
  return sha256.length ? { ...dtls, fingerprints: sha256 } : dtls;
}

export function sumStats(stats: Array<{ packetCount: number; byteCount: number }>) {
  let packetCount = 0;
  let byteCount = 0;
  for (const s of stats) {
    packetCount += s.packetCount;
    byteCount += s.byteCount;
  }
  return { packetCount, byteCount };
}

// Proves the libsrtp3 → libsrtp2 adapter (srtp-compat/srtp.h) built into our worker:
// RTP goes producer → consumer on an SRTP PlainTransport → a UDP relay we control →
// a second SRTP PlainTransport keyed with the first one's parameters, which must
// decrypt it. A wrong adapter (lengths, in/out buffers, trailer room) cannot pass.
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';

const SUITES = [
  'AEAD_AES_256_GCM',
  'AEAD_AES_128_GCM',
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
] as const satisfies readonly types.SrtpCryptoSuite[];
// Compile-time guard: fails to type-check if mediasoup offers a suite not listed above.
const everySuiteCovered: Exclude<types.SrtpCryptoSuite, (typeof SUITES)[number]> extends never
  ? true
  : never = true;

const PACKETS = 40;
const SSRC = 1111;
const MARKER = 'MINIMEET-PLAINTEXT-MARKER';
const LISTEN = { protocol: 'udp', ip: '127.0.0.1' } as const;

function rtpPacket(seq: number): Buffer {
  const payload = Buffer.from(`${MARKER}-${String(seq).padStart(4, '0')}-${'x'.repeat(60)}`);
  const header = Buffer.alloc(12);
  header[0] = 0x80; // V=2
  header[1] = 100; // payload type
  header.writeUInt16BE(seq, 2);
  header.writeUInt32BE(seq * 960, 4);
  header.writeUInt32BE(SSRC, 8);
  return Buffer.concat([header, payload]);
}

async function udpSocket(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  return s;
}

const port = (s: dgram.Socket) => (s.address() as AddressInfo).port;
// RTP, not RTCP: version 2 and a second byte outside RTCP's packet types 192-223.
const isRtp = (b: Buffer) => b.length >= 12 && b[0]! >> 6 === 2 && !(b[1]! >= 192 && b[1]! <= 223);

interface RoundTrip {
  /** Datagrams seen on the wire between the two SRTP transports. */
  wire: Buffer[];
  /** Distinct markers decrypted at the far end. */
  delivered: Set<string>;
}

/** Sends PACKETS plain RTP packets through producer → SRTP → relay → SRTP → plain sink. */
async function roundTrip(
  router: types.Router,
  suite: types.SrtpCryptoSuite,
  breakKeys = false,
): Promise<RoundTrip> {
  const closers: Array<() => void> = [];
  try {
    const ingress = await router.createPlainTransport({ listenInfo: LISTEN, rtcpMux: true, comedia: true });
    const sender = await router.createPlainTransport({
      listenInfo: LISTEN,
      rtcpMux: true,
      comedia: false,
      enableSrtp: true,
      srtpCryptoSuite: suite,
    });
    const receiver = await router.createPlainTransport({
      listenInfo: LISTEN,
      rtcpMux: true,
      comedia: true,
      enableSrtp: true,
      srtpCryptoSuite: suite,
    });
    const egress = await router.createPlainTransport({ listenInfo: LISTEN, rtcpMux: true, comedia: false });
    closers.push(() => [ingress, sender, receiver, egress].forEach((t) => t.close()));

    const relay = await udpSocket();
    const sink = await udpSocket();
    const source = await udpSocket();
    closers.push(() => [relay, sink, source].forEach((s) => s.close()));

    const wire: Buffer[] = [];
    relay.on('message', (msg) => {
      wire.push(msg);
      relay.send(msg, receiver.tuple.localPort, '127.0.0.1');
    });
    const delivered = new Set<string>();
    sink.on('message', (msg) => {
      const text = msg.toString('latin1');
      const at = text.indexOf(MARKER);
      if (at >= 0) delivered.add(text.slice(at, at + MARKER.length + 5));
    });

    const senderKeys = sender.srtpParameters!;
    await sender.connect({ ip: '127.0.0.1', port: port(relay), srtpParameters: receiver.srtpParameters });
    await receiver.connect({
      srtpParameters: breakKeys
        ? {
            ...senderKeys,
            keyBase64: Buffer.from(senderKeys.keyBase64, 'base64').reverse().toString('base64'),
          }
        : senderKeys,
    });
    await egress.connect({ ip: '127.0.0.1', port: port(sink) });

    const producer = await ingress.produce({
      kind: 'audio',
      rtpParameters: {
        codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
        encodings: [{ ssrc: SSRC }],
      },
    });
    const encrypted = await sender.consume({
      producerId: producer.id,
      rtpCapabilities: router.rtpCapabilities,
    });
    const decrypted = await receiver.produce({ kind: 'audio', rtpParameters: encrypted.rtpParameters });
    await egress.consume({ producerId: decrypted.id, rtpCapabilities: router.rtpCapabilities });

    for (let seq = 1; seq <= PACKETS; seq++) {
      source.send(rtpPacket(seq), ingress.tuple.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 5));
    }
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && delivered.size < PACKETS) await new Promise((r) => setTimeout(r, 50));
    return { wire, delivered };
  } finally {
    closers.reverse().forEach((close) => close());
  }
}

describe('mediasoup worker SRTP (libsrtp2 adapter)', () => {
  let worker: types.Worker;
  let router: types.Router;

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
  });
  afterAll(() => worker?.close());

  it('covers every crypto suite mediasoup offers', () => {
    expect(everySuiteCovered).toBe(true);
  });

  it.each(SUITES)('%s: every packet is encrypted on the wire and decrypted intact', async (suite) => {
    const { wire, delivered } = await roundTrip(router, suite);
    const rtpOnWire = wire.filter(isRtp);
    expect(rtpOnWire.length).toBeGreaterThanOrEqual(PACKETS);
    expect(wire.some((b) => b.toString('latin1').includes(MARKER))).toBe(false);
    expect(delivered.size).toBe(PACKETS);
  });

  it('delivers nothing when the far end has the wrong key (the check above can fail)', async () => {
    const { wire, delivered } = await roundTrip(router, 'AES_CM_128_HMAC_SHA1_80', true);
    expect(wire.length).toBeGreaterThan(0);
    expect(delivered.size).toBe(0);
  });
});

/**
 * Issue 11: per-peer media caps hold under concurrent requests, a user's sockets with media in
 * one room are capped, oversized rtpParameters are refused — and the room's router (dump counts
 * via getMediaStats) holds exactly what was accepted, nothing leaked.
 */
import { ErrorCode, type Ack, type AuthResponse } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  rawRequest,
  registerUser,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { startServer, type ServerProcess } from '@minimeet/test-harness';
import { createTransport, joinMedia, produce, roomCounts, rtpParametersFor } from './media-fixtures.js';

const MAX_SOCKETS = 3;
let server: ServerProcess;
let roomId: number;

/** Fires `n` copies of one request at once; resolves every ack. */
function burst(socket: ClientSocket, n: number, event: string, payload: unknown): Promise<Ack<unknown>[]> {
  return Promise.all(Array.from({ length: n }, () => rawRequest(socket, event, payload, 15_000)));
}

function tally(acks: Ack<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ack of acks) {
    const key = ack.ok ? 'ok' : ack.error.code;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

beforeAll(async () => {
  server = await startServer({
    env: {
      MEDIASOUP_WORKERS: '1',
      AUTH_RATE_LIMIT: '1000',
      PRESENCE_GRACE_MS: '300',
      MAX_SOCKETS_PER_USER_ROOM: String(MAX_SOCKETS),
      // The test opens 12 sockets for one user on purpose (above the default MAX_SOCKETS_PER_USER).
      MAX_SOCKETS_PER_USER: '20',
      LOG_LEVEL: 'warn',
    },
  });
  const owner = await registerUser(server.url, 'capowner');
  roomId = (await createRoom(server.url, owner.accessToken, 'caps', 16)).id;
});

afterAll(async () => {
  closeAllSockets();
  await server?.stop();
});

describe('media caps under concurrent requests', () => {
  let a: ClientSocket;
  let aSend: string;
  let aCamera: string;

  it('40 concurrent createWebRtcTransport per direction: one of each is created, the rest CONFLICT', async () => {
    const user = await registerUser(server.url, 'capa');
    a = await connect(server.url, user.accessToken);
    await joinMedia(a, roomId);
    const [send, recv] = await Promise.all([
      burst(a, 40, 'createWebRtcTransport', { roomId, direction: 'send' }),
      burst(a, 40, 'createWebRtcTransport', { roomId, direction: 'recv' }),
    ]);
    expect(tally(send)).toEqual({ ok: 1, [ErrorCode.CONFLICT]: 39 });
    expect(tally(recv)).toEqual({ ok: 1, [ErrorCode.CONFLICT]: 39 });
    const created = send.find((x) => x.ok);
    aSend = (created as { ok: true; data: { id: string } }).data.id;
    expect(await roomCounts(a, roomId)).toEqual({ peers: 1, transports: 2, producers: 0, consumers: 0 });
  });

  it('40 concurrent produce of one source: one producer, the rest CONFLICT', async () => {
    const acks = await Promise.all(
      Array.from({ length: 40 }, () =>
        rawRequest(
          a,
          'produce',
          { transportId: aSend, kind: 'video', source: 'camera', rtpParameters: rtpParametersFor('camera') },
          15_000,
        ),
      ),
    );
    expect(tally(acks)).toEqual({ ok: 1, [ErrorCode.CONFLICT]: 39 });
    aCamera = (acks.find((x) => x.ok) as { ok: true; data: { producerId: string } }).data.producerId;
    expect(await roomCounts(a, roomId)).toEqual({ peers: 1, transports: 2, producers: 1, consumers: 0 });
  });

  it('40 concurrent consume of one producer: one consumer, the rest CONFLICT', async () => {
    const user = await registerUser(server.url, 'capb');
    const b = await connect(server.url, user.accessToken);
    const { routerRtpCapabilities } = await joinMedia(b, roomId);
    const recv = await createTransport(b, roomId, 'recv');
    const acks = await burst(b, 40, 'consume', {
      transportId: recv,
      producerId: aCamera,
      rtpCapabilities: routerRtpCapabilities,
    });
    expect(tally(acks)).toEqual({ ok: 1, [ErrorCode.CONFLICT]: 39 });
    expect(await roomCounts(b, roomId)).toEqual({ peers: 2, transports: 3, producers: 1, consumers: 1 });
  });

  it(`12 sockets of one user: ${MAX_SOCKETS} get media, the rest LIMIT_EXCEEDED; presence lists the user once`, async () => {
    const user: AuthResponse = await registerUser(server.url, 'capmany');
    const sockets = await Promise.all(
      Array.from({ length: 12 }, () => connect(server.url, user.accessToken)),
    );
    const joins = await Promise.all(sockets.map((s) => rawRequest(s, 'joinRoom', { roomId }, 15_000)));
    expect(tally(joins)).toEqual({ ok: 12 }); // chat and presence still work on every socket
    const transports = await Promise.all(
      sockets.map((s) => rawRequest(s, 'createWebRtcTransport', { roomId, direction: 'recv' }, 15_000)),
    );
    expect(tally(transports)).toEqual({ ok: MAX_SOCKETS, [ErrorCode.LIMIT_EXCEEDED]: 12 - MAX_SOCKETS });
    const refused = transports.find((x) => !x.ok) as { ok: false; error: { message: string } };
    expect(refused.error.message).toMatch(/connections with media/);

    const last = (await rawRequest(sockets[0]!, 'joinRoom', { roomId })) as {
      ok: true;
      data: { participants: Array<{ userId: number }> };
    };
    expect(last.data.participants.filter((p) => p.userId === user.user.id)).toHaveLength(1);
    expect(await roomCounts(a, roomId)).toEqual({
      peers: 2 + MAX_SOCKETS,
      transports: 3 + MAX_SOCKETS,
      producers: 1,
      consumers: 1,
    });

    // A socket with media leaving frees its place for another socket of the user.
    const withMedia = sockets.filter((_, i) => transports[i]!.ok);
    const without = sockets.filter((_, i) => !transports[i]!.ok);
    await rawRequest(withMedia[0]!, 'leaveRoom', { roomId });
    await rawRequest(without[0]!, 'leaveRoom', { roomId });
    await rawRequest(without[0]!, 'joinRoom', { roomId });
    expect(
      await rawRequest(without[0]!, 'createWebRtcTransport', { roomId, direction: 'recv' }),
    ).toMatchObject({
      ok: true,
    });
    for (const s of sockets) s.close();
  });

  it('oversized rtpParameters are refused with VALIDATION naming the field; 3 simulcast encodings pass', async () => {
    const refusal = async (source: 'camera' | 'mic' | 'screen', rtpParameters: unknown) => {
      const ack = await rawRequest(a, 'produce', {
        transportId: aSend,
        kind: source === 'mic' ? 'audio' : 'video',
        source,
        rtpParameters,
      });
      expect(ack.ok).toBe(false);
      return ack.ok ? undefined : ack.error;
    };
    const screen500 = await refusal('screen', rtpParametersFor('screen', 500));
    expect(screen500).toMatchObject({ code: ErrorCode.VALIDATION });
    expect(Object.keys(screen500!.details!.fields!)).toEqual(['rtpParameters.encodings']);
    const mic2 = await refusal('mic', rtpParametersFor('mic', 2));
    expect(mic2).toMatchObject({ code: ErrorCode.VALIDATION });
    expect(Object.keys(mic2!.details!.fields!)).toEqual(['rtpParameters.encodings']);
    const manyExtensions = {
      ...rtpParametersFor('screen'),
      headerExtensions: Array.from({ length: 200 }, (_, i) => ({ uri: `urn:x:${i}`, id: i + 1 })),
    };
    expect(await refusal('screen', manyExtensions)).toMatchObject({
      code: ErrorCode.VALIDATION,
      details: { fields: { 'rtpParameters.headerExtensions': [expect.any(String)] } },
    });
    const manyCodecs = {
      ...rtpParametersFor('screen'),
      codecs: Array(50).fill(rtpParametersFor('screen').codecs[0]),
    };
    expect(await refusal('screen', manyCodecs)).toMatchObject({
      code: ErrorCode.VALIDATION,
      details: { fields: { 'rtpParameters.codecs': [expect.any(String)] } },
    });
    expect(await refusal('screen', { ...rtpParametersFor('screen'), mid: 'm'.repeat(5000) })).toMatchObject({
      code: ErrorCode.VALIDATION,
      details: { fields: { 'rtpParameters.mid': [expect.any(String)] } },
    });
    expect(await roomCounts(a, roomId)).toMatchObject({ producers: 1 });

    // What browsers send stays accepted: 3 simulcast encodings on a video source.
    await produce(a, aSend, 'mic');
    const simulcast = await rawRequest(a, 'produce', {
      transportId: aSend,
      kind: 'video',
      source: 'screen',
      rtpParameters: rtpParametersFor('screen', 3),
    });
    expect(simulcast).toMatchObject({ ok: true });
    expect(await roomCounts(a, roomId)).toMatchObject({ producers: 3 });
  });
});

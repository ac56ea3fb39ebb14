/**
 * Issue 13 item 5: an operator can see why someone gets no media. The real built server and Node
 * WebRTC peers (werift + mediasoup-client): a healthy peer's transports log ICE and DTLS connected;
 * a peer that announces a wrong DTLS fingerprint makes the handshake fail, which is one warn line
 * naming room, user and transport.
 */
import type { ClientEventName, RequestOf, ResponseOf } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  registerUser,
  request,
} from './helpers/chat-client.js';
import { startServer, type ServerProcess } from '@minimeet/test-harness';

type LogLine = Record<string, unknown>;

/** A peer whose connectWebRtcTransport carries a fingerprint that is not its certificate's. */
class WrongFingerprintPeer extends MiniMeetPeer {
  override request<E extends ClientEventName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    if (event !== 'connectWebRtcTransport') return super.request(event, payload);
    const p = payload as RequestOf<'connectWebRtcTransport'>;
    const bogus = {
      ...p,
      dtlsParameters: {
        ...p.dtlsParameters,
        fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
      },
    };
    return super.request(event, bogus as RequestOf<E>);
  }
}

let server: ServerProcess;
let roomId: number;
const peers: MiniMeetPeer[] = [];
let seq = 0;

function peerOptions() {
  return {
    url: server.url,
    roomId,
    username: `tlog_${process.pid % 10000}_${++seq}`,
    password: 'correct horse battery',
  };
}

async function waitForLog(
  match: (l: LogLine) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<LogLine[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = server.logLines().filter(match);
    if (found.length > 0) return found;
    if (Date.now() > deadline)
      throw new Error(`no log line for ${what} within ${timeoutMs} ms:\n${server.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startServer({
    env: { MEDIASOUP_WORKERS: '1', AUTH_RATE_LIMIT: '1000', LOG_LEVEL: 'debug', PRESENCE_GRACE_MS: '500' },
  });
  const owner = await registerUser(server.url, 'tlog_owner');
  roomId = (await createRoom(server.url, owner.accessToken, 'transport logs', 8)).id;
});

afterAll(async () => {
  for (const p of peers) await p.close();
  closeAllSockets();
  await server?.stop();
});

describe('WebRtcTransport ICE/DTLS state logging', () => {
  it('a healthy peer: ICE and DTLS connected are logged with room, user and transport; no warn', async () => {
    const peer = new MiniMeetPeer(peerOptions());
    peers.push(peer);
    await peer.start();
    const userId = peer.user!.id;
    const transportIds = [
      ...new Set(
        (await waitForLog((l) => l.userId === userId && l.dtlsState === 'connected', 'DTLS connected')).map(
          (l) => l.transportId,
        ),
      ),
    ];
    // The send transport connects as soon as it produces; the recv one only once it consumes.
    expect(transportIds.length).toBeGreaterThanOrEqual(1);
    const ice = await waitForLog(
      (l) => l.userId === userId && (l.iceState === 'completed' || l.iceState === 'connected'),
      'ICE connected',
    );
    expect(ice[0]).toMatchObject({ level: 30, roomId, userId, transportId: expect.any(String) });
    expect(String(ice[0]!.tuple)).toMatch(/^udp 127\.0\.0\.1:\d+$/);
    expect(server.logLines().filter((l) => l.userId === userId && (l.level as number) >= 40)).toEqual([]);
  });

  it('a wrong DTLS fingerprint: one warn line "DTLS handshake failed" naming room, user and transport', async () => {
    const peer = new WrongFingerprintPeer(peerOptions());
    peers.push(peer);
    await peer.start();
    const userId = peer.user!.id;
    const failed = await waitForLog((l) => l.userId === userId && l.dtlsState === 'failed', 'DTLS failed');
    const sendTransportId = failed[0]!.transportId as string;
    expect(failed[0]).toMatchObject({
      level: 40,
      roomId,
      userId,
      transportId: expect.any(String),
      err: { code: 'DTLS_HANDSHAKE_FAILED' },
    });
    expect(failed[0]!.msg).toBe(
      `DTLS handshake failed (room ${roomId}, user ${userId}, transport ${sendTransportId})`,
    );
    // One line per failed transport, not a line per retransmitted flight.
    const perTransport = server
      .logLines()
      .filter((l) => l.transportId === sendTransportId && l.dtlsState === 'failed');
    expect(perTransport).toHaveLength(1);
  });

  it('a transport closed before ICE ever connected (no check reached the server) is a warn line', async () => {
    const user = await registerUser(server.url, 'tlog_silent');
    const socket = await connect(server.url, user.accessToken);
    okData(await request(socket, 'joinRoom', { roomId }));
    const transport = okData(await request(socket, 'createWebRtcTransport', { roomId, direction: 'recv' }));
    socket.disconnect();
    const closed = await waitForLog(
      (l) => l.transportId === transport.id && l.iceState === 'closed',
      'transport closed',
    );
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({
      level: 40,
      roomId,
      userId: user.user.id,
      err: { code: 'ICE_NEVER_CONNECTED' },
      msg: `ICE closed before it connected (room ${roomId}, user ${user.user.id}, transport ${transport.id})`,
    });
  });
});

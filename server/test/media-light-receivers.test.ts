/**
 * Issue 19 item 6: light receive-only bots (packages/webrtc-peer/src/light). Two full werift
 * peers send audio + video; light receivers (ICE + DTLS, RTP headers read from SRTP without
 * decrypting) join the same room through the ordinary contract. Every light receiver counts
 * rising packets from all four producers without sequence gaps on loopback, the server sees
 * connected transports with their consumers, and a receiver that leaves has its transport
 * closed server-side and its own UDP socket and consent timer gone. No database-specific
 * behaviour: SQLite only.
 */
import {
  type AdminRoomStats,
  type AdminStatsSnapshot,
  type AuthResponse,
} from '@minimeet/shared';
import { LightReceiver, MiniMeetPeer } from '@minimeet/webrtc-peer';
import { waitFor, type ServerProcess, type TestDatabase } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRoom, http, registerUser, sleep, uniqueName } from './helpers/chat-client.js';
import { closeMediaTest, loginNewAdmin, startSqliteServer } from './helpers/media-test-server.js';

const PASSWORD = 'correct horse battery';
const SENDERS = 2;
/** 20 as issue 19 asks; the room is made for them and the senders. */
const LIGHT_RECEIVERS = 20;
/** Starts cut short by close() at these delays (login, socket, join, transport, ICE/DTLS). */
const QUITTER_DELAYS_MS = [0, 20, 60, 150, 400];
/** Short consent interval so the test sees keepalives answered (default 5 s). */
const CONSENT_MS = 500;

const udpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;

describe('light receive-only receivers', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let admin: AuthResponse;
  let roomId: number;
  const senders: MiniMeetPeer[] = [];
  const receivers: LightReceiver[] = [];
  const errors: string[] = [];

  const roomStats = async (): Promise<AdminRoomStats | undefined> => {
    const res = await http<AdminStatsSnapshot>(server.url, 'GET', '/admin/stats', {
      token: admin.accessToken,
    });
    return res.body.rooms.find((r) => r.id === roomId);
  };

  beforeAll(async () => {
    ({ db, server } = await startSqliteServer({
      ADMIN_STATS_INTERVAL_MS: '500',
      MEDIASOUP_WORKERS: '1',
      AUTH_RATE_LIMIT: '1000',
    }));
    admin = (await loginNewAdmin(server.url, db.url, PASSWORD)).body;
    const owner = await registerUser(server.url, 'owner');
    // A seat per quitter too: one closed while its join was on the way (not yet answered, so no
    // leaveRoom) holds its seat for the presence grace after it disconnects, as any dropped user does.
    const seats = SENDERS + LIGHT_RECEIVERS + QUITTER_DELAYS_MS.length;
    roomId = (await createRoom(server.url, owner.accessToken, 'light bots', seats)).id;
    for (let i = 0; i < SENDERS; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: uniqueName('sender'),
        password: PASSWORD,
        consume: false,
      });
      senders.push(peer);
      await peer.start();
    }
    await Promise.all(
      Array.from({ length: LIGHT_RECEIVERS }, async () => {
        const r = new LightReceiver({
          url: server.url,
          roomId,
          username: uniqueName('light'),
          password: PASSWORD,
          consentIntervalMs: CONSENT_MS,
        });
        r.on('error', (err) => errors.push(err.message));
        receivers.push(r);
        await r.start();
      }),
    );
  }, 120_000);

  afterAll(() => closeMediaTest([...receivers, ...senders], server, db));

  it('every light receiver counts rising packets from all four producers, with no loss on loopback', async () => {
    const producerIds = senders.flatMap((s) => [...s.producers.values()].map((p) => p.id)).sort();
    expect(producerIds).toHaveLength(SENDERS * 2);
    const flowing = (r: LightReceiver) => {
      const open = r.openStreams();
      return (
        open
          .map((s) => s.producerId)
          .sort()
          .join() === producerIds.join() && open.every((s) => s.packets > 0)
      );
    };
    await waitFor(() => (receivers.every(flowing) ? true : undefined), 30_000);
    const before = receivers.map((r) =>
      r.openStreams().map((s) => ({ id: s.producerId, packets: s.packets })),
    );
    await waitFor(
      () =>
        receivers.every((r, i) =>
          before[i]!.every(
            (b) => r.openStreams().find((s) => s.producerId === b.id)!.packets > b.packets + 10,
          ),
        )
          ? true
          : undefined,
      30_000,
    );
    for (const r of receivers) {
      const kinds = r
        .openStreams()
        .map((s) => s.kind)
        .sort();
      expect(kinds).toEqual(['audio', 'audio', 'video', 'video']);
      for (const s of r.openStreams()) {
        expect(s.firstPacketAt).toBeGreaterThanOrEqual(s.announcedAt);
        expect(s.bytes).toBeGreaterThan(s.packets * 12);
        expect(s.sequence.received).toBe(s.packets);
        expect(s.sequence.lost).toBe(0);
        expect(s.sequence.duplicates).toBe(0);
      }
      expect(r.counters.unknownSsrcPackets).toBe(0);
      expect(Object.keys(r.packetCounts())).toHaveLength(SENDERS * 2);
    }
    expect(errors).toEqual([]);
  });

  it('the server sees each light receiver with one connected recv transport and a consumer per producer', async () => {
    let last: AdminRoomStats | undefined;
    const ids = new Set(receivers.map((r) => r.user!.id));
    const ready = (room: AdminRoomStats | undefined) =>
      !!room &&
      room.peers.length === SENDERS + LIGHT_RECEIVERS &&
      room.peers
        .filter((p) => ids.has(p.userId))
        .every(
          (p) =>
            p.transports === 1 &&
            p.consumers.length === SENDERS * 2 &&
            p.transportStats?.[0]?.dtlsState === 'connected' &&
            p.transportStats[0].direction === 'recv' &&
            p.transportStats[0].tuple?.protocol === 'udp',
        );
    await waitFor(async () => ((last = await roomStats()), ready(last) ? true : undefined), 20_000).catch(
      (err: Error) => {
        throw new Error(
          `${err.message}; last: ${JSON.stringify(last?.peers.map((p) => [p.userId, p.transports]))}`,
        );
      },
    );
  });

  it('consent keepalives are answered, and a receiver that leaves frees its transport, UDP socket and timers', async () => {
    const leaving = receivers[0]!;
    // Consent freshness runs every CONSENT_MS once connected: answers keep coming.
    const answered = leaving.iceStats.answers;
    await waitFor(() => (leaving.iceStats.answers >= answered + 2 ? true : undefined), 10_000);

    const udpBefore = udpSockets();
    await leaving.close();
    // A closed handle leaves the active list on the next loop turn.
    await sleep(50);
    expect(udpSockets()).toBe(udpBefore - 1);
    expect(leaving.socket!.connected).toBe(false);
    const sent = leaving.iceStats.requestsSent;
    await sleep(CONSENT_MS * 3);
    expect(leaving.iceStats.requestsSent).toBe(sent);

    const userId = leaving.user!.id;
    let last: AdminRoomStats | undefined;
    await waitFor(async () => {
      last = await roomStats();
      return last &&
        last.peers.length === SENDERS + LIGHT_RECEIVERS - 1 &&
        !last.peers.some((p) => p.userId === userId)
        ? true
        : undefined;
    }, 20_000);
    // The others go on receiving.
    const other = receivers[1]!;
    const packets = other.openStreams().reduce((n, s) => n + s.packets, 0);
    await waitFor(
      () => (other.openStreams().reduce((n, s) => n + s.packets, 0) > packets + 20 ? true : undefined),
      10_000,
    );
  });

  it('close() while start() is under way ends it with a clear error and leaves nothing behind', async () => {
    // Different delays stop the start at different steps; a start that finished first is closed as well.
    const udpBefore = udpSockets();
    for (const delayMs of QUITTER_DELAYS_MS) {
      const r = new LightReceiver({
        url: server.url,
        roomId,
        username: uniqueName('quitter'),
        password: PASSWORD,
      });
      const started = r.start().then(
        () => 'started',
        (err: Error) => err.message,
      );
      await sleep(delayMs);
      await r.close();
      const outcome = await started;
      expect(outcome).toMatch(/^started$|closed/);
      await sleep(50);
      expect(udpSockets()).toBe(udpBefore);
    }
    await waitFor(async () => {
      const room = await roomStats();
      return room && room.peers.length === SENDERS + LIGHT_RECEIVERS - 1 ? true : undefined;
    }, 20_000);
  });
});

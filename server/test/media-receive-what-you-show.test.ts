/**
 * Issue 19 item 3, receive what you show, on the SFU with real mediasoup: 8 werift senders (audio
 * + video; their clip player writes the RFC 6464 audio level the router's AudioLevelObserver
 * reads) and light receivers that each show a page of 4 videos. The room is spread over two
 * workers (spill load 1), so the loudness observer must hear producers piped from the other
 * router.
 * - each receiver holds its page's 4 video consumers and exactly K = 3 audio consumers, and the
 *   server's consumer count stays within participants × (page + K) + a small constant;
 * - a sender that starts speaking becomes one of everyone's K, and the next one replaces it;
 *   consuming a microphone outside the K is refused NOT_AUDIBLE;
 * - video nobody shows is told `producerLayersWanted null` (stop sending), and a layer again as
 *   soon as someone consumes it; the sender follows (the werift peer stops its camera as a browser
 *   disables its encodings), so its layer stops arriving at the SFU (the producer's own per-layer
 *   stats in getMediaStats) and arrives again for the viewer.
 * No database-specific behaviour: SQLite only.
 */
import { type AdminStatsSnapshot, type AuthResponse, type ProducerLayersWantedEvent } from '@minimeet/shared';
import { LightReceiver, MiniMeetPeer } from '@minimeet/webrtc-peer';
import { waitFor, type ServerProcess, type TestDatabase } from '@minimeet/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRoom,
  http,
  okData,
  registerUser,
  request,
  uniqueName,
  type ClientSocket,
} from './helpers/chat-client.js';
import {
  cameraArriving as cameraArrivingAt,
  closeMediaTest,
  loginNewAdmin,
  startSqliteServer,
} from './helpers/media-test-server.js';

const PASSWORD = 'correct horse battery';
const SENDERS = 8;
const RECEIVERS = 4;
const PAGE = 4;
const K = 3;
const LOUD_DBOV = -20;

describe('receive what you show (page of video, K loudest microphones, unwatched layers stopped)', () => {
  let db: TestDatabase;
  let server: ServerProcess;
  let roomId: number;
  let admin: AuthResponse;
  const senders: MiniMeetPeer[] = [];
  const receivers: LightReceiver[] = [];
  /** producerLayersWanted each sender received, by its camera producer id. */
  const wanted = new Map<string, Array<number | null>>();
  const errors: string[] = [];

  const cameraOf = (s: MiniMeetPeer) => s.producers.get('camera')!.id;
  const micOf = (s: MiniMeetPeer) => s.producers.get('mic')!.id;
  /** Every receiver shows the first page: senders 0..3. */
  const onFirstPage = new Set<number>();
  const openMics = (r: LightReceiver) =>
    r
      .openStreams()
      .filter((s) => s.kind === 'audio')
      .map((s) => s.producerId)
      .sort();
  const openVideos = (r: LightReceiver) =>
    r
      .openStreams()
      .filter((s) => s.kind === 'video')
      .map((s) => s.userId)
      .sort();

  const socketOf = (r: LightReceiver) => r.socket as ClientSocket;
  /** Whether a sender's camera layers are arriving at the SFU. */
  const cameraArriving = (s: MiniMeetPeer) => cameraArrivingAt(s, roomId);
  const lightReceiver = (showsVideo: (userId: number) => boolean) => {
    const r = new LightReceiver({
      url: server.url,
      roomId,
      username: uniqueName('viewer'),
      password: PASSWORD,
      showsVideo: (p) => showsVideo(p.userId),
    });
    r.on('error', (err) => errors.push(err.message));
    return r;
  };

  beforeAll(async () => {
    ({ db, server } = await startSqliteServer({
      MEDIASOUP_WORKERS: '2',
      // Every new peer spills onto the less loaded worker: the room spans two routers.
      MEDIA_ROUTER_SPILL_LOAD: '1',
      AUDIO_LOUDEST_K: String(K),
      AUTH_RATE_LIMIT: '1000',
    }));
    admin = (await loginNewAdmin(server.url, db.url, PASSWORD)).body;
    const owner = await registerUser(server.url, 'owner');
    roomId = (await createRoom(server.url, owner.accessToken, 'large', SENDERS + RECEIVERS + 4)).id;
    for (let i = 0; i < SENDERS; i++) {
      const peer = new MiniMeetPeer({
        url: server.url,
        roomId,
        username: uniqueName(`sender${i}`),
        password: PASSWORD,
        consume: false,
      });
      senders.push(peer);
      await peer.start();
      const camera = cameraOf(peer);
      wanted.set(camera, []);
      peer.socket.on('producerLayersWanted', (e: ProducerLayersWantedEvent) => {
        if (e.producerId === camera) wanted.get(camera)!.push(e.maxSpatialLayer);
      });
    }
    for (let i = 0; i < PAGE; i++) onFirstPage.add(senders[i]!.user!.id);
    for (let i = 0; i < RECEIVERS; i++) {
      const r = lightReceiver((userId) => onFirstPage.has(userId));
      receivers.push(r);
      await r.start();
    }
  }, 180_000);

  afterAll(() => closeMediaTest([...receivers, ...senders], server, db));

  it('each receiver consumes its page of video and K microphones; the server stays within the bound', async () => {
    const firstPage = [...onFirstPage].sort((a, b) => a - b);
    await waitFor(
      () =>
        receivers.every((r) => openVideos(r).join() === firstPage.join() && openMics(r).length === K)
          ? true
          : undefined,
      30_000,
    );
    // Nobody speaks yet: the ranking keeps the first microphones in the order they came.
    const firstMics = senders.slice(0, K).map(micOf).sort();
    for (const r of receivers) expect(openMics(r)).toEqual(firstMics);
    // The room spans both workers: the loudness observer hears microphones through router pipes.
    const snapshot = await http<AdminStatsSnapshot>(server.url, 'GET', '/admin/stats', {
      token: admin.accessToken,
    });
    expect(snapshot.body.rooms.find((r) => r.id === roomId)?.routers?.length).toBe(2);
    const stats = okData(await request(socketOf(receivers[0]!), 'getMediaStats', { roomId }));
    const participants = SENDERS + RECEIVERS;
    // Senders consume nothing; every receiver exactly page + K (the old design: 16 each).
    expect(stats.room.consumers).toBe(RECEIVERS * (PAGE + K));
    expect(stats.room.consumers).toBeLessThanOrEqual(participants * (PAGE + K) + 4);
    expect(errors).toEqual([]);
  });

  it("a sender who speaks up becomes one of everyone's K loudest, and the next speaker replaces the quiet one", async () => {
    const quiet = senders.slice(K);
    const first = quiet[2]!;
    const second = quiet[4]!;
    first.player.audioLevelDbov = LOUD_DBOV;
    await waitFor(
      () => (receivers.every((r) => openMics(r).includes(micOf(first))) ? true : undefined),
      15_000,
    );
    for (const r of receivers) expect(openMics(r)).toHaveLength(K);
    // Receivers get its packets, not just a consumer.
    await waitFor(
      () =>
        receivers.every((r) => r.openStreams().find((s) => s.producerId === micOf(first))!.packets > 10)
          ? true
          : undefined,
      10_000,
    );

    // A microphone outside the K is refused with a clear code.
    const outside = quiet.find((s) => s !== first && s !== second)!;
    const refused = await request(socketOf(receivers[0]!), 'consume', {
      transportId: receivers[0]!.transportId!,
      producerId: micOf(outside),
      rtpCapabilities: { codecs: [] },
    });
    expect(refused.ok ? 'consumed' : refused.error.code).toBe('NOT_AUDIBLE');

    // The first one stops, the second speaks: the second is heard; the loud first keeps its place
    // while loud (hysteresis), so someone who never spoke is the one replaced.
    second.player.audioLevelDbov = LOUD_DBOV;
    await waitFor(
      () =>
        receivers.every((r) => openMics(r).includes(micOf(second)) && openMics(r).includes(micOf(first)))
          ? true
          : undefined,
      15_000,
    );
    for (const r of receivers) expect(openMics(r)).toHaveLength(K);
    first.player.audioLevelDbov = -127;
    second.player.audioLevelDbov = -127;
    expect(errors).toEqual([]);
  });

  it('video nobody shows is told to stop sending; a viewer brings its layer back at once', async () => {
    const unseen = senders[SENDERS - 1]!;
    const camera = cameraOf(unseen);
    const seen = cameraOf(senders[0]!);
    await waitFor(() => (wanted.get(camera)!.at(-1) === null ? true : undefined), 15_000);
    // A shown camera was never told to stop.
    expect(wanted.get(seen)!.includes(null) && wanted.get(seen)!.at(-1) === null).toBe(false);
    // The sender follows: nothing of the unwatched camera arrives at the SFU; the shown one does.
    await waitFor(async () => ((await cameraArriving(unseen)) ? undefined : true), 15_000);
    expect(await cameraArriving(senders[0]!)).toBe(true);

    const viewer = lightReceiver((userId) => userId === unseen.user!.id);
    receivers.push(viewer);
    await viewer.start();
    // One encoding from the werift peer: its top layer is 0.
    await waitFor(() => (wanted.get(camera)!.at(-1) === 0 ? true : undefined), 10_000);
    await waitFor(
      () =>
        (viewer.openStreams().find((s) => s.producerId === camera)?.packets ?? 0) > 10 ? true : undefined,
      10_000,
    );
    expect(await cameraArriving(unseen)).toBe(true);

    // The viewer leaves: after the drop delay the sender is told again to stop.
    receivers.pop();
    await viewer.close();
    await waitFor(() => (wanted.get(camera)!.at(-1) === null ? true : undefined), 15_000);
    expect(errors).toEqual([]);
  });
});

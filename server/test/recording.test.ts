/**
 * Issue 21 item 2, recording: moderators start and stop it (others FORBIDDEN), everyone in the
 * room and later joiners see it, every producer is captured per track (a paused and resumed mic
 * is two segments, a late joiner starts later), after stop the recording goes processing → ready
 * with a composite and per-track files in storage; list, download, delete and who may; the
 * per-node cap, the free space floor, a recorder killed mid-recording. Real built server, werift
 * peers through real mediasoup and ffmpeg; SQLite + disk storage and MariaDB + local S3.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCode, type RecordingDto, type RoomDto } from '@minimeet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import type { DbKind } from '@minimeet/test-harness';
import { FileStorage } from '../src/storage/file-storage.js';
import type { ObjectStorage } from '../src/storage/object-storage.js';
import { S3Storage } from '../src/storage/s3-storage.js';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  joinedSocket,
  okData,
  record,
  refusedWith,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import {
  capturePids,
  downloadRecording,
  probeBytes,
  recordedPeer,
  waitForRecording,
  waitForSegmentWritten,
} from './helpers/recording-client.js';
import { HEARD_DB, freezes, frozenThroughout, meanVolumeDb } from './helpers/media-checks.js';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from './helpers/s3-server.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const SETUPS: Array<{ kind: DbKind; storage: 'disk' | 's3' }> = [
  { kind: 'sqlite', storage: 'disk' },
  { kind: 'mariadb', storage: 's3' },
];

describe.each(SETUPS)('recording ($kind, storage on $storage)', ({ kind, storage: where }) => {
  let target: ChatTarget;
  let url: string;
  let s3: LocalS3 | undefined;
  let storage: ObjectStorage;
  let dataDir: string;
  const peers: MiniMeetPeer[] = [];
  const webhooks = new WebhookReceiver();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'minimeet-rec-'));
    await webhooks.start();
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      MAX_RECORDINGS_PER_NODE: '2',
      RECORDING_MIN_FREE_BYTES: '1000000',
      WEBHOOK_URLS: webhooks.url,
      WEBHOOK_SECRET: 'recording-webhook-secret-0123',
      WEBHOOK_RETRY_BASE_MS: '100',
    };
    if (where === 's3') {
      s3 = await startLocalS3();
      Object.assign(env, S3RVER_CREDENTIALS, { STORAGE_URL: s3.storageUrl });
      Object.assign(process.env, S3RVER_CREDENTIALS);
      storage = new S3Storage({ bucket: s3.bucket, prefix: '', endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true });
    } else {
      storage = new FileStorage(path.join(dataDir, 'storage'));
    }
    target = await startChatTarget(kind, env);
    url = target.url;
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.close();
    closeAllSockets();
    await target?.stop();
    await s3?.stop();
    await webhooks.stop();
    if (storage instanceof S3Storage) storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function peer(roomId: number, login: { token: string } | { name: string }, media: { audio?: boolean; video?: boolean } = {}): MiniMeetPeer {
    const p = recordedPeer(url, roomId, login, media);
    peers.push(p);
    return p;
  }

  const tmpFile = (name: string) => path.join(dataDir, name);

  it('a moderator records a call: everyone sees it, tracks and segments as they happened, a composite and track files to download', async () => {
    const owner = await registerUser(url, 'recowner');
    const room = await createRoom(url, owner.accessToken, 'recorded');
    const host = peer(room.id, { token: owner.accessToken });
    await host.start();
    const guest = peer(room.id, { name: 'recguest' });
    await guest.start();
    const watcherUser = await registerUser(url, 'watcher');
    const watcher = await joinedSocket(url, watcherUser, room.id);
    const seen = record(watcher, 'recordingState');

    // Only moderators; only from inside the room; bad input is a validation error.
    refusedWith(await guest.rawRequest('startRecording', { roomId: room.id }), ErrorCode.FORBIDDEN);
    const outside = await connect(url, owner.accessToken);
    refusedWith(await request(outside, 'startRecording', { roomId: room.id }), ErrorCode.NOT_IN_ROOM);
    refusedWith(await host.rawRequest('startRecording', { roomId: 'x' }), ErrorCode.VALIDATION);
    refusedWith(await host.rawRequest('stopRecording', { roomId: room.id }), ErrorCode.CONFLICT);

    const started = (await host.request('startRecording', { roomId: room.id }));
    expect(started).toMatchObject({ roomId: room.id, recording: true, by: { userId: owner.user.id } });
    const recordingId = started.recordingId!;
    refusedWith(await host.rawRequest('startRecording', { roomId: room.id }), ErrorCode.CONFLICT);
    await waitFor(() => seen.some((s) => s.recording && s.recordingId === recordingId), 5000, 'the watcher told');

    // Before and at joining, later joiners see it.
    const listed = await http<RoomDto>(url, 'GET', `/rooms/${room.id}`, { token: watcherUser.accessToken });
    expect(listed.body.recording).toBe(true);
    const lateViewer = await connect(url, (await registerUser(url, 'lateview')).accessToken);
    const lateJoin = okData(await request(lateViewer, 'joinRoom', { roomId: room.id }));
    expect(lateJoin.recording).toMatchObject({ recording: true, recordingId, by: { userId: owner.user.id } });

    // The guest mutes and unmutes (each once the mic is being recorded); someone joins with media later.
    const guestMicId = `u${guest.user.id}-mic`;
    await waitForSegmentWritten(dataDir, recordingId, guestMicId, 0);
    await sleep(1000);
    await guest.pauseProducer('mic');
    await sleep(1500);
    await guest.resumeProducer('mic');
    await waitForSegmentWritten(dataDir, recordingId, guestMicId, 1);
    const late = peer(room.id, { name: 'reclate' });
    await late.start();
    await sleep(3000);

    const stopped = (await host.request('stopRecording', { roomId: room.id }));
    expect(stopped).toMatchObject({ roomId: room.id, recording: false, recordingId });
    await waitFor(() => seen.some((s) => !s.recording && s.recordingId === recordingId), 5000, 'the watcher told of the stop');
    const afterStop = await http<RecordingDto>(url, 'GET', `/recordings/${recordingId}`, { token: owner.accessToken });
    expect(['processing', 'ready']).toContain(afterStop.body.state);
    expect((await http<RoomDto>(url, 'GET', `/rooms/${room.id}`, { token: owner.accessToken })).body.recording).toBe(false);

    const ready = await waitForRecording(url, owner.accessToken, recordingId, 'ready');
    expect(ready.durationMs).toBeGreaterThan(6000);
    expect(ready.sizeBytes).toBeGreaterThan(0);
    const track = (userId: number, kind: string) => ready.tracks.find((t) => t.userId === userId && t.kind === kind);
    expect(track(owner.user.id, 'audio')).toMatchObject({ segments: 1 });
    expect(track(owner.user.id, 'video')!.startOffsetMs).toBeLessThan(2000);
    // On failure, what was recorded and what the server warned of say which stretch went missing.
    const why = () => JSON.stringify({ tracks: ready.tracks, warnings: target.server.logLines().filter((l) => (l.level as number) >= 40) });
    expect(track(guest.user.id, 'audio')?.segments, why()).toBe(2);
    expect(track(guest.user.id, 'video')!.segments).toBe(1);
    expect(track(late.user.id, 'audio')!.startOffsetMs).toBeGreaterThan(2500);
    expect(track(late.user.id, 'video')!.startOffsetMs).toBeGreaterThan(2500);

    // Webhook consumers hear of it.
    await waitFor(() => webhooks.forRoom(room.id).some((r) => r.event.type === 'recording.ready'), 10_000, 'recording.ready webhook');
    const hook = webhooks.forRoom(room.id).find((r) => r.event.type === 'recording.ready')!.event;
    expect(hook.recording).toEqual({
      id: recordingId,
      durationMs: ready.durationMs,
      sizeBytes: ready.sizeBytes,
      downloadPath: `/api/recordings/${recordingId}/download`,
    });

    // The list: newest first, moderators only by default.
    const list = await http<RecordingDto[]>(url, 'GET', `/rooms/${room.id}/recordings`, { token: owner.accessToken });
    expect(list.status).toBe(200);
    expect(list.body[0]).toMatchObject({ id: recordingId, state: 'ready' });

    // The composite: one video and one audio stream, as long as the recording.
    const composite = await downloadRecording(url, owner.accessToken, recordingId);
    expect(composite.status).toBe(200);
    const extension = composite.headers.get('content-type') === 'video/mp4' ? 'mp4' : 'webm';
    expect(composite.headers.get('content-type')).toBe(`video/${extension}`);
    expect(composite.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="recording-\\d+\\.${extension}"`));
    const probed = await probeBytes(tmpFile(`composite.${extension}`), composite.bytes);
    expect(probed.streams.filter((s) => s.codec_type === 'video')).toHaveLength(1);
    expect(probed.streams.filter((s) => s.codec_type === 'audio')).toHaveLength(1);
    expect(Math.abs(probed.durationMs - ready.durationMs)).toBeLessThan(2000);
    // It plays as a call: the microphones (each peer sends a tone) are heard, the cameras move.
    const compositeFile = tmpFile(`composite.${extension}`);
    const seconds = probed.durationMs / 1000;
    expect(await meanVolumeDb(compositeFile, 0.5, seconds - 1)).toBeGreaterThan(HEARD_DB);
    expect(frozenThroughout(await freezes(compositeFile, { minSeconds: 1 }), 1, seconds - 1)).toBe(false);

    // One track's file, and each of its segments.
    const guestMic = track(guest.user.id, 'audio')!;
    for (const segment of [0, 1]) {
      const file = await downloadRecording(url, owner.accessToken, recordingId, `?track=${guestMic.id}&segment=${segment}`);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('audio/webm');
      const audio = await probeBytes(tmpFile(`mic-${segment}.webm`), file.bytes);
      expect(audio.streams.map((s) => s.codec_name)).toEqual(['opus']);
    }
    const camera = await downloadRecording(url, owner.accessToken, recordingId, `?track=${track(owner.user.id, 'video')!.id}`);
    expect(camera.status).toBe(200);
    expect((await probeBytes(tmpFile('camera.webm'), camera.bytes)).streams.map((s) => s.codec_name)).toEqual(['vp8']);
    expect((await downloadRecording(url, owner.accessToken, recordingId, `?track=${guestMic.id}&segment=2`)).status).toBe(404);
    expect((await downloadRecording(url, owner.accessToken, recordingId, '?track=nope')).status).toBe(404);

    // Who may read: a member only once the room lets members; a stranger never.
    const guestToken = await tokenOf(guest);
    expect((await http(url, 'GET', `/rooms/${room.id}/recordings`, { token: guestToken })).status).toBe(403);
    expect((await http(url, 'GET', `/recordings/${recordingId}`, { token: guestToken })).status).toBe(404);
    const patched = await http<RoomDto>(url, 'PATCH', `/rooms/${room.id}`, { token: owner.accessToken, body: { recordingAccess: 'members' } });
    expect(patched.status).toBe(200);
    expect((await http<RecordingDto[]>(url, 'GET', `/rooms/${room.id}/recordings`, { token: guestToken })).body[0]?.id).toBe(recordingId);
    expect((await downloadRecording(url, guestToken, recordingId)).status).toBe(200);
    const stranger = await registerUser(url, 'stranger');
    expect((await http(url, 'GET', `/rooms/${room.id}/recordings`, { token: stranger.accessToken })).status).toBe(403);
    expect((await http(url, 'GET', `/recordings/${recordingId}`, { token: stranger.accessToken })).status).toBe(404);
    expect((await downloadRecording(url, stranger.accessToken, recordingId)).status).toBe(404);

    // Deleting: moderators only; rows and files go.
    expect((await http(url, 'DELETE', `/recordings/${recordingId}`, { token: guestToken })).status).toBe(403);
    expect(await storage.stat(`recordings/${recordingId}/manifest.json`)).not.toBeNull();
    expect((await http(url, 'DELETE', `/recordings/${recordingId}`, { token: owner.accessToken })).status).toBe(204);
    expect((await http(url, 'GET', `/recordings/${recordingId}`, { token: owner.accessToken })).status).toBe(404);
    expect(await storage.stat(`recordings/${recordingId}/manifest.json`)).toBeNull();
    expect(await storage.stat(`recordings/${recordingId}/tracks/${guestMic.id}-0.webm`)).toBeNull();
  }, 150_000);

  it('a recorder process killed mid-recording is restarted: the gap shows as a new segment', async () => {
    const owner = await registerUser(url, 'killowner');
    const room = await createRoom(url, owner.accessToken, 'killed');
    const host = peer(room.id, { token: owner.accessToken }, { video: false });
    await host.start();
    const { recordingId } = (await host.request('startRecording', { roomId: room.id }));
    const trackId = `u${owner.user.id}-mic`;
    let pids: number[] = [];
    for (let i = 0; i < 40 && !pids.length; i++) {
      pids = await capturePids(target.server.pid, recordingId!, trackId);
      if (!pids.length) await sleep(250);
    }
    expect(pids).toHaveLength(1);
    await sleep(1500);
    process.kill(pids[0]!, 'SIGKILL');
    let restarted: number[] = [];
    for (let i = 0; i < 40; i++) {
      restarted = (await capturePids(target.server.pid, recordingId!, trackId)).filter((p) => p !== pids[0]);
      if (restarted.length) break;
      await sleep(250);
    }
    expect(restarted).toHaveLength(1);
    await sleep(1500);
    await host.request('stopRecording', { roomId: room.id });
    const ready = await waitForRecording(url, owner.accessToken, recordingId!, 'ready');
    const mic = ready.tracks.find((t) => t.id === trackId)!;
    expect(mic.segments).toBe(2);
    // Both files play (the killed one up to where it was cut).
    for (const segment of [0, 1]) {
      const file = await downloadRecording(url, owner.accessToken, recordingId!, `?track=${trackId}&segment=${segment}`);
      expect((await probeBytes(tmpFile(`killed-${segment}.webm`), file.bytes)).streams.map((s) => s.codec_name)).toEqual(['opus']);
    }

    // Deleting the room deletes its recordings and their files.
    await host.close();
    expect((await http(url, 'DELETE', `/rooms/${room.id}`, { token: owner.accessToken })).status).toBe(204);
    for (let i = 0; i < 40 && (await storage.stat(`recordings/${recordingId}/manifest.json`)); i++) await sleep(250);
    expect(await storage.stat(`recordings/${recordingId}/manifest.json`)).toBeNull();
    expect((await http(url, 'GET', `/recordings/${recordingId}`, { token: owner.accessToken })).status).toBe(404);
  }, 90_000);

  it('refuses recordings past MAX_RECORDINGS_PER_NODE with LIMIT_EXCEEDED', async () => {
    const owner = await registerUser(url, 'capowner');
    const rooms = [];
    for (let i = 0; i < 3; i++) rooms.push(await createRoom(url, owner.accessToken, `cap${i}`));
    const sockets = [];
    for (const r of rooms) sockets.push(await joinedSocket(url, owner, r.id));
    okData(await request(sockets[0]!, 'startRecording', { roomId: rooms[0]!.id }));
    okData(await request(sockets[1]!, 'startRecording', { roomId: rooms[1]!.id }));
    refusedWith(await request(sockets[2]!, 'startRecording', { roomId: rooms[2]!.id }), ErrorCode.LIMIT_EXCEEDED);
    const stopped = okData(await request(sockets[0]!, 'stopRecording', { roomId: rooms[0]!.id }));
    // A call with nothing to record fails with why; the slot is free again.
    await expect(waitForRecording(url, owner.accessToken, stopped.recordingId!, 'ready', 20_000)).rejects.toThrow(/nothing was recorded/);
    okData(await request(sockets[2]!, 'startRecording', { roomId: rooms[2]!.id }));
    okData(await request(sockets[1]!, 'stopRecording', { roomId: rooms[1]!.id }));
    okData(await request(sockets[2]!, 'stopRecording', { roomId: rooms[2]!.id }));
  }, 60_000);

  async function tokenOf(p: MiniMeetPeer): Promise<string> {
    const login = await http<{ accessToken: string }>(url, 'POST', '/auth/login', {
      body: { username: p.options.username, password: p.options.password },
    });
    return login.body.accessToken;
  }
});

describe('recording: free disk space (sqlite)', () => {
  let target: ChatTarget;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'minimeet-rec-full-'));
    // More free space than any disk has: every start is refused.
    target = await startChatTarget('sqlite', { DATA_DIR: dataDir, RECORDING_MIN_FREE_BYTES: String(2 ** 52) });
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start with STORAGE_FULL when the disk is below RECORDING_MIN_FREE_BYTES', async () => {
    const owner = await registerUser(target.url, 'fullowner');
    const room = await createRoom(target.url, owner.accessToken, 'full');
    const socket = await joinedSocket(target.url, owner, room.id);
    refusedWith(await request(socket, 'startRecording', { roomId: room.id }), ErrorCode.STORAGE_FULL);
    const list = await http<RecordingDto[]>(target.url, 'GET', `/rooms/${room.id}/recordings`, { token: owner.accessToken });
    expect(list.body).toEqual([]);
  });
});

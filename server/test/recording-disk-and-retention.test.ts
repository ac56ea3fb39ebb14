/**
 * Issue 21 item 2, the limits the main recording test does not reach: the disk filling up while a
 * call is recorded (the recording stops cleanly for everyone and what was written becomes a
 * playable recording; a new start is refused until space is back), and RECORDING_RETENTION_DAYS
 * (recordings older than it are deleted with their files, newer ones kept) on SQLite and MariaDB.
 * Real built server, werift peers through real mediasoup and ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ErrorCode, type RecordingDto } from '@minimeet/shared';
import {
  DB_KINDS,
  createTestDatabase,
  onMysqlServer,
  startServer,
  type DbKind,
  type MinimeetServer,
  type TestDatabase,
} from '@minimeet/test-harness';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  createRoom,
  http,
  joinedSocket,
  record,
  refusedWith,
  registerUser,
  request,
  sleep,
  waitFor,
} from './helpers/chat-client.js';
import { chatEnv, startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { downloadRecording, probeBytes, recordedPeer, waitForRecording } from './helpers/recording-client.js';

const MB = 1024 * 1024;

/** Why a tmpfs (a small disk of our own to fill) cannot be mounted here, or undefined. */
function tmpfsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const probe = path.join(tmpdir(), `minimeet-tmpfs-probe-${process.pid}`);
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}


const noTmpfs = tmpfsUnavailable();
if (noTmpfs) console.warn(`SKIPPED recording disk-full test: ${noTmpfs}`);

describe.skipIf(!!noTmpfs)('recording: the disk fills up mid-recording (sqlite, a tmpfs of 96 MB)', () => {
  const DISK_BYTES = 96 * MB;
  const FLOOR_BYTES = 48 * MB;
  let disk: string;
  let target: ChatTarget;
  const peers: MiniMeetPeer[] = [];

  beforeAll(async () => {
    disk = await mkdtemp(path.join(tmpdir(), 'minimeet-rec-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_BYTES}`, 'tmpfs', disk]);
    target = await startChatTarget('sqlite', {
      DATA_DIR: disk,
      RECORDING_MIN_FREE_BYTES: String(FLOOR_BYTES),
    });
  }, 60_000);

  afterAll(async () => {
    for (const p of peers) await p.close();
    closeAllSockets();
    await target?.stop();
    if (disk) {
      execFileSync('umount', ['-l', disk]);
      await rm(disk, { recursive: true, force: true });
    }
  });

  it('stops the recording for everyone, keeps what was written as a playable recording, and refuses a new start until space is back', async () => {
    const { url } = target;
    const owner = await registerUser(url, 'diskowner');
    const room = await createRoom(url, owner.accessToken, 'disk fills');
    const host = recordedPeer(url, room.id, { token: owner.accessToken });
    const guest = recordedPeer(url, room.id, { name: 'diskguest' });
    peers.push(host, guest);
    await host.start();
    await guest.start();
    const watcher = await joinedSocket(url, await registerUser(url, 'diskwatch'), room.id);
    const states = record(watcher, 'recordingState');

    const started = await host.request('startRecording', { roomId: room.id });
    const recordingId = started.recordingId!;
    await sleep(4000);

    // Another program takes the disk down to below the floor.
    const filler = path.join(disk, 'filler.bin');
    const free = async () => {
      const s = await statfs(disk);
      return s.bavail * s.bsize;
    };
    await writeFile(filler, Buffer.alloc((await free()) - FLOOR_BYTES + 8 * MB));
    expect(await free()).toBeLessThan(FLOOR_BYTES);
    const filledAt = Date.now();

    // Everyone is told it stopped; nobody stopped it.
    await waitFor(
      () => states.some((s) => !s.recording && s.recordingId === recordingId),
      15_000,
      'the stop announced',
    );
    const stopAfterMs = Date.now() - filledAt;
    const ready = await waitForRecording(url, owner.accessToken, recordingId, 'ready', 90_000);
    // What was written up to the stop: about the 4 s before the disk filled, plus the check's delay.
    expect(ready.durationMs).toBeGreaterThan(3500);
    expect(ready.durationMs).toBeLessThan(4000 + stopAfterMs + 2000);
    expect(ready.tracks.filter((t) => t.kind === 'video')).toHaveLength(2);
    const composite = await downloadRecording(url, owner.accessToken, recordingId);
    expect(composite.status).toBe(200);
    const probed = await probeBytes(
      path.join(tmpdir(), `minimeet-disk-composite-${process.pid}`),
      composite.bytes,
    );
    expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    expect(Math.abs(probed.durationMs - ready.durationMs)).toBeLessThan(2000);

    // Still too full: a new start is refused, and says why.
    refusedWith(await host.rawRequest('startRecording', { roomId: room.id }), ErrorCode.STORAGE_FULL);
    // Space is back: recording works again.
    await rm(filler);
    const again = await host.request('startRecording', { roomId: room.id });
    expect(again.recording).toBe(true);
    await sleep(2000);
    await host.request('stopRecording', { roomId: room.id });
    await waitForRecording(url, owner.accessToken, again.recordingId!, 'ready', 90_000);
  }, 180_000);
});

/** Moves a recording's start (and stop) `days` into the past, as if it had been made then. */
async function ageRecording(db: TestDatabase, id: number, days: number): Promise<void> {
  const shiftMs = days * 24 * 3_600_000;
  if (db.kind === 'mariadb') {
    await onMysqlServer(
      (conn) =>
        conn.query(
          'UPDATE recordings SET startedAt = startedAt - INTERVAL ? SECOND, stoppedAt = stoppedAt - INTERVAL ? SECOND WHERE id = ?',
          [shiftMs / 1000, shiftMs / 1000, id],
        ),
      db.url,
    );
    return;
  }
  const sqlite = new Database(db.url.replace(/^sqlite:/, ''));
  try {
    const shift = `-${days} days`;
    sqlite
      .prepare(
        "UPDATE recordings SET startedAt = strftime('%Y-%m-%d %H:%M:%f', startedAt, ?), stoppedAt = strftime('%Y-%m-%d %H:%M:%f', stoppedAt, ?) WHERE id = ?",
      )
      .run(shift, shift, id);
  } finally {
    sqlite.close();
  }
}

describe.each(DB_KINDS)('recording retention (%s)', (kind: DbKind) => {
  const RETENTION_DAYS = 7;
  let db: TestDatabase;
  let dataDir: string;
  let server: MinimeetServer | undefined;
  const peers: MiniMeetPeer[] = [];
  const start = async () => {
    server = await startServer({
      env: chatEnv({
        DATABASE_URL: db.url,
        DATA_DIR: dataDir,
        RECORDING_MIN_FREE_BYTES: String(MB),
        RECORDING_RETENTION_DAYS: String(RETENTION_DAYS),
      }),
    });
    return server.url;
  };

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    dataDir = await mkdtemp(path.join(tmpdir(), 'minimeet-rec-retention-'));
  });

  afterEach(() => closeAllSockets());

  afterAll(async () => {
    for (const p of peers) await p.close();
    await server?.stop();
    await db?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`deletes recordings older than RECORDING_RETENTION_DAYS (${RETENTION_DAYS}) with their files, and keeps newer ones`, async () => {
    let url = await start();
    const owner = await registerUser(url, 'retowner');
    const room = await createRoom(url, owner.accessToken, 'retention');
    const host = recordedPeer(url, room.id, { token: owner.accessToken });
    peers.push(host);
    await host.start();
    const made: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { recordingId } = await host.request('startRecording', { roomId: room.id });
      await sleep(2000);
      await host.request('stopRecording', { roomId: room.id });
      await waitForRecording(url, owner.accessToken, recordingId!, 'ready', 90_000);
      made.push(recordingId!);
    }
    await host.close();
    const [old, recent] = made as [number, number];
    const storageFiles = async (id: number) =>
      readdir(path.join(dataDir, 'storage', 'recordings', String(id))).catch(() => [] as string[]);
    expect((await storageFiles(old)).length).toBeGreaterThan(0);

    // One was made past the retention period, the other a day inside it; the sweep runs at start (and hourly).
    await ageRecording(db, old, RETENTION_DAYS + 1);
    await ageRecording(db, recent, RETENTION_DAYS - 1);
    await server!.stop();
    url = await start();
    const { accessToken } = owner;

    const deadline = Date.now() + 20_000;
    while ((await http(url, 'GET', `/recordings/${old}`, { token: accessToken })).status !== 404) {
      if (Date.now() > deadline) throw new Error('the old recording was not deleted at start');
      await sleep(250);
    }
    expect((await downloadRecording(url, accessToken, old)).status).toBe(404);
    expect(await storageFiles(old)).toEqual([]);
    const list = await http<RecordingDto[]>(url, 'GET', `/rooms/${room.id}/recordings`, {
      token: accessToken,
    });
    expect(list.body.map((r) => r.id)).toEqual([recent]);
    expect((await downloadRecording(url, accessToken, recent)).status).toBe(200);

    // The room is still usable for recording afterwards.
    const socket = await joinedSocket(url, owner, room.id);
    refusedWith(await request(socket, 'stopRecording', { roomId: room.id }), ErrorCode.CONFLICT);
  }, 240_000);
});

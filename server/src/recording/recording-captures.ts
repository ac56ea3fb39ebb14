import { existsSync } from 'node:fs';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { RecordingTrackKind } from '@minimeet/shared';
import { ClusterMediaService } from '../cluster/cluster-media.service.js';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { liveEntries, PRODUCER_DIRECTORY, type ProducerDirectory } from '../cluster/producer-directory.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import type { Source } from '../media/peer-media.js';
import { RoomCapture, type RoomCaptureSnapshot } from '../media/recording/room-capture.js';
import { RoomMediaRegistry } from '../media-signaling/room-media-registry.js';
import { PRESENCE_STORE, type PresenceStore } from '../presence/presence-store.js';
import { RecordingFiles } from './recording-files.js';
import type { RecordingManifest } from './recording-manifest.js';

/** Producers of the room on other nodes are looked for (and piped here) this often. */
const REMOTE_SCAN_MS = 1_000;
/** util-linux's setpriv: capture processes get SIGINT when the node process dies (finishing their files). */
const SETPRIV = '/usr/bin/setpriv';

/** manifest.json is rewritten at most this often while recording. */
const MANIFEST_DEBOUNCE_MS = 500;
/** …and at least this often (its durationMs: how far a capture cut short by a crash got). */
const MANIFEST_REFRESH_MS = 5_000;

const KIND_OF: Record<Source, RecordingTrackKind> = { mic: 'audio', camera: 'video', screen: 'screen' };

interface ActiveCapture {
  recordingId: number;
  roomId: number;
  startedAt: Date;
  capture: RoomCapture;
  names: Map<number, string>;
  timers: NodeJS.Timeout[];
  manifestTimer: NodeJS.Timeout | undefined;
  offRoomClosed: () => void;
}

/**
 * The recordings this node captures: a RoomCapture on the room's media here, fed with every
 * producer of the room on any node (remote ones are piped in through the existing cross-node
 * pipes and kept piped by the capture's consumers), and manifest.json kept current on disk.
 */
@Injectable()
export class RecordingCaptures implements OnModuleDestroy {
  readonly files: RecordingFiles;
  readonly #parentDeathPrefix = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'INT', '--'] : [];
  readonly #active = new Map<number, ActiveCapture>();
  readonly #log: Logger;

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(ClusterMediaService) private readonly clusterMedia: ClusterMediaService,
    @Inject(PRODUCER_DIRECTORY) private readonly directory: ProducerDirectory,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(PRESENCE_STORE) private readonly presence: PresenceStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'recording-capture' });
    this.files = new RecordingFiles(config.recording.dir);
  }

  get count(): number {
    return this.#active.size;
  }

  ids(): number[] {
    return [...this.#active.keys()];
  }

  has(recordingId: number): boolean {
    return this.#active.has(recordingId);
  }

  /** Capture pid per track of a running recording (tests kill one). */
  pids(recordingId: number): Map<string, number> {
    return this.#active.get(recordingId)?.capture.pids() ?? new Map();
  }

  /**
   * Starts capturing the room on this node. `onRoomClosed` runs when the room's media here
   * closes under the capture (the call ended on this node): the recording must stop.
   */
  async start(recordingId: number, roomId: number, startedAt: Date, onRoomClosed: () => void): Promise<void> {
    const room = await this.rooms.open(roomId);
    const dir = await this.files.create(recordingId);
    const active: ActiveCapture = {
      recordingId,
      roomId,
      startedAt,
      names: new Map(),
      timers: [],
      manifestTimer: undefined,
      offRoomClosed: () => undefined,
      capture: new RoomCapture(room, {
        dir,
        ffmpegPath: this.config.ffmpegPath,
        parentDeathPrefix: this.#parentDeathPrefix,
        log: this.#log,
        changed: () => this.#scheduleManifest(active),
      }),
    };
    this.#active.set(recordingId, active);
    const closed = () => onRoomClosed();
    room.once('closed', closed);
    active.offRoomClosed = () => room.off('closed', closed);
    active.capture.start();
    await this.#refreshNames(active);
    await this.#writeManifest(active);
    const scan = setInterval(() => void this.#pullRemote(active), REMOTE_SCAN_MS);
    const refresh = setInterval(() => this.#scheduleManifest(active), MANIFEST_REFRESH_MS);
    for (const t of [scan, refresh]) {
      t.unref();
      active.timers.push(t);
    }
    void this.#pullRemote(active);
    this.#log.info({ recordingId, roomId, dir }, 'recording capture started');
  }

  /** Stops the capture (every file closed) and writes the final manifest; undefined if not capturing here. */
  async stop(recordingId: number, stoppedAt: Date): Promise<RecordingManifest | undefined> {
    const active = this.#active.get(recordingId);
    if (!active) return undefined;
    this.#active.delete(recordingId);
    for (const t of active.timers) clearInterval(t);
    clearTimeout(active.manifestTimer);
    active.offRoomClosed();
    await active.capture.stop();
    await this.#refreshNames(active).catch(() => undefined);
    const manifest = this.#manifest(active, stoppedAt.getTime() - active.startedAt.getTime());
    await this.files.writeManifest(manifest);
    this.#log.info({ recordingId, tracks: manifest.tracks.length }, 'recording capture stopped');
    return manifest;
  }

  async onModuleDestroy(): Promise<void> {
    // Files stay as written (a later start of this node finishes them from manifest.json).
    await Promise.all([...this.#active.keys()].map((id) => this.stop(id, new Date()).catch(() => undefined)));
  }

  /** Producers of the room living on other nodes are piped here, then captured at once. */
  async #pullRemote(active: ActiveCapture): Promise<void> {
    const room = this.rooms.get(active.roomId);
    if (!room || !this.#active.has(active.recordingId)) return;
    try {
      const entries = await liveEntries(this.nodes, await this.directory.list(active.roomId));
      for (const e of entries) {
        if (e.nodeId === this.nodes.self.id || room.producer(e.producerId)) continue;
        await this.clusterMedia.bringProducer(room, e.producerId).catch((err: unknown) => {
          this.#log.debug({ err, producerId: e.producerId }, 'remote producer not piped for recording');
        });
      }
      active.capture.rescan();
    } catch (err) {
      this.#log.warn({ err, recordingId: active.recordingId }, 'listing remote producers for recording failed');
    }
  }

  #scheduleManifest(active: ActiveCapture): void {
    if (active.manifestTimer || !this.#active.has(active.recordingId)) return;
    active.manifestTimer = setTimeout(() => {
      active.manifestTimer = undefined;
      void this.#refreshNames(active)
        .then(() => this.#writeManifest(active))
        .catch((err: unknown) => this.#log.warn({ err, recordingId: active.recordingId }, 'manifest not written'));
    }, MANIFEST_DEBOUNCE_MS);
  }

  async #refreshNames(active: ActiveCapture): Promise<void> {
    for (const p of await this.presence.participants(active.roomId)) active.names.set(p.userId, p.username);
  }

  #writeManifest(active: ActiveCapture): Promise<void> {
    return this.files.writeManifest(this.#manifest(active, Date.now() - active.startedAt.getTime()));
  }

  #manifest(active: ActiveCapture, durationMs: number): RecordingManifest {
    return toManifest(active, active.capture.snapshot(), durationMs);
  }
}

function toManifest(active: ActiveCapture, snap: RoomCaptureSnapshot, durationMs: number): RecordingManifest {
  const t0 = active.startedAt.getTime();
  const shift = snap.startedAt - t0;
  return {
    recordingId: active.recordingId,
    roomId: active.roomId,
    startedAt: active.startedAt.toISOString(),
    durationMs,
    tracks: snap.tracks.map((t) => ({
      id: t.id,
      userId: t.userId,
      username: active.names.get(t.userId) ?? `user ${t.userId}`,
      kind: KIND_OF[t.source],
      mimeType: t.mimeType,
      segments: t.segments.map((s) => ({
        file: s.file,
        startMs: Math.max(0, s.startedAt - t0),
        durationMs: null,
        sizeBytes: 0,
      })),
    })),
    speakers: snap.speakers.map((s) => ({ atMs: Math.max(0, s.atMs + shift), userId: s.userId })),
  };
}

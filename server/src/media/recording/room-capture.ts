import type { ProducerInfo, RoomMedia } from '../room-media.js';
import type { MediaLogger } from '../worker-pool.js';
import { TrackCapture, type CapturedTrack } from './track-capture.js';

/** Producers brought into the room from elsewhere (other nodes) are not announced: looked for this often. */
const RESCAN_MS = 1_000;

export interface RoomCaptureOptions {
  /** The recording's directory (created by the caller). */
  dir: string;
  ffmpegPath: string;
  parentDeathPrefix?: string[];
  log?: MediaLogger;
  /** A track or the speaker timeline changed (the caller rewrites its manifest). */
  changed: () => void;
}

export interface RoomCaptureSnapshot {
  /** Wall clock (ms) of t = 0. */
  startedAt: number;
  tracks: CapturedTrack[];
  /** Dominant speaker changes, `atMs` from t = 0. */
  speakers: Array<{ atMs: number; userId: number | null }>;
}

/**
 * Captures every producer of one room on this node, its own and those brought in from other
 * nodes, one TrackCapture per (user, source); producers appearing later are captured from then.
 * Keeps the active speaker timeline. Knows nothing of recordings' storage or state.
 */
export class RoomCapture {
  readonly startedAt = Date.now();
  readonly #tracks = new Map<string, TrackCapture>();
  readonly #speakers: Array<{ atMs: number; userId: number | null }> = [];
  readonly #off: Array<() => void> = [];
  #stopped = false;

  constructor(
    private readonly room: RoomMedia,
    private readonly o: RoomCaptureOptions,
  ) {}

  start(): void {
    this.#speakers.push({ atMs: 0, userId: this.room.activeSpeaker });
    const onProducer = (info: ProducerInfo) => this.#capture(info);
    const onSpeaker = ({ userId }: { userId: number | null }) => {
      if (this.#speakers.at(-1)?.userId === userId) return;
      this.#speakers.push({ atMs: Date.now() - this.startedAt, userId });
      this.o.changed();
    };
    this.room.on('newProducer', onProducer);
    this.room.on('activeSpeaker', onSpeaker);
    const rescan = setInterval(() => this.#scan(), RESCAN_MS);
    rescan.unref();
    this.#off.push(
      () => this.room.off('newProducer', onProducer),
      () => this.room.off('activeSpeaker', onSpeaker),
      () => clearInterval(rescan),
    );
    this.#scan();
  }

  /** Stops every track; resolves once every file is closed. Idempotent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const off of this.#off.splice(0)) off();
    await Promise.all([...this.#tracks.values()].map((t) => t.stop()));
  }

  snapshot(): RoomCaptureSnapshot {
    return {
      startedAt: this.startedAt,
      tracks: [...this.#tracks.values()].map((t) => t.snapshot()).filter((t) => t.segments.length > 0),
      speakers: [...this.#speakers],
    };
  }

  /** Pid of each track's running capture process, by track id. */
  pids(): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of this.#tracks.values()) if (t.pid) out.set(t.id, t.pid);
    return out;
  }

  /** Captures producers brought into the room since the last look (e.g. just piped in). */
  rescan(): void {
    this.#scan();
  }

  #scan(): void {
    if (this.#stopped || this.room.closed) return;
    for (const info of this.room.producers()) this.#capture(info);
  }

  #capture(info: ProducerInfo): void {
    if (this.#stopped) return;
    const entry = this.room.producer(info.producerId);
    if (!entry || entry.producer.closed) return;
    const id = `u${info.userId}-${info.source}`;
    let track = this.#tracks.get(id);
    if (track?.producerId === info.producerId) return;
    if (!track) {
      track = new TrackCapture(id, info.userId, info.source, {
        dir: this.o.dir,
        ffmpegPath: this.o.ffmpegPath,
        parentDeathPrefix: this.o.parentDeathPrefix,
        log: this.o.log,
        changed: this.o.changed,
        // Counted like a viewer: a camera piped in from another node stays piped while recorded.
        consumed: (consumer) => this.room.layerDemand.consumed(consumer),
      });
      this.#tracks.set(id, track);
    }
    track.follow(entry.producer, entry.router.router);
  }
}

import path from 'node:path';
import type { types } from 'mediasoup';
import type { Source } from '../peer-media.js';
import type { MediaLogger } from '../worker-pool.js';
import { SegmentRecorder } from './segment-recorder.js';

/** A recorder process that died is started again after this long (while its producer is live). */
const RESTART_DELAY_MS = 500;
/** More failures (recorder deaths, failed starts) than this within RESTART_WINDOW_MS: the track is given up (logged) until its next segment. */
const RESTARTS_MAX = 5;
const RESTART_WINDOW_MS = 60_000;
/** A segment whose capture takes longer than this to start is logged. */
const SLOW_START_MS = 1_000;

export interface CapturedSegment {
  /** Relative to the recording's directory. */
  file: string;
  /** Wall clock (ms) of its first media (updated when the first keyframe arrives). */
  startedAt: number;
  /** Still being written. */
  open: boolean;
}

export interface CapturedTrack {
  id: string;
  userId: number;
  source: Source;
  mimeType: string;
  segments: CapturedSegment[];
}

export interface TrackCaptureOptions {
  /** The recording's directory; segments go under `tracks/`. */
  dir: string;
  ffmpegPath: string;
  parentDeathPrefix?: string[];
  log?: MediaLogger;
  consumed?: (consumer: types.Consumer) => void;
  /** Something about the track changed (a segment started or ended). */
  changed: () => void;
}

/**
 * One user's source (mic, camera or screen) over the recording: each stretch of a live, unpaused
 * producer is one segment. A pause, a resume, a producer replaced by a new one and a recorder
 * process that died or failed to start (tried again) all start a new segment; the gap between
 * them is not recorded.
 */
export class TrackCapture {
  readonly segments: Array<CapturedSegment & { recorder?: SegmentRecorder }> = [];
  mimeType = '';
  #producer: { producer: types.Producer; router: types.Router } | undefined;
  #unfollow: (() => void) | undefined;
  /** Segment starts and stops run one after another. */
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #failures: number[] = [];
  #restartTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly userId: number,
    readonly source: Source,
    private readonly o: TrackCaptureOptions,
  ) {}

  get producerId(): string | undefined {
    return this.#producer?.producer.id;
  }

  /** Capture pids of the open segment (tests kill one to check the restart). */
  get pid(): number | undefined {
    return this.segments.at(-1)?.recorder?.pid;
  }

  /** Records `producer` (living on `router`) from now on, replacing the one followed before. */
  follow(producer: types.Producer, router: types.Router): void {
    if (this.#stopped || producer.closed) return;
    this.#unfollow?.();
    this.#enqueue(() => this.#endSegment());
    this.#producer = { producer, router };
    const onPause = () => this.#enqueue(() => this.#endSegment());
    const onResume = () => this.#enqueue(() => this.#startSegment());
    const onClose = () => {
      if (this.#producer?.producer === producer) this.#producer = undefined;
      this.#enqueue(() => this.#endSegment());
    };
    producer.observer.on('pause', onPause);
    producer.observer.on('resume', onResume);
    producer.observer.once('close', onClose);
    this.#unfollow = () => {
      producer.observer.off('pause', onPause);
      producer.observer.off('resume', onResume);
      producer.observer.off('close', onClose);
    };
    if (!producer.paused) this.#enqueue(() => this.#startSegment());
  }

  /** Ends the open segment and follows nothing more; resolves once every file is closed. */
  stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    this.#unfollow?.();
    this.#unfollow = undefined;
    this.#producer = undefined;
    this.#enqueue(() => this.#endSegment());
    return this.#queue;
  }

  snapshot(): CapturedTrack {
    return {
      id: this.id,
      userId: this.userId,
      source: this.source,
      mimeType: this.mimeType,
      segments: this.segments.map(({ file, startedAt, recorder }) => ({
        file,
        startedAt: recorder?.startedAt ?? startedAt,
        open: recorder !== undefined,
      })),
    };
  }

  #enqueue(step: () => Promise<void>): void {
    this.#queue = this.#queue.then(step).catch((err: unknown) => {
      this.o.log?.warn({ err, trackId: this.id }, 'recording track step failed');
    });
  }

  async #startSegment(): Promise<void> {
    const current = this.#producer;
    if (this.#stopped || !current || current.producer.closed || current.producer.paused) return;
    if (this.segments.at(-1)?.recorder) return;
    const file = path.join('tracks', `${this.id}-${this.segments.length}`);
    let recorder: SegmentRecorder;
    const asked = Date.now();
    try {
      recorder = await SegmentRecorder.start({
        router: current.router,
        producerId: current.producer.id,
        ffmpegPath: this.o.ffmpegPath,
        parentDeathPrefix: this.o.parentDeathPrefix,
        fileBase: path.join(this.o.dir, file),
        log: this.o.log,
        consumed: this.o.consumed,
      });
    } catch (err) {
      // Tried again like a recorder that died: a start that failed once must not lose the track.
      this.o.log?.warn({ err, trackId: this.id }, 'recording segment failed to start');
      this.#restartLater();
      return;
    }
    const tookMs = Date.now() - asked;
    // Media before this is not recorded: an operator sees a node too loaded to record well.
    if (tookMs > SLOW_START_MS) this.o.log?.warn({ trackId: this.id, tookMs }, 'recording segment slow to start');
    const segment: CapturedSegment & { recorder?: SegmentRecorder } = {
      file: path.relative(this.o.dir, recorder.file),
      startedAt: recorder.startedAt,
      open: true,
      recorder,
    };
    this.mimeType = recorder.mimeType;
    this.segments.push(segment);
    recorder.once('died', () => {
      segment.startedAt = recorder.startedAt;
      segment.open = false;
      delete segment.recorder;
      this.o.changed();
      this.#restartLater();
    });
    this.o.changed();
  }

  async #endSegment(): Promise<void> {
    const segment = this.segments.at(-1);
    const recorder = segment?.recorder;
    if (!segment || !recorder) return;
    segment.startedAt = recorder.startedAt;
    await recorder.stop();
    segment.open = false;
    delete segment.recorder;
    this.o.changed();
  }

  /** Starts the segment again soon, unless the track keeps failing. */
  #restartLater(): void {
    const now = Date.now();
    this.#failures.push(now);
    while (this.#failures.length && this.#failures[0]! < now - RESTART_WINDOW_MS) this.#failures.shift();
    if (this.#failures.length > RESTARTS_MAX) {
      this.o.log?.error({ trackId: this.id }, 'recorder keeps dying: track not recorded until its producer changes');
      return;
    }
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => this.#enqueue(() => this.#startSegment()), RESTART_DELAY_MS);
    this.#restartTimer.unref();
  }
}

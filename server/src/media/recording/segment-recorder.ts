import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import type { MediaLogger } from '../worker-pool.js';
import { captureFormat, captureSdp } from './capture-sdp.js';
import { freeRtpPortPair, udpPortBoundBy } from './udp-ports.js';

/** How long the capture process may take to bind its ports before the segment is given up. */
const BIND_TIMEOUT_MS = 5_000;
/** A capture process that exits before binding (its port taken meanwhile) is tried this often in all. */
const START_ATTEMPTS = 3;
/** Until the first keyframe arrives, one is asked for this often. */
const FIRST_KEYFRAME_RETRY_MS = 1_000;
/** Then one every this long, so the file can be cut and seeked (and a lost one is repaired). */
const KEYFRAME_INTERVAL_MS = 10_000;
/** ffmpeg is interrupted a second time this long after the first (see stop). */
const SECOND_SIGINT_MS = 300;
/** A stopped process that has not finished its file by then is killed. */
const STOP_TIMEOUT_MS = 5_000;

export interface SegmentRecorderOptions {
  router: types.Router;
  producerId: string;
  ffmpegPath: string;
  /**
   * Command prefix that makes the process die with this one (e.g. `setpriv --pdeathsig INT --`):
   * a killed node must not leave capture processes behind; SIGINT lets ffmpeg close its file.
   */
  parentDeathPrefix?: string[];
  /** Absolute path without extension; the codec decides `.webm` or `.mkv`. */
  fileBase: string;
  log?: MediaLogger;
  /** The capture consumer was made (the room counts it in the producer's layer demand). */
  consumed?: (consumer: types.Consumer) => void;
}

interface SegmentRecorderEvents {
  /** The capture process ended on its own (crashed or was killed): the segment is over. */
  died: [{ code: number | null; signal: NodeJS.Signals | null }];
}

/**
 * One segment of one track: a PlainTransport on 127.0.0.1 (no comedia, RTCP on its own port as
 * ffmpeg expects) whose consumer of the producer feeds an ffmpeg that copies the RTP (no
 * transcoding) into a WebM / Matroska file, flushed packet by packet.
 */
export class SegmentRecorder extends EventEmitter<SegmentRecorderEvents> {
  /** Wall clock (ms) of the segment's first media: the first keyframe for video, the resume for audio. */
  startedAt: number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #stopping: Promise<void> | undefined;
  #keyframeSeen = false;

  private constructor(
    readonly file: string,
    readonly mimeType: string,
    private readonly transport: types.PlainTransport,
    private readonly consumer: types.Consumer,
    private readonly process: ChildProcess,
    private readonly log: MediaLogger | undefined,
  ) {
    super();
    this.startedAt = Date.now();
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  static async start(o: SegmentRecorderOptions): Promise<SegmentRecorder> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await SegmentRecorder.#startOnce(o);
      } catch (err) {
        if (!(err instanceof ExitedAtStart) || attempt >= START_ATTEMPTS) throw err;
        o.log?.warn({ producerId: o.producerId, attempt, stderr: err.stderr }, 'capture process exited at start, started again');
      }
    }
  }

  static async #startOnce(o: SegmentRecorderOptions): Promise<SegmentRecorder> {
    const port = await freeRtpPortPair();
    const transport = await o.router.createPlainTransport({
      listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
      rtcpMux: false,
      comedia: false,
      appData: { recording: true },
    });
    let child: ChildProcess | undefined;
    try {
      const consumer = await transport.consume({
        producerId: o.producerId,
        rtpCapabilities: o.router.rtpCapabilities,
        paused: true,
      });
      o.consumed?.(consumer);
      const mimeType = consumer.rtpParameters.codecs[0]?.mimeType ?? '';
      const format = captureFormat(mimeType);
      const file = `${o.fileBase}.${format.extension}`;
      const [command, ...prefixArgs] = [...(o.parentDeathPrefix ?? []), o.ffmpegPath];
      child = spawn(
        command!,
        [
          ...prefixArgs,
          '-nostdin', '-hide_banner', '-loglevel', 'error',
          '-protocol_whitelist', 'pipe,udp,rtp',
          '-fflags', '+genpts',
          ...probeArgs(consumer.kind),
          '-f', 'sdp', '-i', 'pipe:0',
          '-map', '0', '-c', 'copy',
          // A cluster a second, each written out at once: a kill loses at most the last second.
          '-flush_packets', '1', '-cluster_time_limit', '1000',
          '-f', format.muxer, '-y', file,
        ],
        { stdio: ['pipe', 'ignore', 'pipe'] },
      );
      const spawned = child;
      let spawnError: Error | undefined;
      spawned.once('error', (err) => {
        spawnError = err;
      });
      let stderr = '';
      spawned.stderr?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-2000);
      });
      spawned.stdin?.on('error', () => undefined);
      spawned.stdin?.end(captureSdp(consumer.rtpParameters, consumer.kind, port));
      await waitForBind(spawned, port, () => spawnError, () => stderr);
      await transport.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
      const segment = new SegmentRecorder(file, mimeType, transport, consumer, spawned, o.log);
      spawned.once('exit', (code, signal) => {
        if (segment.#stopping) return;
        o.log?.warn({ producerId: o.producerId, file, code, signal, stderr }, 'recorder process died');
        segment.#teardown();
        segment.emit('died', { code, signal });
      });
      await segment.#begin();
      return segment;
    } catch (err) {
      child?.kill('SIGKILL');
      transport.close();
      throw err;
    }
  }

  async #begin(): Promise<void> {
    const consumer = this.consumer;
    if (consumer.kind === 'video') {
      await consumer.enableTraceEvent(['keyframe']);
      consumer.on('trace', (trace) => {
        if (trace.type !== 'keyframe' || this.#keyframeSeen) return;
        this.#keyframeSeen = true;
        this.startedAt = Date.now();
      });
    }
    await consumer.resume();
    this.startedAt = Date.now();
    if (consumer.kind !== 'video') return;
    const ask = () => void consumer.requestKeyFrame().catch(() => undefined);
    ask();
    const retry = setInterval(() => {
      if (this.#keyframeSeen) {
        clearInterval(retry);
        this.#timers.delete(retry);
      } else ask();
    }, FIRST_KEYFRAME_RETRY_MS);
    const periodic = setInterval(ask, KEYFRAME_INTERVAL_MS);
    for (const t of [retry, periodic]) {
      t.unref();
      this.#timers.add(t);
    }
  }

  /** Ends the segment: the process finishes its file (SIGINT), then the transport closes. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#teardown();
      const child = this.process;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // The first SIGINT ends ffmpeg's loop, but a read blocked on a silent port (the transport
      // is closed) only gives up on the second; a third would skip writing the file's end.
      child.kill('SIGINT');
      const again = setTimeout(() => child.kill('SIGINT'), SECOND_SIGINT_MS);
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(again);
      clearTimeout(timer);
      this.log?.debug({ file: this.file }, 'segment closed');
    })();
    return this.#stopping;
  }

  #teardown(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers.clear();
    this.transport.close();
  }
}

/**
 * ffmpeg writes nothing until it has probed its input: audio needs nothing beyond the SDP (Opus,
 * 48 kHz, 2 channels), video the size from a keyframe (asked for at once). A short probe keeps a
 * segment stopped soon after its start from ending empty.
 */
function probeArgs(kind: types.MediaKind): string[] {
  return kind === 'audio' ? ['-analyzeduration', '1', '-probesize', '32'] : ['-analyzeduration', '1000000'];
}

/** The capture process ended before it bound its port (e.g. another process took the port first). */
class ExitedAtStart extends Error {
  constructor(readonly stderr: string) {
    super(`capture process exited at start: ${stderr.trim().slice(-300)}`);
  }
}

async function waitForBind(
  child: ChildProcess,
  port: number,
  spawnError: () => Error | undefined,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + BIND_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const err = spawnError();
    if (err) throw err;
    if (child.exitCode !== null || child.signalCode !== null) throw new ExitedAtStart(stderr());
    if (await udpPortBoundBy(child.pid, port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('capture process did not bind its port in time');
}

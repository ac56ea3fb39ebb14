import { EventEmitter } from 'node:events';
import { createWorker, type types } from 'mediasoup';
import type { Logger } from '../logging/logger.js';
import { MEDIA_CODECS } from './media-codecs.js';

/** The subset of the pino logger the media layer writes to. */
export type MediaLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export interface WorkerPoolOptions {
  workerCount: number;
  logLevel: types.WorkerLogLevel;
  /** Local IP the WebRtcServers bind to. */
  listenIp: string;
  /** IP or hostname put in ICE candidates instead of listenIp (NAT / 0.0.0.0). */
  announcedAddress?: string | undefined;
  /** Each worker's WebRtcServer takes one port (UDP + TCP) from this inclusive range. */
  rtcMinPort: number;
  rtcMaxPort: number;
  /** Worker binary; by default mediasoup's own lookup (MEDIASOUP_WORKER_BIN or its install dir). */
  workerBin?: string | undefined;
  logger?: MediaLogger | undefined;
}

/** What /api/health reports for one worker. */
export interface WorkerState {
  pid: number;
  alive: boolean;
  /** CPU time (user + system) used by the worker process, in milliseconds. */
  cpuMs: number;
}

export interface WorkerPoolEvents {
  /** A worker process exited unexpectedly; its routers and transports are already closed. */
  workerDied: [{ pid: number; error: Error }];
  /** A live worker took the dead one's place; rooms that lived on `oldPid` can be recreated. */
  workerReplaced: [{ oldPid: number; newWorker: PoolWorker }];
  closed: [];
}

/** How long a resource-usage request may take before the worker is reported with cpuMs 0. */
const USAGE_TIMEOUT_MS = 1000;
/** Backoff between attempts to replace a dead worker when spawning fails. */
const RESPAWN_MIN_DELAY_MS = 500;
const RESPAWN_MAX_DELAY_MS = 30_000;

/**
 * One mediasoup worker with its WebRtcServer. The load counts routers and consumers
 * (whoever created them), plus routers being created right now, so that concurrent
 * picks spread over workers.
 */
export class PoolWorker {
  /** Routers and consumers currently on this worker. */
  #load = 0;
  /** The live routers on this worker (for dumps: mediasoup keeps its own list private). */
  readonly #routerObjects = new Set<types.Router>();
  /** Routers requested through the pool and not yet created. */
  pending = 0;

  constructor(
    readonly worker: types.Worker,
    readonly webRtcServer: types.WebRtcServer,
    /** The UDP and TCP port of the WebRtcServer. */
    readonly port: number,
  ) {
    worker.observer.on('newrouter', (router) => {
      this.#load++;
      this.#routerObjects.add(router);
      router.observer.once('close', () => {
        this.#load--;
        this.#routerObjects.delete(router);
      });
      router.observer.on('newtransport', (transport) => {
        transport.observer.on('newconsumer', (consumer) => {
          this.#load++;
          consumer.observer.once('close', () => this.#load--);
        });
      });
    });
  }

  get pid(): number {
    return this.worker.pid;
  }

  get alive(): boolean {
    return !this.worker.closed && !this.worker.died;
  }

  /** Routers currently on this worker (counted locally: no worker request). */
  get routers(): number {
    return this.#routerObjects.size;
  }

  /** The live routers on this worker. */
  get routerObjects(): readonly types.Router[] {
    return [...this.#routerObjects];
  }

  get load(): number {
    return this.#load + this.pending;
  }
}

/**
 * Runs `workerCount` mediasoup workers, each with one WebRtcServer on its own port,
 * hands out the least-loaded one, and replaces a worker that dies.
 */
export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  /** Slot i holds the i-th worker; a dead worker stays in its slot until replaced. */
  readonly #slots: PoolWorker[] = [];
  /** Ports taken by live workers or by WebRtcServers being created. */
  readonly #portsInUse = new Set<number>();
  readonly #diedHandlers = new Map<PoolWorker, (error: Error) => void>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #log: MediaLogger | undefined;
  #closed = false;
  /** Tie-breaker so equally loaded workers are used in turn. */
  #pickCounter = 0;
  readonly #lastPicked = new WeakMap<PoolWorker, number>();

  private constructor(private readonly options: WorkerPoolOptions) {
    super();
    this.#log = options.logger;
  }

  /** Starts every worker; rejects (with nothing left running) if any cannot start. */
  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    if (!Number.isInteger(options.workerCount) || options.workerCount < 1) {
      throw new RangeError(`workerCount must be a positive integer (got ${options.workerCount})`);
    }
    if (options.rtcMaxPort - options.rtcMinPort + 1 < options.workerCount) {
      throw new RangeError(
        `port range ${options.rtcMinPort}-${options.rtcMaxPort} has fewer ports than workers (${options.workerCount})`,
      );
    }
    const pool = new WorkerPool(options);
    const results = await Promise.allSettled(
      Array.from({ length: options.workerCount }, () => pool.#spawn(undefined)),
    );
    const failure = results.find((r) => r.status === 'rejected');
    for (const r of results) {
      if (r.status === 'fulfilled') pool.#adopt(r.value);
    }
    if (failure) {
      pool.close();
      throw failure.reason;
    }
    return pool;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Every worker slot, including a dead worker that is being replaced. */
  get workers(): readonly PoolWorker[] {
    return this.#slots;
  }

  /** The live worker with the fewest routers + consumers. */
  leastLoaded(): PoolWorker {
    if (this.#closed) throw new Error('worker pool is closed');
    let best: PoolWorker | undefined;
    for (const w of this.#slots) {
      if (!w.alive) continue;
      if (
        !best ||
        w.load < best.load ||
        (w.load === best.load && (this.#lastPicked.get(w) ?? -1) < (this.#lastPicked.get(best) ?? -1))
      ) {
        best = w;
      }
    }
    if (!best) throw new Error('no live mediasoup worker');
    this.#lastPicked.set(best, this.#pickCounter++);
    return best;
  }

  /** Creates a router with MEDIA_CODECS on the least-loaded worker, or on `on` when given. */
  async createRouter<T extends types.AppData = types.AppData>(
    appData?: T,
    on?: PoolWorker,
  ): Promise<{ router: types.Router<T>; worker: PoolWorker }> {
    if (on && !on.alive) throw new Error(`mediasoup worker ${on.pid} is not alive`);
    const worker = on ?? this.leastLoaded();
    worker.pending++;
    try {
      const router = await worker.worker.createRouter<T>({
        mediaCodecs: MEDIA_CODECS,
        ...(appData ? { appData } : {}),
      });
      return { router, worker };
    } finally {
      worker.pending--;
    }
  }

  /** Per-worker pid, liveness and CPU time. Never rejects. */
  async state(): Promise<WorkerState[]> {
    return Promise.all(
      this.#slots.map(async (w) => {
        const alive = w.alive;
        return { pid: w.pid, alive, cpuMs: alive ? await cpuMs(w.worker) : 0 };
      }),
    );
  }

  /** Closes every worker (and so every router and transport). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const [w, onDied] of this.#diedHandlers) w.worker.off('died', onDied);
    this.#diedHandlers.clear();
    for (const w of this.#slots) w.worker.close();
    this.#portsInUse.clear();
    this.emit('closed');
  }

  #adopt(w: PoolWorker, slot = this.#slots.length): void {
    const onDied = (error: Error) => this.#onDied(w, error);
    this.#diedHandlers.set(w, onDied);
    w.worker.once('died', onDied);
    this.#slots[slot] = w;
  }

  #onDied(dead: PoolWorker, error: Error): void {
    this.#diedHandlers.delete(dead);
    this.#portsInUse.delete(dead.port);
    if (this.#closed) return;
    this.#log?.error({ pid: dead.pid, err: error.message }, 'mediasoup worker died, replacing it');
    this.emit('workerDied', { pid: dead.pid, error });
    void this.#replace(dead, RESPAWN_MIN_DELAY_MS);
  }

  async #replace(dead: PoolWorker, retryDelayMs: number): Promise<void> {
    let fresh: PoolWorker;
    try {
      // Prefer the dead worker's port so firewall rules and clients see the same one.
      fresh = await this.#spawn(dead.port);
    } catch (err) {
      if (this.#closed) return;
      this.#log?.error(
        { oldPid: dead.pid, err: err instanceof Error ? err.message : String(err), retryInMs: retryDelayMs },
        'could not replace dead mediasoup worker',
      );
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        void this.#replace(dead, Math.min(retryDelayMs * 2, RESPAWN_MAX_DELAY_MS));
      }, retryDelayMs);
      this.#timers.add(timer);
      return;
    }
    const slot = this.#slots.indexOf(dead);
    if (this.#closed || slot < 0) {
      fresh.worker.close();
      return;
    }
    this.#adopt(fresh, slot);
    this.#log?.info({ oldPid: dead.pid, pid: fresh.pid, port: fresh.port }, 'mediasoup worker replaced');
    this.emit('workerReplaced', { oldPid: dead.pid, newWorker: fresh });
  }

  /** Starts a worker and gives it a WebRtcServer on a free port of the range. */
  async #spawn(preferredPort: number | undefined): Promise<PoolWorker> {
    const { logLevel, workerBin } = this.options;
    let worker: types.Worker;
    try {
      worker = await createWorker({ logLevel, ...(workerBin ? { workerBin } : {}) });
    } catch (err) {
      throw new Error(
        `mediasoup worker failed to start: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
        },
      );
    }
    keepThroughStopSignals(worker);
    if (this.#closed) {
      worker.close();
      throw new Error('worker pool is closed');
    }
    try {
      const { webRtcServer, port } = await this.#createWebRtcServer(worker, preferredPort);
      this.#log?.debug({ pid: worker.pid, port }, 'mediasoup worker started');
      return new PoolWorker(worker, webRtcServer, port);
    } catch (err) {
      worker.close();
      throw err;
    }
  }

  /** Tries the free ports of the range in turn (another process may hold some of them). */
  async #createWebRtcServer(
    worker: types.Worker,
    preferredPort: number | undefined,
  ): Promise<{ webRtcServer: types.WebRtcServer; port: number }> {
    const { listenIp, announcedAddress, rtcMinPort, rtcMaxPort } = this.options;
    const candidates: number[] = [];
    if (preferredPort !== undefined) candidates.push(preferredPort);
    for (let p = rtcMinPort; p <= rtcMaxPort; p++) if (p !== preferredPort) candidates.push(p);
    let lastError: unknown;
    for (const port of candidates) {
      if (this.#portsInUse.has(port)) continue;
      if (this.#closed || worker.closed) throw new Error('worker pool is closed');
      this.#portsInUse.add(port);
      try {
        const listenInfos: types.TransportListenInfo[] = (['udp', 'tcp'] as const).map((protocol) => ({
          protocol,
          ip: listenIp,
          port,
          ...(announcedAddress ? { announcedAddress } : {}),
        }));
        const webRtcServer = await worker.createWebRtcServer({ listenInfos });
        return { webRtcServer, port };
      } catch (err) {
        this.#portsInUse.delete(port);
        lastError = err;
      }
    }
    const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
    throw new Error(
      `no free port for a WebRtcServer in RTC_MIN_PORT..RTC_MAX_PORT (${rtcMinPort}-${rtcMaxPort})${reason}`,
    );
  }
}

async function cpuMs(worker: types.Worker): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const usage = await Promise.race([
      worker.getResourceUsage(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), USAGE_TIMEOUT_MS);
      }),
    ]);
    return usage.ru_utime + usage.ru_stime;
  } catch {
    return 0;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * mediasoup closes each worker when this process gets SIGTERM or SIGINT. The server drains first
 * on those (media keeps flowing while clients move to another node, see ../drain) and closes the
 * pool when the app closes, so the workers must outlive the signal.
 */
function keepThroughStopSignals(worker: types.Worker): void {
  const onSignal = (worker as unknown as { onSignal?: unknown }).onSignal;
  if (typeof onSignal !== 'function') return;
  process.removeListener('SIGTERM', onSignal as (signal: NodeJS.Signals) => void);
  process.removeListener('SIGINT', onSignal as (signal: NodeJS.Signals) => void);
}

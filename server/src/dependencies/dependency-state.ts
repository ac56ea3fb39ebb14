import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { unavailableDependency, type Dependency } from '../common/dependency-errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';

export type DependencyStatus = 'ok' | 'down';

/** While a dependency is down it is probed this often, so its return is noticed without traffic. */
const PROBE_INTERVAL_MS = 500;
/** A probe not answered within this counts as failed. */
const PROBE_TIMEOUT_MS = 1500;

interface Outage {
  since: number;
  timer: NodeJS.Timeout;
  probing: boolean;
}

const LABEL: Record<Dependency, string> = { db: 'the database', redis: 'Redis' };

/**
 * Whether the database and Redis are up, for this app. Requests that fail on a dependency report
 * it here (`unavailable(err)`); the first report of an outage logs one warn line and starts a
 * probe that ends it (one info line with its duration) once the dependency answers again. Redis
 * connection events end and start outages too. `/api/health` and `/metrics` read it.
 */
@Injectable()
export class DependencyState implements OnModuleInit, OnModuleDestroy {
  readonly #outages = new Map<Dependency, Outage>();
  readonly #backListeners = new Set<(dependency: Dependency) => void>();
  readonly #log: Logger;
  readonly #retryAfterMs: number;
  readonly #answerDeadlineMs: number;
  #stopped = false;
  readonly #onRedisClose = () => {
    if (!this.#stopped) this.markDown('redis', new Error('Redis connection closed'));
  };
  readonly #onRedisReady = () => this.markUp('redis');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(REDIS) private readonly redis: RedisOrNull,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.#log = logger.child({ context: 'dependencies' });
    this.#retryAfterMs = config.dependencies.retryAfterMs;
    this.#answerDeadlineMs = config.dependencies.answerDeadlineMs;
  }

  onModuleInit() {
    this.redis?.on('close', this.#onRedisClose);
    this.redis?.on('ready', this.#onRedisReady);
  }

  onModuleDestroy() {
    this.#stopped = true;
    this.redis?.off('close', this.#onRedisClose);
    this.redis?.off('ready', this.#onRedisReady);
    for (const outage of this.#outages.values()) clearInterval(outage.timer);
    this.#outages.clear();
    this.#backListeners.clear();
  }

  /** Runs `listener` each time an outage ends (e.g. to put back what Redis lost); returns its removal. */
  onBack(listener: (dependency: Dependency) => void): () => void {
    this.#backListeners.add(listener);
    return () => this.#backListeners.delete(listener);
  }

  /** The dependencies this app uses: the database always, Redis when REDIS_URL is set. */
  get configured(): Dependency[] {
    return this.redis ? ['db', 'redis'] : ['db'];
  }

  status(dependency: Dependency): DependencyStatus {
    return this.#outages.has(dependency) ? 'down' : 'ok';
  }

  /**
   * The UNAVAILABLE refusal for an error that says a dependency is down (and the outage noted),
   * or null when the error is about something else.
   */
  unavailable(err: unknown): AppError | null {
    if (err instanceof AppError) return null;
    const dependency = unavailableDependency(err);
    if (!dependency) return null;
    this.markDown(dependency, err);
    return this.refusal(dependency);
  }

  /** The answer while `dependency` is down: retryable after retryAfterMs. */
  refusal(dependency: Dependency): AppError {
    return new AppError(
      ErrorCode.UNAVAILABLE,
      `Temporarily unavailable: ${LABEL[dependency]} is not reachable; try again shortly`,
      { retryAfterMs: this.#retryAfterMs },
    );
  }

  get retryAfterMs(): number {
    return this.#retryAfterMs;
  }

  /**
   * `work`'s result, unless it is still running after the answer deadline and a probe then
   * finds the database or Redis down: then UNAVAILABLE at once (a hung dependency holds a
   * query or command open with no error to catch). The work itself goes on, unobserved; what
   * it stores is kept, and a chat resend is deduplicated by its clientMessageId.
   */
  async withinDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Known down already: answer now; else ask (at most the probe timeout).
        const known = this.configured.find((d) => this.status(d) === 'down');
        if (known) return reject(this.refusal(known));
        void this.check().then((state) => {
          const down = this.configured.find((d) => state[d] === 'down');
          if (down) reject(this.refusal(down));
        });
      }, this.#answerDeadlineMs);
    });
    try {
      return await Promise.race([work, watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks every configured dependency now (health checks); updates and returns their state. */
  async check(): Promise<Partial<Record<Dependency, DependencyStatus>>> {
    const entries = await Promise.all(
      this.configured.map(async (d) => [d, (await this.#probe(d)) ? 'ok' : 'down'] as const),
    );
    return Object.fromEntries(entries);
  }

  markDown(dependency: Dependency, err: unknown): void {
    if (this.#stopped || this.#outages.has(dependency)) return;
    const outage: Outage = {
      since: Date.now(),
      probing: false,
      timer: setInterval(() => void this.#probeOutage(dependency, outage), PROBE_INTERVAL_MS),
    };
    outage.timer.unref();
    this.#outages.set(dependency, outage);
    this.#log.warn(
      { dependency, code: ErrorCode.UNAVAILABLE, reason: describe(err) },
      `${LABEL[dependency]} is down: requests that need it answer UNAVAILABLE until it is back`,
    );
  }

  markUp(dependency: Dependency): void {
    const outage = this.#outages.get(dependency);
    if (!outage) return;
    clearInterval(outage.timer);
    this.#outages.delete(dependency);
    this.#log.info(
      { dependency, downMs: Date.now() - outage.since },
      `${LABEL[dependency]} is back after ${((Date.now() - outage.since) / 1000).toFixed(1)} s`,
    );
    for (const listener of this.#backListeners) {
      try {
        listener(dependency);
      } catch (err) {
        this.#log.error({ err, dependency }, 'dependency-back listener failed');
      }
    }
  }

  async #probeOutage(dependency: Dependency, outage: Outage): Promise<void> {
    if (outage.probing) return;
    outage.probing = true;
    try {
      await this.#probe(dependency);
    } finally {
      outage.probing = false;
    }
  }

  /** One round trip to the dependency; its result ends or starts an outage. */
  async #probe(dependency: Dependency): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = dependency === 'db' ? this.#pingDb() : this.#pingRedis();
      await Promise.race([
        answer,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
        }),
      ]);
      this.markUp(dependency);
      return true;
    } catch (err) {
      this.markDown(dependency, err);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async #pingDb(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('database not initialized');
    await this.dataSource.query('SELECT 1');
  }

  async #pingRedis(): Promise<void> {
    if (!this.redis) return;
    // A probe should not wait for a reconnect: not connected is down.
    if (this.redis.status !== 'ready') throw new Error(`Redis connection ${this.redis.status}`);
    await this.redis.ping();
  }
}

/** A short reason for the outage log line (no stack: the line is about the dependency). */
function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

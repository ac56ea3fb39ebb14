import { ErrorCode, isCompatibleProtocol, PROTOCOL_VERSION, type WireError } from '@minimeet/shared';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError } from '../common/app-error.js';
import { DependencyDownError } from '../common/dependency-errors.js';
import type { MediaLogger } from '../media/worker-pool.js';
import type { ClusterBus, EventListener, RequestHandler } from './cluster-bus.js';
import { BusDispatch, errorFromWire } from './bus-dispatch.js';
import type {
  ClusterEventName,
  ClusterEvents,
  ClusterRequest,
  ClusterRequestName,
  ClusterResponse,
} from './cluster-messages.js';

/** Requests and events carry the sender's protocol version `v` (absent from nodes older than versions). */
type Envelope =
  | { t: 'req'; v?: string; id: string; from: string; method: string; payload: unknown }
  | { t: 'res'; id: string; from: string; ok: true; result: unknown }
  | { t: 'res'; id: string; from: string; ok: false; error: WireError }
  | { t: 'evt'; v?: string; from: string; event: string; payload: unknown };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Request/reply and broadcast between nodes over Redis pub/sub. Each node subscribes to its own
 * channel (requests to it and answers to its requests) and to the cluster channel (broadcasts).
 * Redis delivers one connection's publishes in order, so a node's events arrive in the order it
 * sent them, and every node sees broadcasts in the one order Redis received them. Requests and
 * events from a node of an incompatible protocol version are refused (an error answer, a dropped
 * event) and logged once per node and version: neither side acts on a message it may misread.
 */
export class RedisClusterBus implements ClusterBus {
  readonly #dispatch = new BusDispatch();
  readonly #pending = new Map<string, Pending>();
  /** `${nodeId}|${version}` of incompatible senders already logged. */
  readonly #refusedSenders = new Set<string>();
  #closed = false;

  private constructor(
    readonly nodeId: string,
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    private readonly protocolVersion: string,
    private readonly log?: MediaLogger,
  ) {}

  /** `redis` publishes; a duplicate connection subscribes (a subscribed connection can do nothing else). */
  static async create(options: {
    nodeId: string;
    redis: Redis;
    keyPrefix: string;
    timeoutMs: number;
    log?: MediaLogger;
    /** This node's protocol version (tests pose as another release). */
    protocolVersion?: string;
  }): Promise<RedisClusterBus> {
    // The subscriber connects lazily on its first SUBSCRIBE, which needs the offline queue the
    // command connection turns off (ioredis resubscribes it after a reconnect).
    const sub = options.redis.duplicate({ enableOfflineQueue: true });
    sub.on('error', () => undefined);
    const bus = new RedisClusterBus(
      options.nodeId,
      options.redis,
      sub,
      options.keyPrefix,
      options.timeoutMs,
      options.protocolVersion ?? PROTOCOL_VERSION,
      options.log,
    );
    sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => bus.#receive(message.toString('utf8')));
    await sub.subscribe(bus.#nodeChannel(options.nodeId), bus.#allChannel());
    return bus;
  }

  #nodeChannel(nodeId: string): string {
    return `${this.prefix}:cluster:node:${nodeId}`;
  }

  #allChannel(): string {
    return `${this.prefix}:cluster:all`;
  }

  async request<M extends ClusterRequestName>(
    nodeId: string,
    method: M,
    payload: ClusterRequest<M>,
    options?: { timeoutMs?: number },
  ): Promise<ClusterResponse<M>> {
    if (this.#closed) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'This node is shutting down');
    const id = randomUUID();
    const timeoutMs = options?.timeoutMs ?? this.timeoutMs;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new AppError(
            ErrorCode.MEDIA_UNAVAILABLE,
            `Node ${nodeId} did not answer ${method} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
    });
    // Rejected without being awaited (a failed publish below; close() while the publish is in
    // flight): not an unhandled rejection, which would end the process.
    answer.catch(() => undefined);
    const forget = () => {
      const pending = this.#pending.get(id);
      if (pending) {
        clearTimeout(pending.timer);
        this.#pending.delete(id);
      }
    };
    const envelope: Envelope = { t: 'req', v: this.protocolVersion, id, from: this.nodeId, method, payload };
    let receivers: number;
    try {
      receivers = await this.pub.publish(this.#nodeChannel(nodeId), JSON.stringify(envelope));
    } catch (err) {
      // Not sent (Redis down): nobody will await `answer`; its timer goes now.
      forget();
      throw err;
    }
    if (receivers === 0) {
      forget();
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, `Node ${nodeId} is not connected to the cluster`);
    }
    return (await answer) as ClusterResponse<M>;
  }

  handle<M extends ClusterRequestName>(method: M, handler: RequestHandler<M>): () => void {
    return this.#dispatch.handle(method, handler);
  }

  async broadcast<E extends ClusterEventName>(
    event: E,
    payload: ClusterEvents[E],
    options?: { includeSelf?: boolean },
  ): Promise<void> {
    if (this.#closed) return;
    // Delivery to this node goes through its own subscription: while that is not back after a
    // Redis outage, a published event would reach no one here (nor, often, anywhere). Say so
    // (UNAVAILABLE to the caller) rather than report it sent.
    const mustReachSelf = options?.includeSelf === true;
    if (mustReachSelf && this.sub.status !== 'ready')
      throw new DependencyDownError('redis', `cluster bus subscriber is ${this.sub.status}`);
    // Sent to everyone; the sender drops its own copy unless asked to deliver it.
    const envelope = {
      t: 'evt',
      v: this.protocolVersion,
      from: this.nodeId,
      event,
      payload,
      self: options?.includeSelf === true,
    };
    const receivers = await this.pub.publish(this.#allChannel(), JSON.stringify(envelope));
    if (mustReachSelf && receivers === 0)
      throw new DependencyDownError('redis', 'cluster bus event reached no subscriber (not resubscribed yet)');
  }

  on<E extends ClusterEventName>(event: E, listener: EventListener<E>): () => void {
    return this.#dispatch.on(event, listener);
  }

  #receive(raw: string): void {
    let msg: Envelope & { self?: boolean };
    try {
      msg = JSON.parse(raw) as Envelope & { self?: boolean };
    } catch {
      this.log?.warn({ length: raw.length }, 'unparseable cluster message dropped');
      return;
    }
    if (msg.t !== 'res' && !isCompatibleProtocol(msg.v, this.protocolVersion)) {
      this.#refuse(msg);
      return;
    }
    if (msg.t === 'evt') {
      if (msg.from === this.nodeId && !msg.self) return;
      this.#dispatch.deliver(msg.event, msg.payload, msg.from, (err) =>
        this.log?.error({ err, event: msg.event }, 'cluster event listener failed'),
      );
    } else if (msg.t === 'req') {
      void this.#dispatch.answer(msg.method, msg.payload, msg.from).then((answer) => {
        if (this.#closed) return;
        const reply = { t: 'res', id: msg.id, from: this.nodeId, ...answer };
        this.pub
          .publish(this.#nodeChannel(msg.from), JSON.stringify(reply))
          .catch((err: unknown) => this.log?.warn({ err, method: msg.method }, 'cluster reply not sent'));
      });
    } else if (msg.t === 'res') {
      const pending = this.#pending.get(msg.id);
      if (!pending) return; // timed out already
      clearTimeout(pending.timer);
      this.#pending.delete(msg.id);
      if (msg.ok) pending.resolve(msg.result);
      else pending.reject(errorFromWire(msg.error));
    }
  }

  /** A message from a node of another major protocol version: an error answer to a request, an event dropped. */
  #refuse(msg: Exclude<Envelope, { t: 'res' }>): void {
    const version = msg.v ?? 'none';
    const why = `node ${msg.from} speaks protocol ${version}, incompatible with node ${this.nodeId}'s ${this.protocolVersion}`;
    if (!this.#refusedSenders.has(`${msg.from}|${version}`)) {
      this.#refusedSenders.add(`${msg.from}|${version}`);
      this.log?.error(
        { fromNodeId: msg.from, protocolVersion: msg.v ?? null, ownProtocolVersion: this.protocolVersion },
        `cluster messages refused: ${why}`,
      );
    }
    if (msg.t !== 'req' || this.#closed) return;
    const reply = {
      t: 'res',
      id: msg.id,
      from: this.nodeId,
      ok: false,
      error: { code: ErrorCode.MEDIA_UNAVAILABLE, message: `Refused: ${why}` },
    };
    this.pub
      .publish(this.#nodeChannel(msg.from), JSON.stringify(reply))
      .catch((err: unknown) => this.log?.warn({ err, method: msg.method }, 'cluster reply not sent'));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'This node is shutting down'));
      this.#pending.delete(id);
    }
    this.#dispatch.clear();
    await this.sub.quit().catch(() => this.sub.disconnect());
  }
}

import { isCompatibleProtocol } from '@minimeet/shared';
import type { Redis } from 'ioredis';
import type { MediaLogger } from '../media/worker-pool.js';
import { NodeEvents } from './node-events.js';
import type { ClusterNodeInfo, ClusterNodeState, NodeLoad, NodeRegistry } from './node-registry.js';

/** Entries of nodes dead this many TTLs are removed from the registry hash. */
const FORGET_AFTER_TTLS = 6;

interface Entry extends ClusterNodeInfo {
  updatedAt: number;
}

interface Known {
  info: ClusterNodeInfo;
  alive: boolean;
  compatible: boolean;
}

// Removes a dead node's entry only if nobody re-registered it meanwhile.
const FORGET = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end
return 0`;

/**
 * Node registry in Redis: a hash of node entries (id → info) and, per node, an `alive` key
 * holding its bootId with a TTL that the node's heartbeat renews every third of the TTL. Every
 * node polls both each second: a lapsed alive key, or a new bootId under a known id, is that
 * boot's death. The alive key's TTL is the node TTL minus one poll interval, so a death is
 * reported within CLUSTER_NODE_TTL_MS of the last heartbeat.
 */
export class RedisNodeRegistry implements NodeRegistry {
  readonly #events: NodeEvents;
  readonly #known = new Map<string, Known>();
  #load: () => NodeLoad = () => ({ load: 0, rooms: 0 });
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  /** This node's previous boot, found at start: reported down to this node's own listeners. */
  #previousSelf: ClusterNodeInfo | undefined;
  #firstPoll = true;
  /** Polls run one at a time (the timer's and refresh()'s): each sees the previous one's result. */
  #polling: Promise<void> = Promise.resolve();
  #stopped = false;
  readonly #pollMs: number;
  /** Heartbeat / poll failing since the last success: a Redis outage is logged once, not each tick. */
  readonly #failing = { heartbeat: false, poll: false };
  /**
   * No node is judged down before this: set one TTL past a failed poll, because a Redis that
   * was down (and maybe restarted empty) has lost or let lapse every node's entry until each
   * node's next heartbeat, which says nothing about the nodes themselves.
   */
  #quietUntil = 0;
  readonly #onRedisReady = () => {
    this.#heartbeat().catch(() => undefined);
  };

  constructor(
    readonly self: ClusterNodeInfo,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly log?: MediaLogger,
  ) {
    this.#events = new NodeEvents((err, event) =>
      this.log?.error({ err, event }, 'cluster node listener failed'),
    );
    this.#pollMs = Math.min(1000, Math.floor(ttlMs / 5));
  }

  #nodesKey() {
    return `${this.prefix}:cluster:nodes`;
  }
  #aliveKey(nodeId: string) {
    return `${this.prefix}:cluster:alive:${nodeId}`;
  }

  /** Registers this node and starts heart-beating and watching the others. */
  async start(): Promise<void> {
    const previous = await this.redis.hget(this.#nodesKey(), this.self.id);
    if (previous) {
      const entry = parseEntry(previous);
      if (entry && entry.bootId !== this.self.bootId) this.#previousSelf = stripEntry(entry);
    }
    await this.#heartbeat();
    // Back after a Redis outage: be in the registry again at once, not at the next beat.
    this.redis.on('ready', this.#onRedisReady);
    this.#heartbeatTimer = setInterval(
      () => {
        this.#heartbeat().then(
          () => (this.#failing.heartbeat = false),
          (err: unknown) => this.#failed('heartbeat', err),
        );
      },
      Math.floor(this.ttlMs / 3),
    );
    this.#heartbeatTimer.unref();
  }

  /** Starts watching (call once every listener is attached: the first poll reports leftovers). */
  startWatching(): void {
    if (this.#pollTimer || this.#stopped) return;
    const tick = () => {
      this.#serialPoll().then(
        () => (this.#failing.poll = false),
        (err: unknown) => {
          this.#quietUntil = Date.now() + this.ttlMs;
          this.#failed('poll', err);
        },
      );
    };
    tick();
    this.#pollTimer = setInterval(tick, this.#pollMs);
    this.#pollTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.redis.off('ready', this.#onRedisReady);
    clearInterval(this.#heartbeatTimer);
    clearInterval(this.#pollTimer);
    this.#events.clear();
    // A graceful stop: others see the entry gone and treat this boot as down at their next poll.
    await this.redis
      .multi()
      .del(this.#aliveKey(this.self.id))
      .hdel(this.#nodesKey(), this.self.id)
      .exec()
      .catch(() => undefined);
  }

  nodes(): ClusterNodeState[] {
    const out: ClusterNodeState[] = [{ ...this.self, ...this.#load(), alive: true, compatible: true }];
    for (const [id, k] of this.#known)
      if (id !== this.self.id) out.push({ ...k.info, alive: k.alive, compatible: k.compatible });
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  isAlive(nodeId: string): boolean {
    const known = this.#known.get(nodeId);
    return nodeId === this.self.id || (known?.alive === true && known.compatible);
  }

  #failed(what: 'heartbeat' | 'poll', err: unknown): void {
    if (this.#failing[what]) return;
    this.#failing[what] = true;
    this.log?.warn({ err }, `cluster node ${what} failed (retried every tick, logged again after a success)`);
  }

  refresh(): Promise<void> {
    return this.#serialPoll();
  }

  async markDraining(): Promise<void> {
    this.self.draining = true;
    await this.#heartbeat();
  }

  #serialPoll(): Promise<void> {
    const run = this.#polling.catch(() => undefined).then(() => this.#poll());
    this.#polling = run;
    return run;
  }

  setLoadProvider(provider: () => NodeLoad): void {
    this.#load = provider;
  }

  onNodeDown(listener: (node: ClusterNodeInfo) => void): () => void {
    return this.#events.on('nodeDown', listener);
  }

  onNodeUp(listener: (node: ClusterNodeInfo) => void): () => void {
    return this.#events.on('nodeUp', listener);
  }

  async claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const set = await this.redis.set(`${this.prefix}:cluster:claim:${key}`, this.self.id, 'PX', ttlMs, 'NX');
    return set === 'OK';
  }

  async #heartbeat(): Promise<void> {
    if (this.#stopped) return;
    const entry: Entry = { ...this.self, ...this.#load(), updatedAt: Date.now() };
    await this.redis
      .multi()
      .set(this.#aliveKey(this.self.id), this.self.bootId, 'PX', this.ttlMs - this.#pollMs)
      .hset(this.#nodesKey(), this.self.id, JSON.stringify(entry))
      .exec();
  }

  async #poll(): Promise<void> {
    if (this.#stopped) return;
    const raw = await this.redis.hgetall(this.#nodesKey());
    const entries: Entry[] = [];
    for (const value of Object.values(raw)) {
      const e = parseEntry(value);
      if (e && e.id !== this.self.id) entries.push(e);
    }
    const alive = entries.length ? await this.redis.mget(...entries.map((e) => this.#aliveKey(e.id))) : [];
    if (this.#stopped) return;
    const first = this.#firstPoll;
    this.#firstPoll = false;
    if (first && this.#previousSelf) {
      this.log?.info(
        { nodeId: this.self.id, previousBootId: this.#previousSelf.bootId },
        'sweeping this node’s previous run',
      );
      this.#events.emit('nodeDown', this.#previousSelf);
    }
    const quiet = Date.now() < this.#quietUntil;
    const seen = new Set<string>();
    entries.forEach((e, i) => {
      seen.add(e.id);
      const info = stripEntry(e);
      const isAlive = alive[i] === e.bootId;
      const prev = this.#known.get(e.id);
      const compatible = isCompatibleProtocol(info.protocolVersion, this.self.protocolVersion);
      if (quiet && !isAlive) return; // judged once the quiet period is over
      this.#known.set(e.id, { info, alive: isAlive, compatible });
      const sameBoot = prev?.info.bootId === e.bootId;
      if (prev?.alive && !(sameBoot && isAlive)) this.#down(prev.info);
      if (isAlive && !(sameBoot && prev?.alive)) this.#up(info, compatible);
      // Dead since before we looked (first poll) or a dead boot replaced by another dead one.
      if (!isAlive && (!prev || (!sameBoot && !prev.alive))) this.#down(info);
      if (!isAlive && Date.now() - e.updatedAt > FORGET_AFTER_TTLS * this.ttlMs) {
        void this.redis.eval(FORGET, 1, this.#nodesKey(), e.id, raw[e.id] ?? '').catch(() => undefined);
      }
    });
    for (const [id, k] of [...this.#known]) {
      if (seen.has(id) || quiet) continue;
      this.#known.delete(id);
      if (k.alive) this.#down(k.info);
    }
  }

  #down(info: ClusterNodeInfo): void {
    this.log?.warn({ nodeId: info.id, bootId: info.bootId }, 'cluster node down');
    this.#events.emit('nodeDown', info);
  }

  /** Once per boot of a node. An incompatible one is refused loudly instead. */
  #up(info: ClusterNodeInfo, compatible: boolean): void {
    if (!compatible) {
      this.log?.error(
        {
          nodeId: info.id,
          bootId: info.bootId,
          protocolVersion: info.protocolVersion || null,
          ownProtocolVersion: this.self.protocolVersion,
        },
        `cluster node ${info.id} speaks protocol ${info.protocolVersion || 'none'}, incompatible with this node's ${this.self.protocolVersion}: not working with it (run one release across the cluster)`,
      );
      return;
    }
    this.log?.info(
      { nodeId: info.id, bootId: info.bootId, pipeAddress: info.pipeAddress },
      'cluster node up',
    );
    this.#events.emit('nodeUp', info);
  }
}

function parseEntry(value: string): Entry | undefined {
  try {
    const e = JSON.parse(value) as Partial<Entry>;
    if (typeof e.id !== 'string' || typeof e.bootId !== 'string') return undefined;
    return {
      id: e.id,
      bootId: e.bootId,
      pipeAddress: typeof e.pipeAddress === 'string' ? e.pipeAddress : '',
      protocolVersion: typeof e.protocolVersion === 'string' ? e.protocolVersion : '',
      startedAt: Number(e.startedAt) || 0,
      load: Number(e.load) || 0,
      rooms: Number(e.rooms) || 0,
      ...(typeof e.publicUrl === 'string' && e.publicUrl ? { publicUrl: e.publicUrl } : {}),
      draining: e.draining === true,
      updatedAt: Number(e.updatedAt) || 0,
    };
  } catch {
    return undefined;
  }
}

function stripEntry(e: Entry): ClusterNodeInfo {
  return {
    id: e.id,
    bootId: e.bootId,
    pipeAddress: e.pipeAddress,
    protocolVersion: e.protocolVersion,
    startedAt: e.startedAt,
    load: e.load,
    rooms: e.rooms,
    ...(e.publicUrl ? { publicUrl: e.publicUrl } : {}),
    draining: e.draining,
  };
}

import { ErrorCode } from '@minimeet/shared';
import type { types } from 'mediasoup';
import { AppError } from '../common/app-error.js';
import { goneWhileAwaiting } from './media-guards.js';
import type { PeerMedia } from './peer-media.js';
import { choosePlacement } from './peer-placement.js';
import { RoomRouter } from './room-router.js';
import type { MediaLogger, PoolWorker, WorkerPool } from './worker-pool.js';

/** How long recreating a router after a worker death may keep retrying. */
const RECREATE_TIMEOUT_MS = 30_000;

/** One of the room's routers as admin stats show it. */
export interface RoomRouterInfo {
  workerPid: number;
  routerId: string;
  /** Ids of the peers homed on it. */
  peerIds: string[];
}

export interface RoomRoutersHooks {
  /** A router was added for a new peer (spill): the speaker observer may need one. */
  added(): void;
  /** A router closed with its worker (the peers homed on it have lost their media). */
  lost(router: RoomRouter): void;
  /** The room's last router was lost and a new one made (the reset is still on). */
  recreated(): Promise<void>;
  /** The peers that were homed on the lost router may start over: the room has a usable router. */
  rebuilt(peers: PeerMedia[]): void;
  /** No router could be recreated: the room's media must close. */
  failed(): void;
}

/**
 * The set of one room's routers (at most one per worker) and where its peers live: placement
 * (serialized, so concurrent joins never make two routers on one worker), and the rebuild after a
 * worker death: the peers homed on the lost router start over, on a recreated router when it was
 * the room's last (the room is `resetting` meanwhile).
 */
export class RoomRouters {
  /** The room's routers by worker pid. */
  readonly #routers = new Map<number, RoomRouter>();
  /** Placements run one after another. */
  #placing: Promise<unknown> = Promise.resolve();
  #closed = false;
  /** Set while the room has no usable router and one is being recreated after a worker death. */
  #resetting: Promise<void> | undefined;

  constructor(
    private readonly roomId: number,
    private readonly pool: WorkerPool,
    private readonly spillLoad: number,
    private readonly log: MediaLogger | undefined,
    private readonly hooks: RoomRoutersHooks,
    /** The room's peers (those homed on a lost router are reset). */
    private readonly peers: () => Iterable<PeerMedia>,
    first: RoomRouter,
  ) {
    this.#adopt(first);
  }

  get resetting(): boolean {
    return this.#resetting !== undefined;
  }

  /** Resolves once a reset in progress is over. */
  async ready(): Promise<void> {
    if (this.#resetting) await this.#resetting;
  }

  get size(): number {
    return this.#routers.size;
  }

  usable(): RoomRouter[] {
    return [...this.#routers.values()].filter((r) => r.usable);
  }

  /** The usable room router wrapping `router`. */
  find(router: types.Router): RoomRouter | undefined {
    return this.usable().find((r) => r.router === router);
  }

  info(): RoomRouterInfo[] {
    return this.usable().map((r) => ({
      workerPid: r.workerPid,
      routerId: r.id,
      peerIds: [...r.homedPeerIds],
    }));
  }

  /** The peer's home router, placing the peer first when it has none. */
  async homeOf(peer: PeerMedia): Promise<RoomRouter> {
    if (peer.home?.usable) return peer.home;
    return this.#serialized(async () => {
      if (peer.home?.usable) return peer.home;
      if (peer.closed) throw goneWhileAwaiting(peer, 'joining media');
      const home = await this.#place();
      if (peer.closed) throw goneWhileAwaiting(peer, 'joining media');
      peer.home?.homedPeerIds.delete(peer.id);
      peer.home = home;
      home.homedPeerIds.add(peer.id);
      this.log?.debug(
        { roomId: this.roomId, peerId: peer.id, pid: home.workerPid, routers: this.size },
        'peer homed',
      );
      return home;
    });
  }

  /** A router chosen as a new peer's home would be (to bring a producer in from elsewhere). */
  ingress(): Promise<RoomRouter> {
    return this.#serialized(() => this.#place());
  }

  /**
   * A worker died with one of the room's routers. Its peers' objects are already closed by
   * mediasoup (producerClosed went out for their producers; pipes from it closed, so consumers of
   * them on other routers reported consumerClosed). Those peers are reset; the others keep theirs.
   */
  #onLost(lost: RoomRouter): void {
    if (this.#closed || this.#routers.get(lost.workerPid) !== lost) return;
    this.#routers.delete(lost.workerPid);
    const peers = [...this.peers()].filter((p) => p.home === lost);
    for (const peer of peers) {
      peer.closeMedia();
      peer.home = undefined;
    }
    lost.homedPeerIds.clear();
    this.hooks.lost(lost);
    this.log?.warn(
      { roomId: this.roomId, pid: lost.workerPid, peersReset: peers.length, routersLeft: this.size },
      'room router lost with its worker',
    );
    if (this.usable().length > 0) {
      this.hooks.rebuilt(peers);
      return;
    }
    // Nothing left to place peers on: get a router before anyone is told to start over.
    const work = this.#rebuild(peers, lost.workerPid).finally(() => {
      if (this.#resetting === work) this.#resetting = undefined;
    });
    this.#resetting = work;
  }

  async #rebuild(peers: PeerMedia[], deadPid: number): Promise<void> {
    const router = await this.#recreate();
    if (!router) {
      this.hooks.failed();
      return;
    }
    await this.hooks.recreated();
    if (this.#closed) return;
    this.log?.info({ roomId: this.roomId, oldPid: deadPid, pid: router.workerPid }, 'room router recreated');
    this.#resetting = undefined;
    this.hooks.rebuilt(peers);
  }

  /**
   * The room lost its last router: get one on a live worker, waiting for the pool to replace the
   * dead one. Undefined when closed meanwhile or it gave up (after RECREATE_TIMEOUT_MS, or the pool
   * closed).
   */
  async #recreate(): Promise<RoomRouter | undefined> {
    const deadline = Date.now() + RECREATE_TIMEOUT_MS;
    for (let delay = 50; ; delay = Math.min(delay * 2, 250)) {
      if (this.#closed) return undefined;
      try {
        return await this.#add(undefined);
      } catch (err) {
        if (this.#closed) return undefined;
        // Typically "no live mediasoup worker" until the pool has replaced the dead one.
        if (Date.now() > deadline || this.pool.closed) {
          this.log?.error({ roomId: this.roomId, err }, 'could not recreate room router; closing room media');
          return undefined;
        }
        await this.#workerReplacedOr(delay);
      }
    }
  }

  /** Object counts over the usable routers: a producer piped to other routers counts once. */
  async counts(): Promise<{ transports: number; producers: number; consumers: number }> {
    const parts = await Promise.all(this.usable().map((r) => r.counts()));
    return {
      transports: parts.reduce((n, p) => n + p.transports, 0),
      producers: new Set(parts.flatMap((p) => p.producerIds)).size,
      consumers: parts.reduce((n, p) => n + p.consumers, 0),
    };
  }

  /** Idempotent: closes every router (their transports, pipes and observers close with them). */
  close(): void {
    this.#closed = true;
    for (const r of this.#routers.values()) r.router.close();
    this.#routers.clear();
  }

  #serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#placing.then(work);
    this.#placing = run.catch(() => undefined);
    return run;
  }

  /** A router for one more peer: an existing one, or a new one on another worker (spill). */
  async #place(): Promise<RoomRouter> {
    const choice = choosePlacement([...this.#routers.values()], this.pool.workers, this.spillLoad);
    if (!choice) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'No live media worker; retry shortly');
    if ('router' in choice) return choice.router;
    let added: RoomRouter;
    try {
      added = await this.#add(choice.newRouterOn);
    } catch (err) {
      if (err instanceof AppError) throw err;
      this.log?.warn({ roomId: this.roomId, err }, 'could not add a room router');
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Could not open media on a worker; retry shortly');
    }
    this.hooks.added();
    return added;
  }

  async #add(on: PoolWorker | undefined): Promise<RoomRouter> {
    const { router, worker } = await this.pool.createRouter({ roomId: this.roomId }, on);
    if (this.#closed) {
      router.close();
      throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, 'Room media closed');
    }
    const existing = this.#routers.get(worker.pid);
    if (existing?.usable) {
      router.close();
      return existing;
    }
    const added = new RoomRouter(router, worker);
    this.#adopt(added);
    this.log?.info({ roomId: this.roomId, pid: worker.pid, routers: this.size }, 'room router added');
    return added;
  }

  #adopt(r: RoomRouter): void {
    this.#routers.set(r.workerPid, r);
    r.router.on('workerclose', () => this.#onLost(r));
  }

  /** Resolves when the pool has a replacement worker, or after `delay` ms. */
  #workerReplacedOr(delay: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.pool.off('workerReplaced', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.pool.once('workerReplaced', done);
    });
  }
}

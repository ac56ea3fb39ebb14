import type { types } from 'mediasoup';
import { PipeCache, type ProducerPipe } from './producer-pipe.js';
import type { MediaLogger } from './worker-pool.js';

/** Where one end of a pipe listens: what the other end connects to. */
export interface PipeEndpoint {
  ip: string;
  port: number;
  srtpParameters: types.SrtpParameters;
}

/** What the receiving node needs to produce a piped producer under the same id. */
export interface PipedProducerParams {
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  paused: boolean;
  appData: Record<string, unknown>;
}

/** A producer of another node, as that node described it for one room's pipe pair. */
export interface NodeOrigin {
  roomId: number;
  nodeId: string;
  params: PipedProducerParams;
}

/** What happens to a producer piped out to another node: relayed there by the caller. */
export interface PipedProducerEvents {
  onPause(): void;
  onResume(): void;
  onClose(): void;
  /** The pipe consumer closed (unpiped, pipe closed, producer closed): that node receives it no more. */
  onUnpiped(): void;
}

export interface NodePipesOptions {
  listenIp: string;
  /** Address the other nodes reach this node's pipes at. */
  announcedAddress: string;
  minPort: number;
  maxPort: number;
  log?: MediaLogger;
}

interface PipePair {
  transport: types.PipeTransport;
  /** The room router the transport (and the producers piped in through it) lives on. */
  router: types.Router;
  /** Producers of this node piped out: producerId → pipe consumer. */
  out: PipeCache<types.Consumer>;
  /** Producers of the other node piped in: producerId → pipe producer. */
  in: PipeCache<types.Producer>;
}

/**
 * This node's end of every pipe to other nodes: one PipeTransport (SRTP) per (room, remote
 * node), the consumers that send local producers through it and the producers that bring
 * remote ones in under their original ids (the cross-node ProducerPipe: a producer of another
 * node lands on the pair's router). mediasoup objects only: who asks whom, and when, is the
 * caller's business (server/src/cluster).
 */
export class NodePipes implements ProducerPipe<NodeOrigin> {
  readonly #pairs = new Map<string, PipePair>();

  constructor(private readonly options: NodePipesOptions) {}

  /** This node's transport toward `nodeId` for the room, created on `router` if missing. */
  async open(roomId: number, nodeId: string, router: types.Router): Promise<PipeEndpoint> {
    let pair = this.#live(roomId, nodeId);
    if (!pair) {
      const { listenIp, announcedAddress, minPort, maxPort } = this.options;
      const transport = await router.createPipeTransport({
        listenInfo: {
          protocol: 'udp',
          ip: listenIp,
          announcedAddress,
          portRange: { min: minPort, max: maxPort },
        },
        enableSrtp: true,
        // Nodes are different hosts: losses on the link between them are repaired (NACK + RTX).
        enableRtx: true,
        appData: { roomId, nodeId },
      });
      // Another open() may have finished meanwhile: keep one transport per pair.
      const raced = this.#live(roomId, nodeId);
      if (raced) transport.close();
      else {
        pair = { transport, router, out: new PipeCache(), in: new PipeCache() };
        this.#track(roomId, nodeId, pair);
      }
      pair = this.#live(roomId, nodeId);
      if (!pair) throw new Error(`pipe to ${nodeId} for room ${roomId} closed while opening`);
    }
    const { transport } = pair;
    if (!transport.srtpParameters) throw new Error('pipe transport without SRTP parameters');
    return {
      ip: this.options.announcedAddress,
      port: transport.tuple.localPort,
      srtpParameters: transport.srtpParameters,
    };
  }

  async connect(roomId: number, nodeId: string, remote: PipeEndpoint): Promise<void> {
    const pair = this.#require(roomId, nodeId);
    await pair.transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtpParameters });
  }

  /** The router of the pipe toward `nodeId` for the room (where its piped-in producers live). */
  routerOf(roomId: number, nodeId: string): types.Router | undefined {
    return this.#live(roomId, nodeId)?.router;
  }

  has(roomId: number, nodeId: string): boolean {
    return this.#live(roomId, nodeId) !== undefined;
  }

  /**
   * Sends a local producer through the pipe toward `nodeId` (once per producer and pipe) and
   * returns what that node needs to produce it. `events` follow the producer's pause/resume/close.
   */
  async sendProducer(
    roomId: number,
    nodeId: string,
    producer: { producerId: string; appData: Record<string, unknown> },
    events: PipedProducerEvents,
  ): Promise<PipedProducerParams> {
    const pair = this.#require(roomId, nodeId);
    const consumer = await pair.out.get(producer.producerId, async () => {
      const c = await pair.transport.consume({ producerId: producer.producerId });
      c.on('producerpause', () => events.onPause());
      c.on('producerresume', () => events.onResume());
      c.on('producerclose', () => events.onClose());
      c.observer.once('close', () => events.onUnpiped());
      return c;
    });
    return {
      producerId: producer.producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      paused: consumer.producerPaused,
      appData: producer.appData,
    };
  }

  /** Whether a local producer is being sent toward `nodeId` for the room. */
  sending(roomId: number, nodeId: string, producerId: string): boolean {
    return this.#live(roomId, nodeId)?.out.live(producerId) !== undefined;
  }

  /** The node a producer piped in for the room comes from. */
  originOf(roomId: number, producerId: string): string | undefined {
    for (const nodeId of this.nodesOf(roomId))
      if (this.receivedProducer(roomId, nodeId, producerId)) return nodeId;
    return undefined;
  }

  /** Stops sending a producer toward `nodeId` (that node no longer wants it). */
  stopSending(roomId: number, nodeId: string, producerId: string): void {
    this.#live(roomId, nodeId)?.out.live(producerId)?.close();
  }

  /** Produces a remote producer on the pipe from `nodeId`, under its own id. */
  async receiveProducer(
    roomId: number,
    nodeId: string,
    params: PipedProducerParams,
  ): Promise<types.Producer> {
    const pair = this.#require(roomId, nodeId);
    return this.pipe({ roomId, nodeId, params }, pair.router);
  }

  /** The producer piped in from its node; `to` must be the router of the pair with that node. */
  async pipe({ roomId, nodeId, params }: NodeOrigin, to: types.Router): Promise<types.Producer> {
    const pair = this.#require(roomId, nodeId);
    if (pair.router !== to)
      throw new Error(`the pipe from node ${nodeId} for room ${roomId} is on another router`);
    return pair.in.get(params.producerId, () =>
      pair.transport.produce({
        id: params.producerId,
        kind: params.kind,
        rtpParameters: params.rtpParameters,
        paused: params.paused,
        appData: params.appData,
      }),
    );
  }

  /** A producer piped in from `nodeId`: follows its origin's pause/resume/close. */
  receivedProducer(roomId: number, nodeId: string, producerId: string): types.Producer | undefined {
    return this.#live(roomId, nodeId)?.in.live(producerId);
  }

  /** Nothing piped either way through this pair. */
  idle(roomId: number, nodeId: string): boolean {
    const pair = this.#live(roomId, nodeId);
    return !pair || (pair.in.size === 0 && pair.out.size === 0);
  }

  /** The remote nodes this room has pipes to. */
  nodesOf(roomId: number): string[] {
    const out: string[] = [];
    for (const [key, pair] of this.#pairs) {
      const [r, nodeId] = splitKey(key);
      if (r === roomId && !pair.transport.closed) out.push(nodeId);
    }
    return out;
  }

  /** Closes one pair (its pipe producers close, so do their local consumers). */
  close(roomId: number, nodeId: string): void {
    this.#pairs.get(key(roomId, nodeId))?.transport.close();
  }

  /** Closes every pipe to `nodeId` (it died); returns the room ids that had one. */
  closeNode(nodeId: string): number[] {
    const rooms: number[] = [];
    for (const k of [...this.#pairs.keys()]) {
      const [roomId, n] = splitKey(k);
      if (n !== nodeId) continue;
      rooms.push(roomId);
      this.#pairs.get(k)?.transport.close();
    }
    return rooms;
  }

  closeRoom(roomId: number): string[] {
    const nodes = this.nodesOf(roomId);
    for (const n of nodes) this.close(roomId, n);
    return nodes;
  }

  closeAll(): void {
    for (const pair of [...this.#pairs.values()]) pair.transport.close();
    this.#pairs.clear();
  }

  #track(roomId: number, nodeId: string, pair: PipePair): void {
    const k = key(roomId, nodeId);
    this.#pairs.set(k, pair);
    const forget = () => {
      if (this.#pairs.get(k) === pair) this.#pairs.delete(k);
      this.options.log?.info({ roomId, remoteNodeId: nodeId }, 'pipe to node closed');
    };
    // Closed directly, or with its router (room closed, worker died).
    pair.transport.observer.once('close', forget);
  }

  #live(roomId: number, nodeId: string): PipePair | undefined {
    const pair = this.#pairs.get(key(roomId, nodeId));
    return pair && !pair.transport.closed ? pair : undefined;
  }

  #require(roomId: number, nodeId: string): PipePair {
    const pair = this.#live(roomId, nodeId);
    if (!pair) throw new PipeMissingError(roomId, nodeId);
    return pair;
  }
}

export class PipeMissingError extends Error {
  constructor(roomId: number, nodeId: string) {
    super(`no pipe to node ${nodeId} for room ${roomId}`);
    this.name = 'PipeMissingError';
  }
}

function key(roomId: number, nodeId: string): string {
  return `${roomId}|${nodeId}`;
}

function splitKey(k: string): [number, string] {
  const i = k.indexOf('|');
  return [Number(k.slice(0, i)), k.slice(i + 1)];
}

import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ErrorCode } from '@minimeet/shared';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { NodePipes, PipeMissingError, type PipedProducerParams } from '../media/node-pipes.js';
import type { RoomMedia } from '../media/room-media.js';
import { RoomMediaRegistry } from '../media-signaling/room-media-registry.js';
import { remoteProducer } from '../media-signaling/wire-conversion.js';
import { RealtimeServer } from '../realtime/realtime-server.js';
import { CLUSTER_BUS, type ClusterBus } from './cluster-bus.js';
import { NODE_REGISTRY, type ClusterNodeInfo, type NodeRegistry } from './node-registry.js';
import { announceMicrophone } from './microphone-announcement.js';
import { PipedVideo } from './piped-video.js';
import { liveEntries, PRODUCER_DIRECTORY, type ProducerDirectory } from './producer-directory.js';

/** How long a dead boot's directory sweep is claimed (one node does it). */
const SWEEP_CLAIM_MS = 60_000;

/**
 * Cross-node media: brings a producer that lives on another node into this node's room (one
 * SRTP pipe pair per room and remote node, the remote producer re-created here under its own
 * id), relays pause/resume/close of local producers to the nodes they are piped to, and closes
 * pipes when a room closes or a node dies. mediasoup work is NodePipes'; this is the glue with
 * the bus, the node registry and the producer directory.
 */
@Injectable()
export class ClusterMediaService implements OnModuleInit, OnModuleDestroy {
  private readonly pipes: NodePipes;
  /** Video piped in only while consumed here; layer demand reported to the producer's node. */
  private readonly piped: PipedVideo;
  /** Pair being set up: `${roomId}|${nodeId}` → promise (both ends ask at most once at a time). */
  private readonly pairing = new Map<string, Promise<void>>();
  /** Remote producer being brought in: `${roomId}|${producerId}` → promise. */
  private readonly pulling = new Map<string, Promise<void>>();
  /**
   * Remote nodes each room has (or had) a pipe pair with, and the boot of the node the pair was
   * made with: told when the room closes here; a pair with an earlier boot of a node is stale.
   */
  private readonly pairNodes = new Map<number, Map<string, string>>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly log: Logger;

  constructor(
    @Inject(RoomMediaRegistry) private readonly rooms: RoomMediaRegistry,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(NODE_REGISTRY) private readonly nodes: NodeRegistry,
    @Inject(PRODUCER_DIRECTORY) private readonly directory: ProducerDirectory,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'cluster-media', nodeId: nodes.self.id });
    const { listenIp, minPort, maxPort, idleCloseMs } = config.cluster.pipe;
    this.pipes = new NodePipes({
      listenIp,
      announcedAddress: nodes.self.pipeAddress,
      minPort,
      maxPort,
      log: this.log,
    });
    this.piped = new PipedVideo({
      pipes: this.pipes,
      bus,
      idleCloseMs,
      log: this.log,
      closeIfIdle: (roomId, nodeId) => this.closeIfIdle(roomId, nodeId),
    });
  }

  onModuleInit() {
    this.unsubscribe.push(
      this.bus.handle('pipe.ensure', async ({ roomId, bootId }, from) => {
        const room = this.roomOrThrow(roomId);
        const pending = this.pairing.get(`${roomId}|${from}`);
        if (pending) await pending.catch(() => undefined);
        // A pair made with this boot of the asker is good (its ask crossed our pipe.open); one
        // made with an earlier run of it is stale.
        if (this.pairNodes.get(roomId)?.get(from) !== bootId) this.pipes.close(roomId, from);
        await this.ensurePair(room, from);
        return {};
      }),
      this.bus.handle('pipe.open', async ({ roomId, endpoint, bootId }, from) => {
        const room = this.roomOrThrow(roomId);
        // The creator had no pair: whatever this end still holds is stale.
        this.pipes.close(roomId, from);
        const mine = await this.pipes.open(roomId, from, room.pipeRouter());
        await this.pipes.connect(roomId, from, endpoint);
        this.remember(roomId, from, bootId);
        return { endpoint: mine, bootId: this.nodes.self.bootId };
      }),
      this.bus.handle('pipe.consume', ({ roomId, producerId }, from) =>
        this.sendProducer(roomId, producerId, from),
      ),
      this.bus.handle('pipe.producerPaused', async ({ roomId, producerId, paused }, from) => {
        const producer = this.pipes.receivedProducer(roomId, from, producerId);
        if (producer && paused) await producer.pause();
        else if (producer) await producer.resume();
        return {};
      }),
      this.bus.handle('pipe.producerClosed', ({ roomId, producerId }, from) => {
        this.pipes.receivedProducer(roomId, from, producerId)?.close();
        this.closeIfIdle(roomId, from);
        return Promise.resolve({});
      }),
      this.bus.handle('pipe.close', ({ roomId, reannounce }, from) => {
        this.pipes.close(roomId, from);
        this.pairNodes.get(roomId)?.delete(from);
        if (reannounce) this.reannounce(roomId, [from]);
        return Promise.resolve({});
      }),
      ...this.piped.handle(this.rooms),
      this.rooms.onRoomCreated((room) => this.wireRoom(room)),
      this.bus.on('microphone', ({ roomId, producerId }) => {
        const room = this.rooms.get(roomId);
        if (room && !room.closed) this.hearMicrophone(room, producerId);
      }),
      this.nodes.onNodeDown((node) => void this.onNodeDown(node)),
    );
  }

  onModuleDestroy() {
    for (const u of this.unsubscribe) u();
    this.piped.close();
    this.pipes.closeAll();
  }

  /**
   * Makes `producerId` consumable in this node's room: nothing to do if it is local, else it is
   * piped in from its node (concurrent callers share one pipe). PRODUCER_NOT_FOUND when the
   * directory does not know it or its node is dead.
   */
  async bringProducer(room: RoomMedia, producerId: string): Promise<void> {
    if (room.producer(producerId)?.peer) return;
    const entry = await this.directory.find(room.roomId, producerId);
    if (!entry || entry.nodeId === this.nodes.self.id) return; // consume() answers for local ones
    if (!(await liveEntries(this.nodes, [entry])).length) {
      throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'That producer’s server node is gone');
    }
    await this.piped.settled(room.roomId, producerId);
    const received = this.pipes.receivedProducer(room.roomId, entry.nodeId, producerId);
    // A consume follows: the linger starts over (unpiped if that consume never comes).
    if (received?.kind === 'video') this.piped.linger(room, producerId);
    if (received) return;
    const k = `${room.roomId}|${producerId}`;
    let pending = this.pulling.get(k);
    if (!pending) {
      pending = (async () => {
        await this.ensurePair(room, entry.nodeId);
        const params = await this.bus.request(entry.nodeId, 'pipe.consume', {
          roomId: room.roomId,
          producerId,
        });
        const producer = await this.pipes.receiveProducer(room.roomId, entry.nodeId, params);
        room.addExternalProducer(
          { userId: entry.userId, source: entry.source, peerId: `node:${entry.nodeId}` },
          producer,
          this.pipes.routerOf(room.roomId, entry.nodeId) ?? room.pipeRouter(),
        );
        if (producer.kind === 'video') this.piped.linger(room, producerId);
        this.log.info({ roomId: room.roomId, producerId, from: entry.nodeId }, 'producer piped in');
      })().finally(() => this.pulling.delete(k));
      this.pulling.set(k, pending);
    }
    await pending;
  }

  get nodeId(): string {
    return this.nodes.self.id;
  }

  /** Remote node ids this room exchanges media with (admin). */
  pipedNodes(roomId: number): string[] {
    return this.pipes.nodesOf(roomId);
  }

  /** One pipe pair per (room, node); the lower node id creates it, the other asks it to. */
  private ensurePair(room: RoomMedia, nodeId: string): Promise<void> {
    const roomId = room.roomId;
    const pairBoot = this.pairNodes.get(roomId)?.get(nodeId);
    const nodeBoot = this.nodes.nodes().find((n) => n.id === nodeId)?.bootId;
    // A pair made with an earlier run of that node (restarted faster than its death was seen).
    if (pairBoot && nodeBoot && pairBoot !== nodeBoot) this.pipes.close(roomId, nodeId);
    if (this.pipes.has(roomId, nodeId)) return Promise.resolve();
    const k = `${roomId}|${nodeId}`;
    let pending = this.pairing.get(k);
    if (!pending) {
      pending = (async () => {
        if (this.nodes.self.id < nodeId) {
          const mine = await this.pipes.open(roomId, nodeId, room.pipeRouter());
          try {
            const { endpoint, bootId } = await this.bus.request(nodeId, 'pipe.open', {
              roomId,
              endpoint: mine,
              bootId: this.nodes.self.bootId,
            });
            await this.pipes.connect(roomId, nodeId, endpoint);
            this.remember(roomId, nodeId, bootId);
          } catch (err) {
            this.pipes.close(roomId, nodeId);
            throw err;
          }
        } else {
          // Its `pipe.open` to this node has run (and opened this end) before this answer comes.
          await this.bus.request(nodeId, 'pipe.ensure', { roomId, bootId: this.nodes.self.bootId });
          if (!this.pipes.has(roomId, nodeId)) {
            throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, `No media pipe to node ${nodeId}`);
          }
        }
        this.log.info({ roomId, remoteNodeId: nodeId }, 'pipe to node open');
      })().finally(() => this.pairing.delete(k));
      this.pairing.set(k, pending);
    }
    return pending;
  }

  /** The producer's node: send a local producer through the pipe to `to`. */
  private async sendProducer(roomId: number, producerId: string, to: string): Promise<PipedProducerParams> {
    const room = this.roomOrThrow(roomId);
    const found = room.producer(producerId);
    if (!found?.peer) throw new AppError(ErrorCode.PRODUCER_NOT_FOUND, 'No such producer on this node');
    await room.ensureProducerOn(producerId, room.pipeRouter());
    const demand = this.piped.sending(room, producerId, to);
    const relay = (method: 'pipe.producerPaused' | 'pipe.producerClosed', paused?: boolean) => {
      const request =
        method === 'pipe.producerClosed'
          ? this.bus.request(to, method, { roomId, producerId })
          : this.bus.request(to, method, { roomId, producerId, paused: paused === true });
      request.catch((err: unknown) =>
        this.log.warn({ err, roomId, producerId, to, method }, 'pipe relay failed'),
      );
    };
    try {
      return await this.pipes.sendProducer(
        roomId,
        to,
        {
          producerId,
          appData: { userId: found.userId, source: found.source, nodeId: this.nodes.self.id },
        },
        {
          onPause: () => relay('pipe.producerPaused', true),
          onResume: () => relay('pipe.producerPaused', false),
          onClose: () => relay('pipe.producerClosed'),
          onUnpiped: demand.onUnpiped,
        },
      );
    } catch (err) {
      if (!this.pipes.sending(roomId, to, producerId)) demand.onUnpiped();
      if (err instanceof PipeMissingError) throw new AppError(ErrorCode.MEDIA_UNAVAILABLE, err.message);
      throw err;
    }
  }

  /** Nothing piped either way and nothing on its way in: close both ends. */
  private closeIfIdle(roomId: number, nodeId: string): void {
    if (!this.pipes.idle(roomId, nodeId)) return;
    for (const k of this.pulling.keys()) if (k.startsWith(`${roomId}|`)) return;
    if (this.pairing.has(`${roomId}|${nodeId}`)) return;
    this.pipes.close(roomId, nodeId);
    this.pairNodes.get(roomId)?.delete(nodeId);
    this.tellPipeClosed(roomId, nodeId, false);
  }

  /** Tells the other end of a room's pipe that this end is gone (best effort). */
  private tellPipeClosed(roomId: number, nodeId: string, reannounce: boolean): void {
    this.bus
      .request(nodeId, 'pipe.close', { roomId, reannounce })
      .catch((err: unknown) =>
        this.log.debug({ err, roomId, remoteNodeId: nodeId }, 'pipe close notice failed'),
      );
  }

  private remember(roomId: number, nodeId: string, bootId: string): void {
    let pairs = this.pairNodes.get(roomId);
    if (!pairs) this.pairNodes.set(roomId, (pairs = new Map()));
    pairs.set(nodeId, bootId);
  }

  /** The room's router went (room closed, or worker died): the other ends must close too. */
  private wireRoom(room: RoomMedia): void {
    const roomId = room.roomId;
    const gone = () => {
      const nodes = [...(this.pairNodes.get(roomId)?.keys() ?? [])];
      this.pairNodes.delete(roomId);
      this.pipes.closeRoom(roomId);
      for (const nodeId of nodes) this.tellPipeClosed(roomId, nodeId, false);
    };
    this.piped.wire(room);
    room.on('reset', () => this.onPartialReset(room));
    room.once('closed', gone);
    room.on('newProducer', (p) => {
      if (p.kind === 'audio')
        void announceMicrophone(this.directory, this.bus, this.log, roomId, p.producerId);
    });
    void this.hearRemoteMicrophones(room);
  }

  /**
   * Pipes in a microphone of another node so this node's loudest ranking hears it (its receivers
   * may only consume the K loudest, so a microphone nobody here consumes yet must still be heard).
   */
  private hearMicrophone(room: RoomMedia, producerId: string): void {
    this.bringProducer(room, producerId).catch((err: unknown) =>
      this.log.debug({ err, roomId: room.roomId, producerId }, 'microphone not piped in for the ranking'),
    );
  }

  /** A new room here: pipe in the microphones the room already has on other nodes. */
  private async hearRemoteMicrophones(room: RoomMedia): Promise<void> {
    try {
      const entries = await liveEntries(this.nodes, await this.directory.list(room.roomId));
      for (const e of entries)
        if (e.kind === 'audio' && e.nodeId !== this.nodes.self.id) this.hearMicrophone(room, e.producerId);
    } catch (err) {
      this.log.warn({ err, roomId: room.roomId }, 'remote microphones not listed for the ranking');
    }
  }

  /**
   * Some of the room's peers lost their worker. Pipes living on that worker's router closed with
   * it: tell their other ends, and re-announce the remote producers they carried to this node's
   * sockets, so peers that kept their media consume them again (through a new pipe).
   */
  private onPartialReset(room: RoomMedia): void {
    const roomId = room.roomId;
    const known = this.pairNodes.get(roomId);
    const lost = [...(known?.keys() ?? [])].filter((nodeId) => !this.pipes.has(roomId, nodeId));
    if (!lost.length) return;
    for (const nodeId of lost) {
      known?.delete(nodeId);
      this.tellPipeClosed(roomId, nodeId, true);
    }
    this.reannounce(roomId, lost);
    this.log.warn({ roomId, remoteNodeIds: lost }, 'pipes lost with a worker; remote producers re-announced');
  }

  /** Tells this node's sockets in the room about the live producers of `fromNodes` again. */
  private reannounce(roomId: number, fromNodes: string[]): void {
    void this.directory
      .list(roomId)
      .then((entries) => liveEntries(this.nodes, entries))
      .then((entries) => {
        for (const e of entries) {
          if (!fromNodes.includes(e.nodeId)) continue;
          this.realtime.emitToMedia(roomId, 'newProducer', { roomId, ...remoteProducer(e) }, true);
        }
      })
      .catch((err: unknown) => this.log.warn({ err, roomId }, 're-announcing piped producers failed'));
  }

  /**
   * A node (boot) died: close this node's pipes to it (local consumers of its producers close,
   * clients get consumerClosed); one node removes its directory entries and tells every socket
   * of those rooms (through the Socket.IO adapter) `producerClosed`.
   */
  private async onNodeDown(node: ClusterNodeInfo): Promise<void> {
    if (node.id !== this.nodes.self.id) {
      const rooms = this.pipes.closeNode(node.id);
      for (const roomId of rooms) this.pairNodes.get(roomId)?.delete(node.id);
      if (rooms.length) this.log.warn({ deadNodeId: node.id, rooms }, 'closed pipes to a dead node');
    }
    try {
      const won = await this.nodes.claimOnce(`producers-sweep:${node.id}:${node.bootId}`, SWEEP_CLAIM_MS);
      if (!won) return;
      const removed = await this.directory.removeBoot(node.id, node.bootId);
      for (const { roomId, producerId } of removed) {
        this.realtime.emitToMedia(roomId, 'producerClosed', { roomId, producerId });
      }
      if (removed.length) {
        this.log.info(
          { deadNodeId: node.id, bootId: node.bootId, producers: removed.length },
          'swept a dead node’s producers',
        );
      }
    } catch (err) {
      this.log.error({ err, deadNodeId: node.id }, 'producer sweep failed');
    }
  }

  private roomOrThrow(roomId: number): RoomMedia {
    const room = this.rooms.get(roomId);
    if (!room) throw new AppError(ErrorCode.NOT_FOUND, `Room ${roomId} has no media on this node`);
    return room;
  }
}

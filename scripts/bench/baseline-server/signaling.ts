import {
  ConnectWebRtcTransportRequest,
  ConsumeRequest,
  ConsumerIdRequest,
  CreateWebRtcTransportRequest,
  ErrorCode,
  GetMediaStatsRequest,
  JoinRoomRequest,
  LeaveRoomRequest,
  LoadMessageHistoryRequest,
  ProduceRequest,
  ProducerIdRequest,
  RestartIceRequest,
  SendMessageRequest,
  SetConsumerLayersRequest,
  SOCKET_UNAUTHORIZED,
  type ClientEventName,
  type ClientToServerEvents,
  type JoinRoomData,
  type Participant,
  type MediaStatsData,
  type ResponseOf,
  type ServerEvents,
  type ServerToClientEvents,
  type UserDto,
} from '@minimeet/shared';
import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import type { AdminStats } from './admin-stats.js';
import type { Directory } from './directory.js';
import { BaselineError, parsePayload, toAck } from './errors.js';
import type { BaselineMedia, MediaEventSink, Peer } from './media.js';

interface SocketData {
  user: UserDto;
  joinedRooms: Set<number>;
}

type BaselineServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type BaselineSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const channel = (roomId: number) => `room:${roomId}`;
const ADMIN_CHANNEL = 'admin';

/** The Socket.IO side of the baseline: rooms, chat (broadcast only) and SFU signaling, same events as MiniMeet. */
export class Signaling implements MediaEventSink {
  readonly io: BaselineServer;
  #media!: BaselineMedia;
  #nextMessageId = 1;

  constructor(
    http: HttpServer,
    private readonly directory: Directory,
    /**
     * 'full-list': the pre-2.0 roster, the whole participant list to the room on every join and
     * leave (the large-room bench's "old design"); 'delta': one participantsDelta per change.
     */
    private readonly roster: 'delta' | 'full-list' = 'delta',
  ) {
    this.io = new Server(http, { serveClient: false, cors: { origin: true } });
  }

  attach(media: BaselineMedia, stats: AdminStats): void {
    this.#media = media;
    this.io.use((socket, next) => {
      const auth: unknown = socket.handshake.auth;
      const token =
        typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined;
      const user = this.directory.userOf(token);
      if (!user) return next(new Error(SOCKET_UNAUTHORIZED));
      socket.data.user = user;
      socket.data.joinedRooms = new Set();
      next();
    });
    this.io.on('connection', (socket) => {
      this.#wire(socket, stats);
      socket.on('disconnect', () => {
        for (const roomId of [...socket.data.joinedRooms]) this.#leave(socket, roomId);
      });
    });
  }

  toRoomExcept<E extends keyof ServerEvents>(
    roomId: number,
    socketId: string,
    event: E,
    payload: ServerEvents[E],
  ) {
    (this.io.to(channel(roomId)).except(socketId).emit as (e: E, p: ServerEvents[E]) => boolean)(
      event,
      payload,
    );
  }

  toSocket<E extends keyof ServerEvents>(socketId: string, event: E, payload: ServerEvents[E]) {
    const socket = this.io.sockets.sockets.get(socketId);
    if (socket) (socket.emit as (e: E, p: ServerEvents[E]) => boolean)(event, payload);
  }

  #wire(s: BaselineSocket, stats: AdminStats): void {
    const media = this.#media;
    const joined = (roomId: number) => {
      if (!s.data.joinedRooms.has(roomId)) {
        throw new BaselineError(ErrorCode.NOT_IN_ROOM, `Join room ${roomId} on this connection first`);
      }
    };
    const byTransport = (id: string) =>
      media.owner(
        s.id,
        s.data.joinedRooms,
        (p) => p.transports.has(id),
        notFound('TRANSPORT_NOT_FOUND', 'transports'),
      );
    const byProducer = (id: string) =>
      media.owner(
        s.id,
        s.data.joinedRooms,
        (p) => p.producers.has(id),
        notFound('PRODUCER_NOT_FOUND', 'producers'),
      );
    const byConsumer = (id: string) =>
      media.owner(
        s.id,
        s.data.joinedRooms,
        (p) => p.consumers.has(id),
        notFound('CONSUMER_NOT_FOUND', 'consumers'),
      );

    on(s, 'joinRoom', async (raw) => {
      const { roomId } = await parsePayload(JoinRoomRequest, raw);
      return this.#join(s, roomId);
    });
    on(s, 'leaveRoom', async (raw) => {
      const { roomId } = await parsePayload(LeaveRoomRequest, raw);
      joined(roomId);
      this.#leave(s, roomId);
      return { roomId };
    });
    on(s, 'sendMessage', async (raw) => {
      const input = await parsePayload(SendMessageRequest, raw).catch((err: unknown) => {
        if (err instanceof BaselineError)
          s.emit('messageError', { clientMessageId: null, error: err.toWire() });
        throw err;
      });
      joined(input.roomId);
      const message = {
        id: this.#nextMessageId++,
        roomId: input.roomId,
        sender: { id: s.data.user.id, username: s.data.user.username },
        content: input.content,
        createdAt: new Date().toISOString(),
        clientMessageId: input.clientMessageId,
        // The baseline stores no files.
        attachments: [],
      };
      this.io.to(channel(input.roomId)).emit('newMessage', { message });
      return { message };
    });
    on(s, 'loadMessageHistory', async (raw) => {
      const { roomId } = await parsePayload(LoadMessageHistoryRequest, raw);
      joined(roomId);
      // Nothing is persisted: the baseline's chat is a bare broadcast.
      return { messages: [], hasMore: false };
    });

    on(s, 'createWebRtcTransport', async (raw) => {
      const { roomId, direction } = await parsePayload(CreateWebRtcTransportRequest, raw);
      joined(roomId);
      const { room, peer } = media.peer(roomId, s.id);
      return media.createTransport(room, peer, direction);
    });
    on(s, 'connectWebRtcTransport', async (raw) => {
      const { transportId, dtlsParameters } = await parsePayload(ConnectWebRtcTransportRequest, raw);
      await media.connect(byTransport(transportId).peer, transportId, dtlsParameters);
      return { transportId };
    });
    on(s, 'restartIce', async (raw) => {
      const { transportId } = await parsePayload(RestartIceRequest, raw);
      const t = byTransport(transportId).peer.transports.get(transportId)!;
      return { iceParameters: await t.transport.restartIce(), iceServers: [] };
    });
    on(s, 'produce', async (raw) => {
      const req = await parsePayload(ProduceRequest, raw);
      const { room, peer } = byTransport(req.transportId);
      return { producerId: await media.produce(room, peer, req) };
    });
    for (const [event, paused] of [
      ['pauseProducer', true],
      ['resumeProducer', false],
    ] as const) {
      on(s, event, async (raw) => {
        const { producerId } = await parsePayload(ProducerIdRequest, raw);
        const { room, peer } = byProducer(producerId);
        await media.setProducerPaused(room, peer, producerId, paused);
        return { producerId };
      });
    }
    on(s, 'closeProducer', async (raw) => {
      const { producerId } = await parsePayload(ProducerIdRequest, raw);
      byProducer(producerId).peer.producers.get(producerId)!.producer.close();
      return { producerId };
    });
    on(s, 'consume', async (raw) => {
      const req = await parsePayload(ConsumeRequest, raw);
      const { room, peer } = byTransport(req.transportId);
      return media.consume(room, peer, req);
    });
    for (const [event, paused] of [
      ['pauseConsumer', true],
      ['resumeConsumer', false],
    ] as const) {
      on(s, event, async (raw) => {
        const { consumerId } = await parsePayload(ConsumerIdRequest, raw);
        const consumer = byConsumer(consumerId).peer.consumers.get(consumerId)!;
        if (paused) await consumer.pause();
        else await consumer.resume();
        return { consumerId };
      });
    }
    on(s, 'setConsumerLayers', async (raw) => {
      const { consumerId, spatialLayer, temporalLayer } = await parsePayload(SetConsumerLayersRequest, raw);
      const consumer = byConsumer(consumerId).peer.consumers.get(consumerId)!;
      if (consumer.type !== 'simulcast' && consumer.type !== 'svc') {
        throw new BaselineError(ErrorCode.CONFLICT, 'Only simulcast/SVC consumers have layers');
      }
      await consumer.setPreferredLayers({
        spatialLayer,
        ...(temporalLayer !== undefined ? { temporalLayer } : {}),
      });
      return { consumerId };
    });
    on(s, 'getMediaStats', async (raw) => {
      const { roomId } = await parsePayload(GetMediaStatsRequest, raw);
      joined(roomId);
      const { room, peer } = media.peer(roomId, s.id);
      return mediaStats(roomId, peer, await room.router.dump(), room.peers.size);
    });
    on(s, 'admin:subscribe', async () => {
      await s.join(ADMIN_CHANNEL);
      return { intervalMs: stats.intervalMs, snapshot: await stats.latest() };
    });
    on(s, 'admin:unsubscribe', async () => {
      await s.leave(ADMIN_CHANNEL);
      return {};
    });
  }

  /** Sends a snapshot to the sockets that asked for admin:stats. */
  publishStats(snapshot: ServerEvents['admin:stats']): void {
    this.io.to(ADMIN_CHANNEL).emit('admin:stats', snapshot);
  }

  async #join(s: BaselineSocket, roomId: number): Promise<JoinRoomData> {
    const user = s.data.user;
    this.directory.room(roomId); // NOT_FOUND when there is no such room
    if (!s.data.joinedRooms.has(roomId)) {
      if (!this.directory.addSocket(roomId, user.id, s.id)) {
        throw new BaselineError(ErrorCode.ROOM_FULL, `Room ${roomId} is full`);
      }
      s.data.joinedRooms.add(roomId);
      await s.join(channel(roomId));
      if (s.disconnected) {
        this.#leave(s, roomId);
        throw new BaselineError(ErrorCode.NOT_IN_ROOM, 'Disconnected while joining');
      }
      // Unbatched, one delta per join: this server is the media baseline, not a signaling one.
      this.#announce(roomId, [{ userId: user.id, username: user.username, role: 'speaker' }], []);
    }
    const { room } = await this.#media.addPeer(roomId, s.id, user.id);
    if (!s.data.joinedRooms.has(roomId)) {
      // Left (or disconnected) while the router was being created.
      this.#media.removePeer(roomId, s.id);
      throw new BaselineError(ErrorCode.NOT_IN_ROOM, 'Left the room while joining');
    }
    return {
      room: this.directory.room(roomId),
      // The whole list in one page (no loadParticipants here).
      participants: this.directory.participants(roomId),
      participantsCursor: null,
      routerRtpCapabilities: room.router.rtpCapabilities as JoinRoomData['routerRtpCapabilities'],
      producers: this.#media.producersOf(room, s.id),
    };
  }

  #leave(s: BaselineSocket, roomId: number): void {
    s.data.joinedRooms.delete(roomId);
    void s.leave(channel(roomId));
    this.#media.removePeer(roomId, s.id);
    if (this.directory.removeSocket(roomId, s.data.user.id, s.id)) {
      this.#announce(roomId, [], [s.data.user.id]);
    }
  }

  /** Tells the room who came or went: a delta, or (old design) the whole list again. */
  #announce(roomId: number, joined: Participant[], left: number[]): void {
    if (this.roster === 'delta') {
      this.io.to(channel(roomId)).emit('participantsDelta', { roomId, joined, left, changed: [] });
      return;
    }
    // Protocol 1.x's participantsUpdate, no longer in @minimeet/shared: emitted untyped.
    const emit = this.io.to(channel(roomId)).emit as (event: string, payload: unknown) => boolean;
    emit.call(this.io.to(channel(roomId)), 'participantsUpdate', {
      roomId,
      participants: this.directory.participants(roomId),
    });
  }
}

/** Registers a handler that validates nothing itself: `work` parses the raw payload; the ack is always answered. */
function on<E extends ClientEventName>(
  socket: BaselineSocket,
  event: E,
  work: (raw: unknown) => Promise<ResponseOf<E>>,
): void {
  const listener = (raw: unknown, ack: unknown) => {
    void toAck(event, () => work(raw)).then((answer) => {
      if (typeof ack === 'function') (ack as (a: unknown) => void)(answer);
    });
  };
  (socket.on as (ev: string, l: (raw: unknown, ack: unknown) => void) => void)(event, listener);
}

function notFound(code: 'TRANSPORT_NOT_FOUND' | 'PRODUCER_NOT_FOUND' | 'CONSUMER_NOT_FOUND', what: string) {
  return new BaselineError(ErrorCode[code], `Not one of your ${what}`);
}

async function mediaStats(
  roomId: number,
  peer: Peer,
  dump: { transportIds: string[]; mapProducerIdConsumerIds: unknown[]; mapConsumerIdProducerId: unknown[] },
  peers: number,
): Promise<MediaStatsData> {
  const sum = (stats: Array<{ packetCount: number; byteCount: number }>) => ({
    packetCount: stats.reduce((n, x) => n + x.packetCount, 0),
    byteCount: stats.reduce((n, x) => n + x.byteCount, 0),
  });
  return {
    roomId,
    producers: await Promise.all(
      [...peer.producers.values()].map(async ({ producer, source }) => ({
        producerId: producer.id,
        kind: producer.kind,
        source,
        paused: producer.paused,
        ...sum(await producer.getStats().catch(() => [])),
      })),
    ),
    consumers: await Promise.all(
      [...peer.consumers.values()].map(async (c) => ({
        consumerId: c.id,
        producerId: c.producerId,
        kind: c.kind,
        paused: c.paused,
        producerPaused: c.producerPaused,
        ...sum((await c.getStats().catch(() => [])).filter((x) => x.type === 'outbound-rtp')),
      })),
    ),
    room: {
      peers,
      transports: dump.transportIds.length,
      producers: dump.mapProducerIdConsumerIds.length,
      consumers: dump.mapConsumerIdProducerId.length,
    },
  };
}

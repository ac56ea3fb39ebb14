/**
 * A MiniMeet participant in Node: REST login, Socket.IO signaling over the shared contract, and
 * real ICE + DTLS + SRTP through mediasoup-client's stock Chrome111 handler on werift's WebRTC
 * polyfill (see ../STACK.md). The call protocol is the browser's own (@minimeet/media-session);
 * this adds what is Node's: the socket, looped pre-encoded VP8 + Opus, and RTP counters.
 */
import { EventEmitter } from 'node:events';
import {
  rawRequestOverSocket,
  requestOverSocket,
  SignalingError,
  socketIoSignaling,
  type ConsumerEntry,
  type MediaSession,
  type SignalingSocket,
} from '@minimeet/media-session';
import {
  ErrorCode,
  socketHandshakeAuth,
  type Ack,
  type AuthResponse,
  type ClientEventName,
  type MediaSource,
  type ParticipantRole,
  type RequestOf,
  type ResponseOf,
  type ServerDrainingEvent,
} from '@minimeet/shared';
import { io } from 'socket.io-client';
import { resolveAccessToken } from './auth.js';
import { ClipPlayer, loadClips } from './clip-media.js';
import { ClipTracks } from './clip-tracks.js';
import { selectedIcePaths, type IcePath } from './ice-path.js';
import { ReceivedStreams, type ReceivedStream, type SessionProducer } from './received-streams.js';
import type { PeerEvents, PeerOptions } from './peer-options.js';
import { joinedMedia, nodeMediaSession } from './node-session.js';
import { forceReconnect, retargetSocket, unavailableRetryMs } from './server-move.js';
import { installWeriftGlobals } from './werift-globals.js';

export type PeerSocket = SignalingSocket;
export type { JoinRoomData } from '@minimeet/shared';

/** How long a request waits for its answer. */
const REQUEST_TIMEOUT_MS = 10_000;

export class MiniMeetPeer extends EventEmitter<PeerEvents> {
  socket!: PeerSocket;
  user!: AuthResponse['user'];
  readonly player = new ClipPlayer(loadClips());
  /** Milestones of start(), Date.now() values (0 = not reached). */
  readonly timings = { connectedAt: 0, joinSentAt: 0, joinAckAt: 0, mediaReadyAt: 0 };
  mediaResets = 0;
  reconnects = 0;
  iceRestarts = 0;
  /** serverDraining events received (the node it was on stopped; it moved). */
  drains = 0;
  /** Our role in the call ('attendee' in a webinar: receive only until a host brings us on stage). */
  role: ParticipantRole = 'speaker';
  /** The server URL the socket is on now (another node's after a move). */
  currentUrl: string;
  private session: MediaSession | undefined;
  private readonly received: ReceivedStreams;
  private readonly clips = new ClipTracks(this.player);
  private joined = false;
  private closed = false;
  private readonly log: (m: string) => void;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(readonly options: PeerOptions) {
    super();
    this.currentUrl = options.url;
    this.log = options.log ?? (() => undefined);
    this.received = new ReceivedStreams({
      opened: (stream) => this.emit('stream', stream),
      closed: (stream) => this.emit('streamClosed', stream),
      status: (status, error) => this.log(`media ${status}${error ? `: ${error}` : ''}`),
      producerCreated: (source, producer) => this.clips.producerCreated(source, producer),
      // werift ignores disabled encodings: the player stops the camera itself, as a browser would.
      layersWanted: (source, maxSpatialLayer) => {
        if (source === 'camera') this.player.videoWanted = maxSpatialLayer !== null;
      },
      iceRestarted: () => this.iceRestarts++,
    });
    // Avoid unhandled 'error' events crashing the process: report through the log.
    this.on('error', (err) => this.log(`error: ${err.message}`));
  }

  get device() {
    return this.session?.device ?? undefined;
  }
  get sendTransport() {
    return this.session?.sendTransport ?? undefined;
  }
  get recvTransport() {
    return this.session?.recvTransport ?? undefined;
  }
  /** Own producers by source. */
  get producers(): ReadonlyMap<MediaSource, SessionProducer> {
    return this.session?.producers ?? new Map();
  }
  /** Consumers by producer id. */
  get consumers(): ReadonlyMap<string, ConsumerEntry> {
    return this.session?.consumers ?? new Map();
  }
  /** Every stream ever consumed (closed ones included), for counting. */
  get streams(): ReceivedStream[] {
    return this.received.all;
  }

  /** Logs in, connects, joins the room, sends media and consumes everyone else's. */
  async start(): Promise<void> {
    const { url } = this.options;
    const { accessToken, user } = await resolveAccessToken(this.options);
    if (user) this.user = user;
    installWeriftGlobals();
    this.socket = io(url, {
      auth: socketHandshakeAuth(accessToken),
      transports: ['websocket'],
      reconnection: this.options.reconnection ?? true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      forceNew: true,
    });
    const events = socketIoSignaling(this.socket, { timeoutMs: REQUEST_TIMEOUT_MS });
    const session = (this.session = nodeMediaSession(this.options, {
      // Unknown with a bare token: the server does not announce our own producers to us anyway.
      selfId: this.user?.id ?? -1,
      sink: this.received,
      // Requests through this.request: a subclass that alters one (a test) alters the session's too.
      signaling: { request: (event, payload) => this.request(event, payload), on: events.on },
      warn: (message) => this.emit('error', new Error(message)),
    }));
    // Before the peer's own listeners: when the peer reports producerClosed, the stream is closed.
    session.listen();
    this.wireSocket();
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
    this.timings.connectedAt = Date.now();
    this.timings.joinSentAt = Date.now();
    const data = await this.request('joinRoom', { roomId: this.options.roomId });
    this.timings.joinAckAt = Date.now();
    for (const p of data.producers ?? []) this.received.announced(p.producerId, this.timings.joinAckAt);
    this.joined = true;
    this.role = data.role ?? 'speaker';
    // An attendee's sources wait, wanted, until it is brought on stage.
    if (this.role === 'attendee') void session.setCanSend(false);
    if (this.options.audio ?? true) void session.setSource('mic', this.clips.add('mic'));
    if (this.options.video ?? true) void session.setSource('camera', this.clips.add('camera'));
    await session.start(joinedMedia(data));
    if ((session.canSend && !session.sendTransport) || !session.recvTransport)
      throw new Error('media setup failed (see the log)');
    this.player.start();
    this.timings.mediaReadyAt = Date.now();
    this.emit('mediaReady');
  }

  /** Sends a request and unwraps its Ack (throws SignalingError on refusal). */
  request<E extends ClientEventName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    return requestOverSocket(this.socket, event, payload, REQUEST_TIMEOUT_MS);
  }

  /** Sends anything (tests of hostile payloads) and returns the raw Ack. */
  rawRequest(event: string, payload: unknown, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Ack<unknown>> {
    return rawRequestOverSocket(this.socket, event, payload, timeoutMs);
  }

  // ---- controls (through the session, as the browser's toggles; a mediaReset restores the sources) ----

  pauseProducer(source: MediaSource): Promise<void> {
    this.requireProducer(source);
    return this.session!.setSource(source, this.clips.trackOf(source), true);
  }

  resumeProducer(source: MediaSource): Promise<void> {
    this.requireProducer(source);
    return this.session!.setSource(source, this.clips.trackOf(source), false);
  }

  closeProducer(source: MediaSource): Promise<void> {
    this.requireProducer(source);
    return this.session!.setSource(source, null);
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.request('pauseConsumer', { consumerId });
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.request('resumeConsumer', { consumerId });
  }

  /** Open streams received from `userId` (or all). */
  openStreams(userId?: number): ReceivedStream[] {
    return this.received.openStreams(userId);
  }

  /** Received packets per `${userId}:${kind}` over open streams. */
  packetCounts(): Record<string, number> {
    return this.received.packetCounts();
  }

  /** The ICE path each transport uses now (see ice-path.ts). */
  selectedIcePaths(): Promise<Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }>> {
    return selectedIcePaths([this.sendTransport, this.recvTransport]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.player.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.session?.close();
    this.socket?.disconnect();
    this.removeAllListeners();
  }

  // ---- internals ----

  private requireProducer(source: MediaSource): SessionProducer {
    const p = this.producers.get(source);
    if (!p) throw new Error(`no ${source} producer`);
    return p;
  }

  private wireSocket(): void {
    const s = this.socket;
    const inRoom = (roomId: number) => roomId === this.options.roomId;
    s.on('producerClosed', ({ producerId }) => this.emit('producerClosed', { producerId }));
    s.on('producerPaused', ({ producerId }) => this.emit('producerPaused', { producerId }));
    s.on('producerResumed', ({ producerId }) => this.emit('producerResumed', { producerId }));
    s.on('moderatorMuted', ({ roomId, source }) => {
      // The server paused the producer already; the local state follows, as in the browser.
      if (!inRoom(roomId)) return;
      this.session?.sourcePausedByServer(source);
      void this.session?.setSource(source, this.clips.trackOf(source), true);
    });
    s.on('mediaReset', ({ roomId, reason }) => {
      if (!inRoom(roomId)) return;
      this.mediaResets++;
      this.log(`mediaReset (${reason}): rebuilding media`);
      // The rebuilt media sends every configured source again, closed or paused before or not.
      for (const [source, track] of this.clips.all()) void this.session?.setSource(source, track);
      this.emit('mediaReset', { reason });
    });
    s.on('participantsDelta', ({ roomId, changed }) => {
      const mine = inRoom(roomId) ? changed?.find((p) => p.userId === this.user?.id) : undefined;
      if (!mine || mine.role === this.role) return;
      this.role = mine.role;
      // On stage: the wanted sources are produced. Sent back: the server closed our producers.
      void this.session?.setCanSend(mine.role !== 'attendee');
      this.emit('roleChanged', { role: mine.role });
    });
    s.on('serverDraining', (event) => this.moveOnDrain(event));
    s.on('connect_error', (err) => {
      // A draining node refuses new sockets: try again when it says (the Manager will not).
      // (Before the first join, start() reports the refusal instead.)
      const retryMs = unavailableRetryMs(err);
      if (retryMs === undefined || this.closed || !this.joined) return;
      this.later(retryMs, () => {
        if (!s.connected) s.connect();
      });
    });
    s.io.on('reconnect', () => {
      if (!this.joined || this.closed) return;
      this.reconnects++;
      this.rejoin().catch((err: unknown) => {
        if (this.closed) return;
        // Reached a node that began draining meanwhile: go again when it says.
        if (err instanceof SignalingError && err.code === ErrorCode.UNAVAILABLE) {
          this.later(err.wire.details?.retryAfterMs ?? 1000, () => forceReconnect(this.socket));
          return;
        }
        this.emit('error', err instanceof Error ? err : new Error(String(err)));
      });
    });
  }

  /**
   * The node is stopping: after the delay it asks for (spread across its clients), reconnect —
   * to the node it names, else the same URL (a load balancer's) — and rejoin as after any
   * reconnect, so the media session resumes or rebuilds on the new node.
   */
  private moveOnDrain({ reconnectInMs, alternativeUrl }: ServerDrainingEvent): void {
    if (this.closed) return;
    this.drains++;
    this.log(`serverDraining: moving to ${alternativeUrl ?? 'the same URL'} in ${reconnectInMs} ms`);
    this.emit('serverDraining', { reconnectInMs, ...(alternativeUrl ? { alternativeUrl } : {}) });
    this.later(reconnectInMs, () => {
      if (alternativeUrl) {
        retargetSocket(this.socket, alternativeUrl);
        this.currentUrl = alternativeUrl;
      }
      forceReconnect(this.socket);
    });
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) run();
    }, ms);
    this.timers.add(timer);
  }

  /** After a socket reconnect: join again; the session restarts ICE on kept transports or rebuilds. */
  private async rejoin(): Promise<void> {
    const session = this.session!;
    const sendBefore = session.sendTransport;
    session.markResync();
    const data = await this.request('joinRoom', { roomId: this.options.roomId });
    await session.reconnect(joinedMedia(data));
    const resumed = !!sendBefore && session.sendTransport === sendBefore;
    this.log(resumed ? 'reconnected: ICE restarted, media kept' : 'reconnected: media rebuilt');
    this.emit('reconnected', { resumed });
  }
}

/**
 * A MiniMeet participant in Node: REST login, Socket.IO signaling over the shared contract, and
 * real ICE + DTLS + SRTP through mediasoup-client's stock Chrome111 handler on werift's
 * WebRTC polyfill (see ../STACK.md). Sends looped pre-encoded VP8 + Opus, consumes every other
 * producer and counts what it receives per stream. Survives a socket reconnect (restartIce,
 * producers kept) and a server-side media reset (rejoins media on its own).
 */
import { EventEmitter } from 'node:events';
import {
  type Ack,
  type AuthResponse,
  type ClientEventName,
  type ClientToServerEvents,
  type ConsumeData,
  type JoinRoomData,
  type MediaSource,
  type RemoteProducer,
  type RequestOf,
  type ResponseOf,
  type RtpCapabilities,
  type ServerToClientEvents,
  type WireError,
} from '@minimeet/shared';
import { Device, type types as msc } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import { MediaStreamTrack as WeriftTrack } from 'werift';
import { installPolyfill } from 'werift/polyfill';
import { ClipPlayer, loadClips } from './clip-media.js';
import { RtpSequenceTracker } from './rtp-sequence.js';

export type PeerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class SignalingError extends Error {
  override name = 'SignalingError';
  constructor(
    readonly event: string,
    readonly wire: WireError,
  ) {
    super(`${event}: ${wire.code} ${wire.message}`);
  }
  get code(): string {
    return this.wire.code;
  }
}

let polyfilled = false;
/** werift's RTCPeerConnection & co. as browser globals; once per process, before any Device. */
export function installWeriftGlobals(): void {
  if (polyfilled) return;
  installPolyfill({
    mediaRegister: [],
    // werift skips loopback when gathering; the SFU may listen on 127.0.0.1 only.
    peerConnectionConfig: { iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false },
  });
  polyfilled = true;
}

/** Logs in (or registers when the user does not exist yet). */
export async function authenticate(url: string, username: string, password: string): Promise<AuthResponse> {
  const post = (path: string) =>
    fetch(`${url}/api/auth/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  let res = await post('login');
  if (res.status === 401) res = await post('register');
  if (!res.ok) throw new Error(`auth failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as AuthResponse;
}

/** One consumed remote stream and what arrived on it. */
export interface ReceivedStream {
  consumerId: string;
  producerId: string;
  userId: number;
  kind: 'audio' | 'video';
  source: MediaSource;
  packets: number;
  bytes: number;
  /** Date.now() of the last packet (0 = none yet). */
  lastPacketAt: number;
  /** Date.now() of the first packet (0 = none yet). */
  firstPacketAt: number;
  /** Date.now() when this peer learned of the producer (joinRoom answer or newProducer). */
  announcedAt: number;
  /** RTP sequence accounting: expected / received / lost / duplicates. */
  sequence: RtpSequenceTracker;
  producerPaused: boolean;
  closed: boolean;
}

export interface PeerOptions {
  url: string;
  roomId: number;
  /** A token, or username + password (registered if unknown). */
  token?: string;
  username?: string;
  password?: string;
  /** What to send (default both). */
  audio?: boolean;
  video?: boolean;
  /** Consume the other participants' producers (default true; false: a send-only peer). */
  consume?: boolean;
  /**
   * Also gather ICE-TCP (active) candidates, as browsers do; werift only gathers UDP by default.
   * Needed where UDP is blocked and media must reach the SFU's TCP port.
   */
  iceTcp?: boolean;
  /** Socket.IO reconnection (default true). */
  reconnection?: boolean;
  log?: (message: string) => void;
}

export interface PeerEvents {
  mediaReady: [];
  mediaReset: [{ reason: string }];
  reconnected: [{ resumed: boolean }];
  stream: [ReceivedStream];
  streamClosed: [ReceivedStream];
  producerPaused: [{ producerId: string }];
  producerResumed: [{ producerId: string }];
  producerClosed: [{ producerId: string }];
  error: [Error];
}

interface RtpSenderLike {
  onPictureLossIndication: { subscribe(cb: () => void): unknown };
}

export class MiniMeetPeer extends EventEmitter<PeerEvents> {
  socket!: PeerSocket;
  user!: AuthResponse['user'];
  device: Device | undefined;
  sendTransport: msc.Transport | undefined;
  recvTransport: msc.Transport | undefined;
  readonly producers = new Map<MediaSource, msc.Producer>();
  readonly consumers = new Map<string, { consumer: msc.Consumer; stream: ReceivedStream }>();
  /** Every stream ever consumed (closed ones included), for counting. */
  readonly streams: ReceivedStream[] = [];
  /** Remote producers known to exist (consumed or about to be). */
  readonly remoteProducers = new Map<string, RemoteProducer>();
  readonly player = new ClipPlayer(loadClips());
  /** Milestones of start(), Date.now() values (0 = not reached). */
  readonly timings = { connectedAt: 0, joinSentAt: 0, joinAckAt: 0, mediaReadyAt: 0 };
  mediaResets = 0;
  reconnects = 0;
  iceRestarts = 0;
  private chain: Promise<void> = Promise.resolve();
  /** Bumped on every media (re)build: work queued for an older one is dropped. */
  private generation = 0;
  private joined = false;
  private closed = false;
  /** When each remote producer was first announced to us (for first-RTP latency). */
  private readonly announcedAt = new Map<string, number>();
  private readonly log: (m: string) => void;

  constructor(readonly options: PeerOptions) {
    super();
    this.log = options.log ?? (() => undefined);
    // Avoid unhandled 'error' events crashing the process: report through the log.
    this.on('error', (err) => this.log(`error: ${err.message}`));
  }

  /** Logs in, connects, joins the room, sends media and consumes everyone else's. */
  async start(): Promise<void> {
    const { url, token, username, password } = this.options;
    let accessToken = token;
    if (!accessToken) {
      if (!username || !password) throw new Error('token or username + password required');
      const auth = await authenticate(url, username, password);
      accessToken = auth.accessToken;
      this.user = auth.user;
    }
    installWeriftGlobals();
    this.socket = io(url, {
      auth: { token: accessToken },
      transports: ['websocket'],
      reconnection: this.options.reconnection ?? true,
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      forceNew: true,
    });
    this.wireSocket();
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (err) => reject(err));
    });
    this.timings.connectedAt = Date.now();
    this.timings.joinSentAt = Date.now();
    const data = await this.request('joinRoom', { roomId: this.options.roomId });
    this.timings.joinAckAt = Date.now();
    for (const p of data.producers ?? []) this.announcedAt.set(p.producerId, this.timings.joinAckAt);
    this.joined = true;
    await this.enqueue(() => this.buildMedia(data.routerRtpCapabilities, data.producers ?? []));
    this.timings.mediaReadyAt = Date.now();
    this.emit('mediaReady');
  }

  /** Sends a request and unwraps its Ack (throws SignalingError on refusal). */
  async request<E extends ClientEventName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    const ack = await this.rawRequest(event, payload);
    if (!ack.ok) throw new SignalingError(event, ack.error);
    return ack.data as ResponseOf<E>;
  }

  /** Sends anything (tests of hostile payloads) and returns the raw Ack. */
  rawRequest(event: string, payload: unknown, timeoutMs = 10_000): Promise<Ack<unknown>> {
    const untyped = this.socket as unknown as {
      timeout(ms: number): { emitWithAck(ev: string, p: unknown): Promise<unknown> };
    };
    return untyped.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<unknown>>;
  }

  // ---- controls ----

  async pauseProducer(source: MediaSource): Promise<void> {
    const p = this.requireProducer(source);
    await this.request('pauseProducer', { producerId: p.id });
    p.pause();
  }

  async resumeProducer(source: MediaSource): Promise<void> {
    const p = this.requireProducer(source);
    await this.request('resumeProducer', { producerId: p.id });
    p.resume();
  }

  async closeProducer(source: MediaSource): Promise<void> {
    const p = this.requireProducer(source);
    await this.request('closeProducer', { producerId: p.id });
    p.close();
    this.producers.delete(source);
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.request('pauseConsumer', { consumerId });
  }

  async resumeConsumer(consumerId: string): Promise<void> {
    await this.request('resumeConsumer', { consumerId });
  }

  /** Open streams received from `userId` (or all). */
  openStreams(userId?: number): ReceivedStream[] {
    return [...this.consumers.values()]
      .map((c) => c.stream)
      .filter((s) => userId === undefined || s.userId === userId);
  }

  /** Received packets per `${userId}:${kind}` over open streams. */
  packetCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.openStreams())
      out[`${s.userId}:${s.kind}`] = (out[`${s.userId}:${s.kind}`] ?? 0) + s.packets;
    return out;
  }

  /**
   * The ICE path each transport uses now, from its getStats(): the selected candidate pair's
   * local candidate type (host / srflx / relay) and protocol. Undefined until one is selected.
   */
  async selectedIcePaths(): Promise<Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }>> {
    const out: Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }> = [];
    for (const t of [this.sendTransport, this.recvTransport]) {
      if (t) out.push({ direction: t.direction, path: selectedPath(await t.getStats()) });
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.player.stop();
    this.teardownMedia();
    this.socket?.disconnect();
    this.removeAllListeners();
  }

  // ---- internals ----

  private requireProducer(source: MediaSource): msc.Producer {
    const p = this.producers.get(source);
    if (!p) throw new Error(`no ${source} producer`);
    return p;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch((err: unknown) => {
      if (!this.closed) this.emit('error', err instanceof Error ? err : new Error(String(err)));
    });
    return run;
  }

  private wireSocket(): void {
    const s = this.socket;
    s.on('newProducer', (p) => {
      if (p.roomId !== this.options.roomId) return;
      if (!this.announcedAt.has(p.producerId)) this.announcedAt.set(p.producerId, Date.now());
      this.remoteProducers.set(p.producerId, p);
      const gen = this.generation;
      void this.enqueue(() => this.consumeProducer(p, gen));
    });
    s.on('producerClosed', ({ producerId }) => {
      this.remoteProducers.delete(producerId);
      for (const [, c] of this.consumers)
        if (c.stream.producerId === producerId) this.dropConsumer(c.stream.consumerId);
      this.emit('producerClosed', { producerId });
    });
    s.on('consumerClosed', ({ consumerId }) => this.dropConsumer(consumerId));
    s.on('producerPaused', ({ producerId }) => {
      for (const c of this.consumers.values())
        if (c.stream.producerId === producerId) c.stream.producerPaused = true;
      this.emit('producerPaused', { producerId });
    });
    s.on('producerResumed', ({ producerId }) => {
      for (const c of this.consumers.values())
        if (c.stream.producerId === producerId) c.stream.producerPaused = false;
      this.emit('producerResumed', { producerId });
    });
    s.on('mediaReset', ({ roomId, reason, routerRtpCapabilities, producers }) => {
      if (roomId !== this.options.roomId) return;
      this.mediaResets++;
      this.log(`mediaReset (${reason}): rebuilding media`);
      this.generation++;
      this.teardownMedia();
      // The reset lists every producer of the new router; older announcements are void.
      this.remoteProducers.clear();
      this.emit('mediaReset', { reason });
      void this.enqueue(() => this.buildMedia(routerRtpCapabilities, producers));
    });
    s.io.on('reconnect', () => {
      if (!this.joined || this.closed) return;
      this.reconnects++;
      void this.enqueue(() => this.rejoin());
    });
  }

  /** After a socket reconnect: join again; restart ICE on kept transports or rebuild. */
  private async rejoin(): Promise<void> {
    const data = await this.request('joinRoom', { roomId: this.options.roomId });
    const kept = data.resumedMedia;
    const ours = [this.sendTransport, this.recvTransport].filter((t): t is msc.Transport => !!t);
    if (kept && ours.length && ours.every((t) => kept.transportIds.includes(t.id))) {
      for (const t of ours) {
        // werift (measured): an ICE restart on the offering side (our send transport) stops its
        // outgoing media, while a healthy UDP path needs no restart after a signaling-only drop.
        // So the send transport restarts only when ICE actually broke; the recv one always does.
        if (t.direction === 'send' && t.connectionState === 'connected') continue;
        const { iceParameters, iceServers } = await this.request('restartIce', { transportId: t.id });
        if (iceServers?.length) await t.updateIceServers({ iceServers });
        await t.restartIce({ iceParameters: iceParameters as msc.IceParameters });
        this.iceRestarts++;
      }
      // Consumers closed while we were away are reported by id; drop those not kept.
      for (const id of [...this.consumers.keys()]) if (!kept.consumerIds.includes(id)) this.dropConsumer(id);
      const gen = this.generation;
      for (const p of data.producers ?? []) {
        this.remoteProducers.set(p.producerId, p);
        await this.consumeProducer(p, gen);
      }
      this.log('reconnected: ICE restarted, media kept');
      this.emit('reconnected', { resumed: true });
      return;
    }
    this.generation++;
    this.teardownMedia();
    this.remoteProducers.clear();
    await this.buildMedia(data.routerRtpCapabilities!, data.producers ?? []);
    this.emit('reconnected', { resumed: false });
  }

  private teardownMedia(): void {
    for (const id of [...this.consumers.keys()]) this.dropConsumer(id);
    this.producers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    this.player.video = undefined;
    this.player.audio = undefined;
  }

  private async buildMedia(caps: RtpCapabilities | undefined, producers: RemoteProducer[]): Promise<void> {
    if (!caps) throw new Error('joinRoom answer has no routerRtpCapabilities (media disabled?)');
    const gen = this.generation;
    const device = new Device({ handlerName: 'Chrome111' });
    await device.load({ routerRtpCapabilities: caps as msc.RtpCapabilities });
    this.device = device;
    const roomId = this.options.roomId;

    const sendInfo = await this.request('createWebRtcTransport', { roomId, direction: 'send' });
    const send = device.createSendTransport(transportOptions(sendInfo, this.options.iceTcp));
    this.wireTransport(send);
    send.on('produce', ({ kind, rtpParameters, appData }, cb, eb) => {
      this.request('produce', {
        transportId: send.id,
        kind,
        rtpParameters: rtpParameters as RequestOf<'produce'>['rtpParameters'],
        source: appData.source as MediaSource,
      }).then(({ producerId }) => cb({ id: producerId }), eb);
    });
    this.sendTransport = send;

    const recvInfo = await this.request('createWebRtcTransport', { roomId, direction: 'recv' });
    const recv = device.createRecvTransport(transportOptions(recvInfo, this.options.iceTcp));
    this.wireTransport(recv);
    this.recvTransport = recv;

    if (this.options.audio ?? true) {
      const track = new WeriftTrack({ kind: 'audio' });
      const p = await send.produce({
        track: track as unknown as MediaStreamTrack,
        stopTracks: false,
        appData: { source: 'mic' },
      });
      this.producers.set('mic', p);
      this.player.audio = track;
    }
    if (this.options.video ?? true) {
      const track = new WeriftTrack({ kind: 'video' });
      const p = await send.produce({
        track: track as unknown as MediaStreamTrack,
        stopTracks: false,
        appData: { source: 'camera' },
      });
      this.producers.set('camera', p);
      // mediasoup sends PLI when a consumer starts or resumes: answer with a keyframe.
      (p.rtpSender as unknown as RtpSenderLike).onPictureLossIndication.subscribe(() =>
        this.player.requestKeyframe(),
      );
      this.player.video = track;
    }
    this.player.start();
    for (const p of producers) this.remoteProducers.set(p.producerId, p);
    // Also those announced by newProducer while this was being built (e.g. before the joinRoom
    // ack arrived): their consume was skipped then for lack of a recv transport.
    for (const p of [...this.remoteProducers.values()]) await this.consumeProducer(p, gen);
  }

  private wireTransport(t: msc.Transport): void {
    t.on('connect', ({ dtlsParameters }, cb, eb) => {
      this.request('connectWebRtcTransport', {
        transportId: t.id,
        dtlsParameters: dtlsParameters as RequestOf<'connectWebRtcTransport'>['dtlsParameters'],
      }).then(() => cb(), eb);
    });
    t.on('connectionstatechange', (state) => this.log(`${t.direction} transport ${state}`));
  }

  private async consumeProducer(p: RemoteProducer, gen: number): Promise<void> {
    if (gen !== this.generation || this.closed || this.options.consume === false) return;
    if (!this.recvTransport || !this.device || !this.remoteProducers.has(p.producerId)) return;
    for (const c of this.consumers.values()) if (c.stream.producerId === p.producerId) return;
    let info: ConsumeData;
    try {
      info = await this.request('consume', {
        transportId: this.recvTransport.id,
        producerId: p.producerId,
        rtpCapabilities: this.device.rtpCapabilities as RtpCapabilities,
      });
    } catch (err) {
      // The producer may have closed meanwhile; that is not an error of this peer.
      if (err instanceof SignalingError && err.code === 'PRODUCER_NOT_FOUND') return;
      throw err;
    }
    if (gen !== this.generation || !this.recvTransport) return;
    const consumer = await this.recvTransport.consume({
      id: info.consumerId,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as msc.RtpParameters,
    });
    const stream: ReceivedStream = {
      consumerId: info.consumerId,
      producerId: info.producerId,
      userId: info.userId,
      kind: info.kind,
      source: info.source,
      packets: 0,
      bytes: 0,
      lastPacketAt: 0,
      firstPacketAt: 0,
      announcedAt: this.announcedAt.get(info.producerId) ?? Date.now(),
      sequence: new RtpSequenceTracker(),
      producerPaused: info.producerPaused,
      closed: false,
    };
    (consumer.track as unknown as WeriftTrack).onReceiveRtp.subscribe((rtp) => {
      const now = Date.now();
      if (!stream.firstPacketAt) stream.firstPacketAt = now;
      stream.packets++;
      stream.bytes += rtp.serializeSize;
      stream.lastPacketAt = now;
      stream.sequence.record(rtp.header.sequenceNumber);
    });
    this.consumers.set(info.consumerId, { consumer, stream });
    this.streams.push(stream);
    this.emit('stream', stream);
    await this.request('resumeConsumer', { consumerId: info.consumerId });
  }

  private dropConsumer(consumerId: string): void {
    const c = this.consumers.get(consumerId);
    if (!c) return;
    this.consumers.delete(consumerId);
    c.stream.closed = true;
    c.consumer.close();
    this.emit('streamClosed', c.stream);
  }
}

export type { JoinRoomData };

export interface IcePath {
  localType: string;
  protocol: string;
  remoteAddress: string;
  remotePort: number;
}

type StatsEntry = Record<string, unknown> & { id: string; type: string };

function selectedPath(report: RTCStatsReport): IcePath | undefined {
  const byId = new Map<string, StatsEntry>();
  report.forEach((s: StatsEntry) => byId.set(s.id, s));
  const entries = [...byId.values()];
  const viaTransport = entries.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair =
    (viaTransport && byId.get(String(viaTransport.selectedCandidatePairId))) ||
    entries.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  if (!pair) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (!local || !remote) return undefined;
  return {
    localType: String(local.candidateType),
    protocol: String(local.protocol),
    remoteAddress: String(remote.address),
    remotePort: Number(remote.port),
  };
}

/** The server's transport description as mediasoup-client options (structural contract types → its own). */
function transportOptions(info: ResponseOf<'createWebRtcTransport'>, iceTcp = false): msc.TransportOptions {
  return {
    id: info.id,
    iceParameters: info.iceParameters as msc.IceParameters,
    iceCandidates: info.iceCandidates as msc.IceCandidate[],
    dtlsParameters: info.dtlsParameters as msc.DtlsParameters,
    // werift takes TURN (udp/tcp) and the relay policy like a browser (RTCPeerConnection config).
    iceServers: info.iceServers ?? [],
    iceTransportPolicy: info.iceTransportPolicy ?? 'all',
    // werift-only RTCPeerConnection option, passed through mediasoup-client's additionalSettings.
    ...(iceTcp ? { additionalSettings: { iceUseTcp: true } as Partial<RTCConfiguration> } : {}),
  };
}

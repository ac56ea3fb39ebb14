/**
 * A receive-only MiniMeet participant that costs little CPU: it speaks the same Socket.IO
 * contract as every client (joinRoom, createWebRtcTransport, connectWebRtcTransport, consume,
 * resumeConsumer, leaveRoom; newProducer & co.), receives everything, and on the media path does
 * only ICE (ice-lite-client.ts), the DTLS client handshake (dtls-client-link.ts) and reads the
 * clear RTP header of each SRTP packet (rtp-header.ts): no decryption, no depacketizing, no
 * jitter buffer, no RTCP sent. Per consumer it reports the full peer's ReceivedStream shape
 * (packets, bytes, sequence loss, first-packet time), so benches can swap one for the other.
 *
 * Why not @minimeet/media-session: the session drives a mediasoup-client Device, which needs a
 * WebRTC handler with real tracks (werift's RTCPeerConnection is exactly the cost avoided
 * here); a fake handler would be a second implementation of mediasoup-client's internals.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { EventEmitter } from 'node:events';
import {
  joinMediaOf,
  requestOverSocket,
  socketIoSignaling,
  type MediaSignaling,
  type SignalingSocket,
} from '@minimeet/media-session';
import {
  socketHandshakeAuth,
  type AuthResponse,
  type ClientEventName,
  type IceCandidate,
  type RemoteProducer,
  type RequestOf,
  type ResponseOf,
  type RtpCapabilities,
} from '@minimeet/shared';
import { io } from 'socket.io-client';
import { resolveAccessToken } from '../auth.js';
import type { ReceivedStream } from '../received-streams.js';
import { RtpSequenceTracker } from '../rtp-sequence.js';
import { DtlsClientLink, fingerprintsOf, lightCertificate } from './dtls-client-link.js';
import { IceLiteClient } from './ice-lite-client.js';
import { receiveOnlyCapabilities } from './receive-capabilities.js';
import { classifyPacket, readRtpHeader } from './rtp-header.js';

const REQUEST_TIMEOUT_MS = 10_000;
const LEAVE_TIMEOUT_MS = 2_000;

export interface LightReceiverOptions {
  url: string;
  roomId: number;
  /** A token, or username + password (registered if unknown). */
  token?: string;
  username?: string;
  password?: string;
  /** Consent freshness interval (default 5 s, RFC 7675). */
  consentIntervalMs?: number;
  /**
   * SO_RCVBUF of its UDP socket, bytes (default: the system's). Many receivers in one busy
   * process: a larger buffer rides out event-loop stalls instead of counting them as loss.
   */
  udpReceiveBufferBytes?: number;
  /**
   * Which video producers this receiver shows (e.g. a page of 4 tiles): only those are consumed.
   * Default: every one. Microphones follow the server's K loudest (`audibleProducers`).
   */
  showsVideo?: (producer: RemoteProducer) => boolean;
  log?: (message: string) => void;
}

export interface LightReceiverEvents {
  mediaReady: [];
  stream: [ReceivedStream];
  streamClosed: [ReceivedStream];
  error: [Error];
}

/** Datagrams that were not RTP of a known consumer. */
export interface LightReceiverCounters {
  rtcpPackets: number;
  /** RTP whose SSRC belongs to no open consumer (e.g. after its consumer closed). */
  unknownSsrcPackets: number;
  datagrams: number;
}

export class LightReceiver extends EventEmitter<LightReceiverEvents> {
  socket: SignalingSocket | undefined;
  user: AuthResponse['user'] | undefined;
  transportId: string | undefined;
  /** Milestones of start(), Date.now() values (0 = not reached); mediaReadyAt = DTLS connected. */
  readonly timings = { connectedAt: 0, joinSentAt: 0, joinAckAt: 0, mediaReadyAt: 0 };
  readonly counters: LightReceiverCounters = { rtcpPackets: 0, unknownSsrcPackets: 0, datagrams: 0 };
  /** Every stream ever consumed (closed ones included), for counting. */
  readonly streams: ReceivedStream[] = [];
  private signaling: MediaSignaling | undefined;
  private readonly open = new Map<string, ReceivedStream>();
  private readonly bySsrc = new Map<number, ReceivedStream>();
  /** Producers of the room we know of, with when we learned of them. */
  private readonly known = new Map<string, { producer: RemoteProducer; announcedAt: number }>();
  private capabilities: RtpCapabilities | undefined;
  /** The microphones the server lets us hear (its K loudest); null until it says. */
  private audible: Set<string> | null = null;
  /** Producers with a consume request in flight (asked once at a time). */
  private readonly consuming = new Set<string>();
  private udp: UdpSocket | undefined;
  private ice: IceLiteClient | undefined;
  private dtls: DtlsClientLink | undefined;
  private transportReady = false;
  private joined = false;
  private closed = false;
  private readonly closing = new AbortController();
  private readonly log: (m: string) => void;

  constructor(readonly options: LightReceiverOptions) {
    super();
    this.log = options.log ?? (() => undefined);
    this.on('error', (err) => this.log(`error: ${err.message}`));
  }

  /** Logs in, joins, connects the recv transport (ICE + DTLS) and consumes every producer. */
  async start(): Promise<void> {
    try {
      await this.startSteps();
    } catch (err) {
      // A step cut short by close() fails with whatever broke (a disconnected socket, a closed
      // UDP port); the caller asked to close, so say that instead.
      if (this.closed) throw new Error('light receiver closed while starting', { cause: err });
      throw err;
    }
  }

  private async startSteps(): Promise<void> {
    const { url } = this.options;
    const { accessToken, user } = await resolveAccessToken(this.options);
    if (user) this.user = user;
    this.stillOpen();
    const socket = (this.socket = io(url, {
      auth: socketHandshakeAuth(accessToken),
      transports: ['websocket'],
      // A light bot is measured as it joined; a reconnect would need ICE restart (not built).
      reconnection: false,
      forceNew: true,
    }) as SignalingSocket);
    const signaling = (this.signaling = socketIoSignaling(socket, { timeoutMs: REQUEST_TIMEOUT_MS }));
    this.listen(signaling);
    socket.on('disconnect', (reason) => {
      // Without reconnection the server closes our media: say so rather than go quiet.
      if (!this.closed && this.joined) this.emit('error', new Error(`signaling disconnected (${reason})`));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(err));
      // close() before the connection is up: no 'connect' will come.
      this.closing.signal.addEventListener('abort', () =>
        reject(new Error('light receiver closed while starting')),
      );
    });
    this.stillOpen();
    this.timings.connectedAt = this.timings.joinSentAt = Date.now();
    const data = await this.request('joinRoom', { roomId: this.options.roomId });
    this.timings.joinAckAt = Date.now();
    this.stillOpen();
    this.joined = true;
    const media = joinMediaOf(data);
    if (!media) throw new Error('joinRoom answer has no routerRtpCapabilities (media disabled?)');
    this.capabilities = receiveOnlyCapabilities(media.routerRtpCapabilities);
    for (const p of media.producers) this.announce(p, this.timings.joinAckAt);
    if (media.audibleProducers) this.setAudible(media.audibleProducers);

    const transport = await signaling.request('createWebRtcTransport', {
      roomId: this.options.roomId,
      direction: 'recv',
    });
    this.stillOpen();
    this.transportId = transport.id;
    const candidate = pickUdpCandidate(transport.iceCandidates);
    const cert = await lightCertificate();
    await signaling.request('connectWebRtcTransport', {
      transportId: transport.id,
      dtlsParameters: { role: 'client', fingerprints: fingerprintsOf(cert) },
    });
    this.stillOpen();
    this.transportReady = true;
    const udp = (this.udp = await openUdp(candidate, this.options.udpReceiveBufferBytes));
    // close() during the bind did not see this socket yet.
    if (this.closed) udp.close();
    this.stillOpen();
    const send = (buf: Buffer) => {
      if (!this.closed) udp.send(buf, candidate.port, candidate.address);
    };
    const ice = (this.ice = new IceLiteClient({
      send,
      remote: transport.iceParameters,
      ...(this.options.consentIntervalMs ? { consentIntervalMs: this.options.consentIntervalMs } : {}),
      onConsentLost: () => this.emit('error', new Error('ICE consent lost: the server stopped answering')),
    }));
    const dtls = (this.dtls = new DtlsClientLink(cert, send));
    udp.on('message', (buf) => this.onDatagram(buf));
    // Consumes go out while ICE and DTLS come up, as a browser's do.
    const consumes = Promise.all([...this.known.keys()].map((id) => this.consume(id)));
    await ice.connect();
    await dtls.connect();
    await consumes;
    this.timings.mediaReadyAt = Date.now();
    this.emit('mediaReady');
  }

  /** STUN binding requests sent to the server and answered (first checks and consent). */
  get iceStats(): { requestsSent: number; answers: number } {
    return { requestsSent: this.ice?.requestsSent ?? 0, answers: this.ice?.answers ?? 0 };
  }

  /** Open streams received from `userId` (or all). */
  openStreams(userId?: number): ReceivedStream[] {
    return [...this.open.values()].filter((s) => userId === undefined || s.userId === userId);
  }

  /** Received packets per `${userId}:${kind}` over open streams (as MiniMeetPeer.packetCounts). */
  packetCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.openStreams())
      out[`${s.userId}:${s.kind}`] = (out[`${s.userId}:${s.kind}`] ?? 0) + s.packets;
    return out;
  }

  /** Leaves the room (so the server closes the transport now, not after a grace period) and frees everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    const socket = this.socket;
    if (socket?.connected && this.joined) {
      await requestOverSocket(socket, 'leaveRoom', { roomId: this.options.roomId }, LEAVE_TIMEOUT_MS).catch(
        (err: unknown) => this.log(`leaveRoom failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    }
    socket?.disconnect();
    this.ice?.close();
    this.dtls?.close();
    await new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve()));
    for (const s of this.open.values()) s.closed = true;
    this.open.clear();
    this.bySsrc.clear();
    this.removeAllListeners();
  }

  // ---- internals ----

  /** Stops start() when close() was called meanwhile (a bot run stopping during the ramp). */
  private stillOpen(): void {
    if (this.closed) throw new Error('light receiver closed while starting');
  }

  private request<E extends ClientEventName>(event: E, payload: RequestOf<E>): Promise<ResponseOf<E>> {
    return requestOverSocket(this.socket!, event, payload, REQUEST_TIMEOUT_MS);
  }

  private listen(signaling: MediaSignaling): void {
    const inRoom = (roomId: number) => roomId === this.options.roomId;
    signaling.on('newProducer', (p) => {
      if (!inRoom(p.roomId) || p.userId === this.user?.id) return;
      this.announce(p, Date.now());
      if (this.transportReady) void this.consume(p.producerId);
    });
    signaling.on('producerClosed', ({ producerId }) => {
      this.known.delete(producerId);
      this.closeStream(producerId);
    });
    signaling.on('consumerClosed', ({ producerId }) => this.closeStream(producerId));
    signaling.on('audibleProducers', (p) => {
      if (!inRoom(p.roomId)) return;
      this.setAudible(p);
      // Newly audible microphones are consumed; the server closes the others' consumers itself.
      if (this.transportReady) for (const id of this.audible!) void this.consume(id);
    });
    signaling.on('producerPaused', ({ producerId }) => this.setPaused(producerId, true));
    signaling.on('producerResumed', ({ producerId }) => this.setPaused(producerId, false));
    signaling.on('mediaReset', ({ roomId }) => {
      if (inRoom(roomId))
        this.emit('error', new Error('mediaReset: the light receiver does not rebuild media'));
    });
  }

  private announce(p: RemoteProducer, at: number): void {
    if (!this.known.has(p.producerId)) this.known.set(p.producerId, { producer: p, announcedAt: at });
  }

  private setAudible({ producerIds, limit }: { producerIds: string[]; limit: number }): void {
    this.audible = new Set(producerIds.slice(0, limit));
  }

  /** Whether this receiver wants a producer now: shown video, audible microphones. */
  private wants(producer: RemoteProducer): boolean {
    if (producer.kind === 'video') return this.options.showsVideo?.(producer) ?? true;
    return this.audible === null || this.audible.has(producer.producerId);
  }

  private async consume(producerId: string): Promise<void> {
    const entry = this.known.get(producerId);
    if (!entry || this.open.has(producerId) || this.consuming.has(producerId)) return;
    if (this.closed || !this.wants(entry.producer)) return;
    this.consuming.add(producerId);
    let stream: ReceivedStream | undefined;
    try {
      const data = await this.signaling!.request('consume', {
        transportId: this.transportId!,
        producerId,
        rtpCapabilities: this.capabilities!,
      });
      if (this.closed || !this.known.has(producerId)) return;
      stream = {
        consumerId: data.consumerId,
        producerId,
        userId: data.userId,
        kind: data.kind,
        source: data.source,
        packets: 0,
        bytes: 0,
        lastPacketAt: 0,
        firstPacketAt: 0,
        announcedAt: entry.announcedAt,
        sequence: new RtpSequenceTracker(),
        producerPaused: data.producerPaused,
        closed: false,
      };
      this.open.set(producerId, stream);
      this.streams.push(stream);
      for (const e of data.rtpParameters.encodings ?? [])
        if (e.ssrc !== undefined) this.bySsrc.set(e.ssrc, stream);
      this.emit('stream', stream);
      await this.signaling!.request('resumeConsumer', { consumerId: data.consumerId });
    } catch (err) {
      // The ranking moved while asking: the next audibleProducers says what to hear.
      if ((err as { code?: unknown }).code === 'NOT_AUDIBLE') return;
      // The server closed the consumer before our resume arrived (consumerClosed, e.g. the
      // microphone dropped out of the loudest): nothing to resume, not a failure.
      if (stream?.closed) return;
      if (!this.closed)
        this.emit(
          'error',
          new Error(`consume ${producerId}: ${err instanceof Error ? err.message : String(err)}`),
        );
    } finally {
      this.consuming.delete(producerId);
    }
  }

  private closeStream(producerId: string): void {
    const stream = this.open.get(producerId);
    if (!stream) return;
    this.open.delete(producerId);
    for (const [ssrc, s] of this.bySsrc) if (s === stream) this.bySsrc.delete(ssrc);
    stream.closed = true;
    this.emit('streamClosed', stream);
  }

  private setPaused(producerId: string, paused: boolean): void {
    const entry = this.known.get(producerId);
    if (entry) entry.producer = { ...entry.producer, paused };
    const stream = this.open.get(producerId);
    if (stream) stream.producerPaused = paused;
  }

  private onDatagram(buf: Buffer): void {
    this.counters.datagrams++;
    switch (classifyPacket(buf)) {
      case 'stun':
        this.ice?.handle(buf);
        return;
      case 'dtls':
        this.dtls?.handle(buf);
        return;
      case 'rtcp':
        this.counters.rtcpPackets++;
        return;
      case 'rtp': {
        const header = readRtpHeader(buf);
        const stream = header && this.bySsrc.get(header.ssrc);
        if (!header || !stream) {
          this.counters.unknownSsrcPackets++;
          return;
        }
        const now = Date.now();
        if (!stream.firstPacketAt) stream.firstPacketAt = now;
        stream.packets++;
        // SRTP on the wire (payload + auth tag), not the decrypted size the full peer counts.
        stream.bytes += buf.length;
        stream.lastPacketAt = now;
        stream.sequence.record(header.sequenceNumber);
        return;
      }
      default:
        return;
    }
  }
}

/** The server's UDP candidate to send to: IPv4 first (the common path), else any UDP one. */
export function pickUdpCandidate(candidates: IceCandidate[]): IceCandidate {
  const udp = candidates.filter((c) => c.protocol === 'udp');
  const chosen = udp.find((c) => !isIPv6(c.address)) ?? udp[0];
  if (!chosen)
    throw new Error('the transport offers no UDP candidate (light receivers do not do ICE-TCP or TURN)');
  return chosen;
}

function openUdp(candidate: IceCandidate, receiveBufferBytes?: number): Promise<UdpSocket> {
  const udp = createSocket(isIPv6(candidate.address) ? 'udp6' : 'udp4');
  return new Promise((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(0, () => {
      udp.off('error', reject);
      // The kernel caps it at net.core.rmem_max (and doubles it for its bookkeeping).
      if (receiveBufferBytes) udp.setRecvBufferSize(receiveBufferBytes);
      resolve(udp);
    });
  });
}

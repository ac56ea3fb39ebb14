import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Max, Min } from 'class-validator';

/*
 * SFU signaling contract (issue 4). mediasoup's shapes are typed structurally here, without
 * importing mediasoup or mediasoup-client (this package runs in the browser too). They match
 * what mediasoup sends and what mediasoup-client expects; where mediasoup-client's own types are
 * narrower unions (e.g. header-extension URIs) the client casts once at its boundary, as JSON
 * over Socket.IO does anyway. Deep validation of rtpParameters / dtlsParameters is mediasoup's:
 * the server refuses what mediasoup rejects with VALIDATION.
 */

export type MediaKind = 'audio' | 'video';
/** One producer per source per peer. */
export type MediaSource = 'mic' | 'camera' | 'screen';
export type TransportDirection = 'send' | 'recv';
export type ConsumerType = 'simple' | 'simulcast' | 'svc' | 'pipe';

export const MEDIA_KINDS: readonly MediaKind[] = ['audio', 'video'];
export const MEDIA_SOURCES: readonly MediaSource[] = ['mic', 'camera', 'screen'];
export const TRANSPORT_DIRECTIONS: readonly TransportDirection[] = ['send', 'recv'];

/** Codec/extension parameter values as mediasoup puts them on the wire. */
export type RtpParameterValue = string | number | boolean | undefined;

export interface RtcpFeedback {
  type: string;
  parameter?: string;
}

export interface RtpCodecCapability {
  kind: MediaKind;
  mimeType: string;
  preferredPayloadType?: number;
  clockRate: number;
  channels?: number;
  parameters?: Record<string, RtpParameterValue>;
  rtcpFeedback?: RtcpFeedback[];
}

export interface RtpHeaderExtensionCapability {
  kind: MediaKind;
  uri: string;
  preferredId: number;
  preferredEncrypt?: boolean;
  direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** Router or device RTP capabilities. */
export interface RtpCapabilities {
  codecs?: RtpCodecCapability[];
  headerExtensions?: RtpHeaderExtensionCapability[];
}

export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: Record<string, RtpParameterValue>;
  rtcpFeedback?: RtcpFeedback[];
}

export interface RtpHeaderExtensionParameters {
  uri: string;
  id: number;
  encrypt?: boolean;
  parameters?: Record<string, RtpParameterValue>;
}

export interface RtpEncodingParameters {
  ssrc?: number;
  rid?: string;
  codecPayloadType?: number;
  rtx?: { ssrc: number };
  dtx?: boolean;
  scalabilityMode?: string;
  scaleResolutionDownBy?: number;
  maxBitrate?: number;
  maxFramerate?: number;
  adaptivePtime?: boolean;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
  networkPriority?: 'very-low' | 'low' | 'medium' | 'high';
}

export interface RtcpParameters {
  cname?: string;
  reducedSize?: boolean;
  mux?: boolean;
}

export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: RtpEncodingParameters[];
  rtcp?: RtcpParameters;
  msid?: string;
}

export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}

export interface IceCandidate {
  foundation: string;
  priority: number;
  /** IP or hostname to connect to. */
  address: string;
  /** Same as address (deprecated mediasoup field, still sent). */
  ip?: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  tcpType?: 'active' | 'passive' | 'so';
}

export interface DtlsFingerprint {
  algorithm: string;
  value: string;
}

export interface DtlsParameters {
  role?: 'auto' | 'client' | 'server';
  fingerprints: DtlsFingerprint[];
}

export interface SctpParameters {
  port: number;
  OS: number;
  MIS: number;
  maxMessageSize: number;
}

/** A producer of another peer, as listed in joinRoom and announced by newProducer. */
export interface RemoteProducer {
  producerId: string;
  userId: number;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
}

/** Extra fields of the joinRoom answer (merged into JoinRoomData by the media join contributor). */
export interface MediaJoinData {
  routerRtpCapabilities: RtpCapabilities;
  /** Every producer of the other peers in the room. */
  producers: RemoteProducer[];
  /**
   * Present when this join re-attached media kept from a previous connection of the same user
   * (reconnect within the presence grace period): the transports still exist server-side, so
   * the client calls restartIce on each and keeps its producers.
   */
  resumedMedia?: ResumedMedia;
  /** The loudest microphones now (as the `audibleProducers` event; absent from older servers). */
  audibleProducers?: Omit<AudibleProducersEvent, 'roomId'>;
  /**
   * The dominant speaker now (as the `activeSpeaker` event, which only reports changes, so a
   * socket joining after the speaker was named would not know); null when none. Absent from
   * older servers.
   */
  activeSpeakerUserId?: number | null;
}

export interface ResumedMedia {
  transportIds: string[];
  producerIds: string[];
  consumerIds: string[];
}

/**
 * Bounds on a `produce` request's rtpParameters (mediasoup checks the meaning; these keep a
 * hostile client from handing it hundreds of entries). A browser sends one codec plus its RTX,
 * ≤ 3 simulcast encodings for video, one for audio, and about a dozen header extensions.
 */
export const RTP_PARAMETER_LIMITS = {
  codecs: 4,
  /** Per source: simulcast layers for video, a single encoding for the mic. */
  encodings: { mic: 1, camera: 3, screen: 3 } satisfies Record<MediaSource, number>,
  headerExtensions: 16,
  rtcpFeedback: 16,
  /** Keys of one codec's or header extension's `parameters`. */
  parameters: 16,
  /** Any string (mimeType, uri, mid, rid, msid, cname, scalabilityMode, parameter values…). */
  stringLength: 256,
} as const;

// ---- client → server requests ----

const ID_MAX = 64;

/** Socket `createWebRtcTransport`. At most one send and one recv transport per connection. */
export class CreateWebRtcTransportRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsIn(TRANSPORT_DIRECTIONS)
  direction!: TransportDirection;
}

/** A STUN/TURN server as RTCPeerConnection takes it (RTCIceServer). */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** `relay`: use only TURN-relayed candidates (the server forces it for testing restrictive networks). */
export type IceTransportPolicy = 'all' | 'relay';

export interface WebRtcTransportInfo {
  id: string;
  direction: TransportDirection;
  iceParameters: IceParameters;
  iceCandidates: IceCandidate[];
  dtlsParameters: DtlsParameters;
  sctpParameters?: SctpParameters;
  /**
   * TURN servers for this transport, with credentials that expire (TURN_CREDENTIAL_TTL_SECONDS):
   * pass them to createSendTransport / createRecvTransport. Empty when no TURN is configured.
   */
  iceServers: IceServer[];
  iceTransportPolicy: IceTransportPolicy;
}

/** Socket `connectWebRtcTransport`. */
export class ConnectWebRtcTransportRequest {
  @IsString()
  @Length(1, ID_MAX)
  transportId!: string;

  @IsObject()
  dtlsParameters!: DtlsParameters;
}

export interface TransportIdData {
  transportId: string;
}

/** Socket `produce` (on the caller's send transport). */
export class ProduceRequest {
  @IsString()
  @Length(1, ID_MAX)
  transportId!: string;

  @IsIn(MEDIA_KINDS)
  kind!: MediaKind;

  @IsObject()
  rtpParameters!: RtpParameters;

  @IsIn(MEDIA_SOURCES)
  source!: MediaSource;

  /** Start paused (e.g. joining muted). */
  @IsOptional()
  @IsBoolean()
  paused?: boolean;
}

export interface ProduceData {
  producerId: string;
}

/** Socket `consume` (on the caller's recv transport). The consumer starts paused: call resumeConsumer. */
export class ConsumeRequest {
  @IsString()
  @Length(1, ID_MAX)
  transportId!: string;

  @IsString()
  @Length(1, ID_MAX)
  producerId!: string;

  @IsObject()
  rtpCapabilities!: RtpCapabilities;
}

export interface ConsumeData {
  consumerId: string;
  producerId: string;
  userId: number;
  kind: MediaKind;
  source: MediaSource;
  rtpParameters: RtpParameters;
  type: ConsumerType;
  /** The producer is paused now (the consumer gets nothing until producerResumed). */
  producerPaused: boolean;
}

/** Socket `pauseProducer` / `resumeProducer` / `closeProducer` (own producers only). */
export class ProducerIdRequest {
  @IsString()
  @Length(1, ID_MAX)
  producerId!: string;
}

export interface ProducerIdData {
  producerId: string;
}

/** Socket `pauseConsumer` / `resumeConsumer` (own consumers only). */
export class ConsumerIdRequest {
  @IsString()
  @Length(1, ID_MAX)
  consumerId!: string;
}

export interface ConsumerIdData {
  consumerId: string;
}

/** Socket `closeConsumer` (own consumers only): stop receiving a producer that is not shown any more. */
export class CloseConsumerRequest {
  @IsString()
  @Length(1, ID_MAX)
  consumerId!: string;
}

/** Socket `setConsumerLayers` (simulcast/SVC consumers: pick a layer by tile size). */
export class SetConsumerLayersRequest {
  @IsString()
  @Length(1, ID_MAX)
  consumerId!: string;

  @IsInt()
  @Min(0)
  @Max(15)
  spatialLayer!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(15)
  temporalLayer?: number;
}

/** Socket `restartIce` (own transports only). */
export class RestartIceRequest {
  @IsString()
  @Length(1, ID_MAX)
  transportId!: string;
}

export interface RestartIceData {
  iceParameters: IceParameters;
  /** Fresh TURN credentials (the transport's may have expired): pass to transport.updateIceServers. */
  iceServers: IceServer[];
}

/** Socket `getMediaStats`: the caller's own media in a joined room, plus room-wide object counts. */
export class GetMediaStatsRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

export interface MediaStreamStats {
  /** RTP packets / bytes mediasoup sent (consumers) or received (producers). */
  packetCount: number;
  byteCount: number;
}

export interface ConsumerStats extends MediaStreamStats {
  consumerId: string;
  producerId: string;
  kind: MediaKind;
  paused: boolean;
  producerPaused: boolean;
}

export interface ProducerStats extends MediaStreamStats {
  producerId: string;
  kind: MediaKind;
  source: MediaSource;
  paused: boolean;
  /**
   * What arrives of each encoding (simulcast layer) at the SFU: a layer nobody watches stops
   * arriving once the sender follows `producerLayersWanted`. Only the encodings received so far.
   */
  layers?: ProducerLayerStats[];
}

export interface ProducerLayerStats {
  /** The encoding's RID (null when it is told apart by SSRC only). */
  rid: string | null;
  ssrc: number;
  packetCount: number;
  /** Bits per second arriving now, as mediasoup measures it. */
  bitrate: number;
}

/** What exists in the room's router right now (from router.dump()). */
export interface RoomMediaCounts {
  peers: number;
  transports: number;
  producers: number;
  consumers: number;
}

export interface MediaStatsData {
  roomId: number;
  producers: ProducerStats[];
  consumers: ConsumerStats[];
  room: RoomMediaCounts;
}

// ---- server → client events ----

export interface NewProducerEvent extends RemoteProducer {
  roomId: number;
}

export interface ProducerEvent {
  roomId: number;
  producerId: string;
}

/**
 * Why the server closed a consumer: its producer (or the producer's transport) went away, or
 * (`inaudible`) an audio producer left the receiver's K loudest — the producer still exists and
 * may be consumed again once `audibleProducers` lists it.
 */
export type ConsumerClosedReason = 'producerClosed' | 'inaudible';

export interface ConsumerClosedEvent {
  roomId: number;
  consumerId: string;
  producerId: string;
  /** Absent from older servers: treat as `producerClosed`. */
  reason?: ConsumerClosedReason;
}

/**
 * To the room's sockets on a node whenever its ranking of the loudest microphones changes: audio
 * producer ids, loudest first, up to K + 1 long (K = the server's AUDIO_LOUDEST_K). A receiver
 * hears the first K of them that are not its own; `consume` of any other audio producer is
 * refused `NOT_AUDIBLE`, and its audio consumers of producers that drop out are closed
 * (`consumerClosed` with reason `inaudible`). The list is filled up with quiet microphones while
 * fewer than K + 1 are speaking, so a small room hears everyone.
 */
export interface AudibleProducersEvent {
  roomId: number;
  producerIds: string[];
  /** K: how many of `producerIds` (minus the receiver's own) a receiver may consume. */
  limit: number;
}

/**
 * To a producer's owner: the highest simulcast spatial layer anyone consumes of this video
 * producer (null: nobody consumes it — stop sending it; a number: send layers 0..n). The sender
 * disables the encodings above it, so layers nobody watches are not uploaded. Sent when the
 * demand changes (a rise at once, a fall after a short delay so brief gaps do not flap).
 */
export interface ProducerLayersWantedEvent {
  roomId: number;
  producerId: string;
  maxSpatialLayer: number | null;
}

export interface ActiveSpeakerEvent {
  roomId: number;
  /** The dominant speaker now; null when everyone is silent or the speaker left. */
  userId: number | null;
}

export interface ConsumerLayersChangedEvent {
  roomId: number;
  consumerId: string;
  /** Null when no layer is being forwarded. */
  layers: { spatialLayer: number; temporalLayer?: number } | null;
}

export interface ProducerScoreEvent {
  roomId: number;
  producerId: string;
  score: Array<{ ssrc: number; rid?: string; score: number }>;
}

/**
 * To the consumer's owner when mediasoup rescores one of its consumers (0..10): `score` is how
 * well the stream reaches this receiver (its downlink), `producerScore` how well it reaches the
 * server from the sender (the sender's uplink).
 */
export interface ConsumerScoreEvent {
  roomId: number;
  consumerId: string;
  score: { score: number; producerScore: number };
}

export type MediaResetReason = 'workerDied';

/**
 * Sent to a peer whose media objects are all gone (the mediasoup worker it was homed on died);
 * the room's other peers keep theirs and see this peer's producers close. Drop all
 * transports/producers/consumers, load a new Device with these capabilities, create transports
 * again, re-produce, and consume `producers` (what the room still sends) and what newProducer
 * announces.
 */
export interface MediaResetEvent {
  roomId: number;
  reason: MediaResetReason;
  routerRtpCapabilities: RtpCapabilities;
  producers: RemoteProducer[];
}

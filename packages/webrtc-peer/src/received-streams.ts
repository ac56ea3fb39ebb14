/**
 * The Node peer's media sink: one ReceivedStream per consumer the session makes, counting the RTP
 * that arrives on its werift track.
 */
import type { MediaSink, MediaStatus, ProducerInfo, SinkTrack } from '@minimeet/media-session';
import type { MediaSource } from '@minimeet/shared';
import type { MediaStreamTrack as WeriftTrack } from 'werift';
import { RtpSequenceTracker } from './rtp-sequence.js';

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

export interface StreamEvents {
  opened(stream: ReceivedStream): void;
  closed(stream: ReceivedStream): void;
  status(status: MediaStatus, error: string | null): void;
  producerCreated(source: MediaSource, producer: SessionProducer): void;
  /** The server said which layers of a local video anyone consumes (null: nobody). */
  layersWanted(source: MediaSource, maxSpatialLayer: number | null): void;
  iceRestarted(): void;
}

// mediasoup-client's types as the session sees them.
type SessionConsumer = Parameters<NonNullable<MediaSink['consumerCreated']>>[0];
export type SessionProducer = Parameters<NonNullable<MediaSink['producerCreated']>>[1];

export class ReceivedStreams implements MediaSink {
  /** Every stream ever consumed (closed ones included), for counting. */
  readonly all: ReceivedStream[] = [];
  /** Open streams by producer id, with what stops their counting. */
  private readonly open = new Map<string, { stream: ReceivedStream; stopCounting: () => void }>();
  /** When each remote producer was first announced (for first-RTP latency). */
  private readonly announcedAt = new Map<string, number>();

  constructor(private readonly events: StreamEvents) {}

  announced(producerId: string, at = Date.now()): void {
    if (!this.announcedAt.has(producerId)) this.announcedAt.set(producerId, at);
  }

  /** Open streams received from `userId` (or all). */
  openStreams(userId?: number): ReceivedStream[] {
    return [...this.open.values()]
      .map((o) => o.stream)
      .filter((s) => userId === undefined || s.userId === userId);
  }

  /** Received packets per `${userId}:${kind}` over open streams. */
  packetCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.openStreams())
      out[`${s.userId}:${s.kind}`] = (out[`${s.userId}:${s.kind}`] ?? 0) + s.packets;
    return out;
  }

  // ---- MediaSink ----

  upsertRemoteTrack(track: SinkTrack): void {
    this.announced(track.key);
  }

  setRemotePaused(key: string, paused: boolean): void {
    const open = this.open.get(key);
    if (open) open.stream.producerPaused = paused;
  }

  removeRemoteTrack(): void {
    // The stream itself ends with its consumer (consumerClosed).
  }

  setMediaStatus(status: MediaStatus, error?: string | null): void {
    this.events.status(status, error ?? null);
  }

  layersWanted(source: MediaSource, maxSpatialLayer: number | null): void {
    this.events.layersWanted(source, maxSpatialLayer);
  }

  producerCreated(source: MediaSource, producer: SessionProducer): void {
    this.events.producerCreated(source, producer);
  }

  iceRestarted(): void {
    this.events.iceRestarted();
  }

  consumerCreated(consumer: SessionConsumer, info: ProducerInfo): void {
    const stream: ReceivedStream = {
      consumerId: consumer.id,
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
      producerPaused: !!info.paused,
      closed: false,
    };
    const { unSubscribe } = (consumer.track as unknown as WeriftTrack).onReceiveRtp.subscribe((rtp) => {
      const now = Date.now();
      if (!stream.firstPacketAt) stream.firstPacketAt = now;
      stream.packets++;
      stream.bytes += rtp.serializeSize;
      stream.lastPacketAt = now;
      stream.sequence.record(rtp.header.sequenceNumber);
    });
    this.open.set(info.producerId, { stream, stopCounting: unSubscribe });
    this.all.push(stream);
    this.events.opened(stream);
  }

  consumerClosed(consumer: SessionConsumer, info: ProducerInfo): void {
    const open = this.open.get(info.producerId);
    if (!open || open.stream.consumerId !== consumer.id) return;
    this.open.delete(info.producerId);
    open.stopCounting();
    open.stream.closed = true;
    this.events.closed(open.stream);
  }
}

/**
 * The session's receiving half: the room's remote producers, a consumer for each one the
 * reception policy wants (consume, then resume), and its pause / simulcast layer.
 */
import type { RtpCapabilities as WireRtpCapabilities } from '@minimeet/shared';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { describeError, type MediaContext } from './media-context.js';
import type { ReceptionPolicy, TileViewport } from './reception.js';
import { errorCodeOf } from './signaling.js';
import type { SinkTrack } from './sink.js';
import type { ProducerInfo } from './types.js';

export interface ConsumerEntry {
  consumer: Consumer;
  info: ProducerInfo;
  /** Whether the server-side consumer is paused by us (it starts paused). */
  serverPaused: boolean;
  spatialLayer: number | null;
}

const CONSUME_ATTEMPTS = 4;

export class RemoteConsumers {
  /** Consumers by producer id. */
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Remote producers of the room, by id. */
  private readonly remote = new Map<string, ProducerInfo>();
  private viewports: Record<string, TileViewport> = {};
  private staleCandidates = new Set<string>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly reception: ReceptionPolicy,
  ) {}

  get all(): ReadonlyMap<string, ConsumerEntry> {
    return this.consumers;
  }

  knownProducers(): ProducerInfo[] {
    return [...this.remote.values()];
  }

  knownIds(): Set<string> {
    return new Set(this.remote.keys());
  }

  /** Before joinRoom again: what is known now may be stale unless the new answer lists it. */
  markResync(): void {
    this.staleCandidates = this.knownIds();
  }

  /** Producers of lost media (mediaReset): gone until listed again. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) if (this.remote.delete(id)) this.ctx.sink.removeRemoteTrack(id);
  }

  clear(): void {
    this.remote.clear();
  }

  /** A remote producer exists: known at once (so a quick producerClosed wins), consumed in turn. */
  announce(p: ProducerInfo): void {
    if (this.remote.has(p.producerId)) return;
    const info: ProducerInfo = { ...p, paused: !!p.paused };
    this.remote.set(p.producerId, info);
    this.ctx.sink.upsertRemoteTrack({ ...sinkBase(info), track: null });
  }

  /**
   * Consume every listed producer. With `prune`, drop those known before markResync() that the
   * list no longer has (closed while we were away); ones announced since stay.
   */
  async sync(producers: ProducerInfo[], selfId: number, prune: boolean): Promise<void> {
    const present = new Set(producers.map((p) => p.producerId));
    if (prune) for (const id of this.staleCandidates) if (!present.has(id)) this.drop(id);
    this.staleCandidates.clear();
    for (const p of producers) {
      if (p.userId === selfId) continue;
      const known = this.remote.get(p.producerId);
      if (known && !!known.paused !== !!p.paused) this.setPaused(p.producerId, !!p.paused);
      if (!known) this.announce(p);
      await this.consumeOrRetry(p.producerId);
    }
  }

  /** Those announced by newProducer but not in `listed` (e.g. before the joinRoom answer, when there was no transport). */
  async consumeUnlisted(listed: ProducerInfo[]): Promise<void> {
    const ids = new Set(listed.map((p) => p.producerId));
    for (const id of [...this.remote.keys()]) if (!ids.has(id)) await this.consumeOrRetry(id);
  }

  /**
   * consume(), and on failure (timeout on a busy server…) try again a little later, a few times;
   * not when the producer is gone (closed meanwhile: not this session's error).
   */
  async consumeOrRetry(producerId: string, attempt = 1): Promise<void> {
    try {
      await this.consume(producerId);
    } catch (err) {
      if (this.ctx.closed() || !this.remote.has(producerId) || errorCodeOf(err) === 'PRODUCER_NOT_FOUND')
        return;
      this.ctx.warn(`[media] consume ${producerId} failed (attempt ${attempt}): ${describeError(err)}`);
      if (attempt >= CONSUME_ATTEMPTS) return;
      const epoch = this.ctx.epoch();
      setTimeout(() => {
        if (epoch === this.ctx.epoch())
          void this.ctx.enqueue('consume retry', () => this.consumeOrRetry(producerId, attempt + 1));
      }, 500 * attempt);
    }
  }

  setPaused(producerId: string, paused: boolean): void {
    const info = this.remote.get(producerId);
    if (info) this.remote.set(producerId, { ...info, paused });
    this.ctx.sink.setRemotePaused(producerId, paused);
    if (paused) this.ctx.sink.setDownlinkScore?.(producerId, null);
  }

  /** The producer closed (or our consumer of it): forget it. */
  drop(producerId: string): void {
    this.remote.delete(producerId);
    this.closeConsumer(producerId);
    this.ctx.sink.removeRemoteTrack(producerId);
  }

  /** After a reconnect: closes the consumers the server did not keep (sync makes them again). */
  keepOnly(consumerIds: string[]): void {
    for (const [producerId, entry] of [...this.consumers]) {
      if (!consumerIds.includes(entry.consumer.id)) this.closeConsumer(producerId);
    }
  }

  /** With the transports: every consumer goes, the producers stay known (their tracks empty). */
  closeAllConsumers(): void {
    for (const id of [...this.consumers.keys()]) {
      this.closeConsumer(id);
      const info = this.remote.get(id);
      if (info && !this.ctx.closed()) this.ctx.sink.upsertRemoteTrack({ ...sinkBase(info), track: null });
    }
  }

  scored(consumerId: string, score: { score: number; producerScore: number }): void {
    for (const [producerId, entry] of this.consumers) {
      if (entry.consumer.id !== consumerId || entry.serverPaused || this.remote.get(producerId)?.paused)
        continue;
      this.ctx.sink.setDownlinkScore?.(producerId, score);
    }
  }

  setViewports(viewports: Record<string, TileViewport>): void {
    this.viewports = viewports;
  }

  async applyAllReception(): Promise<void> {
    for (const entry of [...this.consumers.values()]) {
      if (entry.consumer.closed) continue;
      await this.applyReception(entry).catch((err: unknown) =>
        this.ctx.warn(`[media] reception change failed: ${describeError(err)}`),
      );
    }
  }

  private async consume(producerId: string): Promise<void> {
    const info = this.remote.get(producerId);
    if (!info || this.consumers.has(producerId)) return;
    if (!this.reception.receptionOf(info, this.viewports).consume) return;
    const transport = this.ctx.transport('recv');
    const device = this.ctx.device();
    if (!transport || !device) return;
    const epoch = this.ctx.epoch();
    const data = await this.ctx.signaling.request('consume', {
      transportId: transport.id,
      producerId,
      rtpCapabilities: device.recvRtpCapabilities as unknown as WireRtpCapabilities,
    });
    const consumer = await transport.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      appData: { source: info.source, userId: info.userId },
    });
    if (epoch !== this.ctx.epoch() || this.ctx.closed() || !this.remote.has(producerId)) {
      consumer.close();
      return;
    }
    const entry: ConsumerEntry = { consumer, info, serverPaused: true, spatialLayer: null };
    this.consumers.set(producerId, entry);
    if (typeof data.producerPaused === 'boolean')
      this.remote.set(producerId, { ...this.remote.get(producerId)!, paused: data.producerPaused });
    const current = this.remote.get(producerId)!;
    this.ctx.sink.consumerCreated?.(consumer, current);
    this.ctx.sink.upsertRemoteTrack({ ...sinkBase(current), track: consumer.track });
    await this.applyReception(entry);
  }

  private closeConsumer(producerId: string): void {
    const entry = this.consumers.get(producerId);
    if (!entry) return;
    this.consumers.delete(producerId);
    entry.consumer.close();
    this.ctx.sink.setDownlinkScore?.(producerId, null);
    this.ctx.sink.consumerClosed?.(entry.consumer, entry.info);
  }

  /** Resume/pause a consumer and pick its simulcast layer, as the reception policy says. */
  private async applyReception(entry: ConsumerEntry): Promise<void> {
    const { consumer, info } = entry;
    const signaling = this.ctx.signaling;
    const { paused, spatialLayer } = this.reception.receptionOf(info, this.viewports);
    if (spatialLayer !== null && !paused && entry.spatialLayer !== spatialLayer) {
      entry.spatialLayer = spatialLayer;
      await signaling.request('setConsumerLayers', { consumerId: consumer.id, spatialLayer });
    }
    if (paused !== entry.serverPaused) {
      entry.serverPaused = paused;
      if (paused) {
        consumer.pause();
        this.ctx.sink.setDownlinkScore?.(info.producerId, null);
        await signaling.request('pauseConsumer', { consumerId: consumer.id });
      } else {
        consumer.resume();
        await signaling.request('resumeConsumer', { consumerId: consumer.id });
      }
    }
  }
}

function sinkBase(info: ProducerInfo): Omit<SinkTrack, 'track'> {
  return {
    key: info.producerId,
    userId: info.userId,
    source: info.source,
    kind: info.kind,
    paused: !!info.paused,
  };
}

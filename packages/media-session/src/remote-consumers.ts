/**
 * The session's receiving half: the room's remote producers, a consumer for each one the
 * reception policy wants (consume, then resume), and its pause / simulcast layer.
 */
import type { RtpCapabilities as WireRtpCapabilities } from '@minimeet/shared';
import type { Consumer, Transport } from 'mediasoup-client/types';
import { describeError, type MediaContext } from './media-context.js';
import type { AudibleSet, ReceptionPolicy, TileViewport } from './reception.js';
import { errorCodeOf } from './signaling.js';
import type { SinkTrack } from './sink.js';
import type { ProducerInfo } from './types.js';

export interface ConsumerEntry {
  consumer: Consumer;
  info: ProducerInfo;
  /** Whether the server-side consumer is paused by us (it starts paused). */
  serverPaused: boolean;
  spatialLayer: number | null;
  /** Simulcast/SVC: it has layers to pick (a single-encoding sender's consumer has none). */
  layered: boolean;
}

const CONSUME_ATTEMPTS = 4;
/** A video consumer whose tile is not shown is paused at once and closed after this long. */
export const CLOSE_UNSHOWN_AFTER_MS = 8_000;

export class RemoteConsumers {
  /** Consumers by producer id. */
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Remote producers of the room, by id. */
  private readonly remote = new Map<string, ProducerInfo>();
  /**
   * producerPaused/Resumed events seen per producer: a consume answer says whether the producer
   * was paused when the server answered, and a pause event that came while the consumer was being
   * set up is newer than that (a microphone paused right after it was produced).
   */
  private readonly pauseEvents = new Map<string, number>();
  private viewports: Record<string, TileViewport> = {};
  /** The server's loudest microphones and K (null: it has not said), and our own microphones' ids. */
  private loudest: { producerIds: string[]; limit: number; own: () => ReadonlySet<string> } | null = null;
  /** Video consumers not shown any more, closed when their timer fires (unless shown again). */
  private readonly closing = new Map<string, ReturnType<typeof setTimeout>>();
  private staleCandidates = new Set<string>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly reception: ReceptionPolicy,
    private readonly closeUnshownAfterMs = CLOSE_UNSHOWN_AFTER_MS,
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
    for (const id of ids) {
      this.pauseEvents.delete(id);
      if (this.remote.delete(id)) this.ctx.sink.removeRemoteTrack(id);
    }
  }

  clear(): void {
    this.remote.clear();
    this.pauseEvents.clear();
    this.cancelClosing();
  }

  /**
   * The server's loudest microphones (`audibleProducers`): we may hear the first `limit` that are
   * not ours (`own`). Call applyAllReception() after.
   */
  setAudible(producerIds: string[], limit: number, own: () => ReadonlySet<string>): void {
    this.loudest = { producerIds, limit, own };
  }

  /** The microphones we may hear now: the first K of the server's loudest that are not ours. */
  private get audible(): AudibleSet {
    if (!this.loudest) return null;
    const own = this.loudest.own();
    return new Set(this.loudest.producerIds.filter((id) => !own.has(id)).slice(0, this.loudest.limit));
  }

  /**
   * The server closed our consumer of a producer that still exists (`inaudible`: no longer among
   * our loudest): the producer stays known, its track empty, consumed again when wanted.
   */
  consumerGone(producerId: string): void {
    const info = this.remote.get(producerId);
    this.closeConsumer(producerId);
    if (info && !this.ctx.closed()) this.ctx.sink.upsertRemoteTrack({ ...sinkBase(info), track: null });
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
      const code = errorCodeOf(err);
      // The server's cap on open video consumers: those off the page (paused, waiting for their
      // close timer) go now, then this one is asked again.
      if (code === 'TOO_MANY_CONSUMERS' && this.closing.size > 0 && attempt < CONSUME_ATTEMPTS) {
        await this.closeUnshownNow();
        return this.consumeOrRetry(producerId, attempt + 1);
      }
      // NOT_AUDIBLE: the ranking moved meanwhile; the next audibleProducers says when to try again.
      if (
        this.ctx.closed() ||
        !this.remote.has(producerId) ||
        code === 'PRODUCER_NOT_FOUND' ||
        code === 'NOT_AUDIBLE'
      )
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
    this.pauseEvents.set(producerId, (this.pauseEvents.get(producerId) ?? 0) + 1);
    const info = this.remote.get(producerId);
    if (info) this.remote.set(producerId, { ...info, paused });
    this.ctx.sink.setRemotePaused(producerId, paused);
    if (paused) this.ctx.sink.setDownlinkScore?.(producerId, null);
  }

  /** The producer closed (or our consumer of it): forget it. */
  drop(producerId: string): void {
    this.remote.delete(producerId);
    this.pauseEvents.delete(producerId);
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
    this.cancelClosing();
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

  /**
   * Brings every known producer in line with the policy: consumes the newly wanted ones, pauses or
   * re-layers the others; an unwanted microphone's consumer closes at once, an unshown video's
   * after closeUnshownAfterMs (a quick page flip back finds it still there).
   */
  async applyAllReception(): Promise<void> {
    for (const info of [...this.remote.values()]) {
      const want = this.reception.receptionOf(info, this.viewports, this.audible);
      const entry = this.consumers.get(info.producerId);
      if (!entry) {
        if (want.consume) await this.consumeOrRetry(info.producerId);
        continue;
      }
      if (entry.consumer.closed) continue;
      if (!want.consume && info.kind === 'audio') {
        await this.stopConsuming(info.producerId);
        continue;
      }
      if (want.consume) this.cancelClosing(info.producerId);
      else this.closeLater(info.producerId);
      await this.applyReception(entry).catch((err: unknown) =>
        this.ctx.warn(`[media] reception change failed: ${describeError(err)}`),
      );
    }
  }

  private closeLater(producerId: string): void {
    if (this.closing.has(producerId)) return;
    const epoch = this.ctx.epoch();
    const timer = setTimeout(() => {
      this.closing.delete(producerId);
      if (epoch !== this.ctx.epoch() || this.ctx.closed()) return;
      void this.ctx.enqueue('close unshown consumer', async () => {
        const info = this.remote.get(producerId);
        if (info && !this.reception.receptionOf(info, this.viewports, this.audible).consume)
          await this.stopConsuming(producerId);
      });
    }, this.closeUnshownAfterMs);
    this.closing.set(producerId, timer);
  }

  /** Closes at once the consumers waiting for their close timer that are still not shown. */
  private async closeUnshownNow(): Promise<void> {
    for (const producerId of [...this.closing.keys()]) {
      this.cancelClosing(producerId);
      const info = this.remote.get(producerId);
      if (info && !this.reception.receptionOf(info, this.viewports, this.audible).consume)
        await this.stopConsuming(producerId);
    }
  }

  private cancelClosing(producerId?: string): void {
    for (const [id, timer] of [...this.closing]) {
      if (producerId !== undefined && id !== producerId) continue;
      clearTimeout(timer);
      this.closing.delete(id);
    }
  }

  /** Closes our consumer of a producer we no longer want (here and on the server). */
  private async stopConsuming(producerId: string): Promise<void> {
    const entry = this.consumers.get(producerId);
    if (!entry) return;
    this.consumerGone(producerId);
    await this.ctx.signaling
      .request('closeConsumer', { consumerId: entry.consumer.id })
      .catch((err: unknown) => {
        // Already gone server-side (closed there first, e.g. inaudible): nothing to undo.
        if (errorCodeOf(err) !== 'CONSUMER_NOT_FOUND')
          this.ctx.warn(`[media] closeConsumer failed: ${describeError(err)}`);
      });
  }

  private async consume(producerId: string): Promise<void> {
    const info = this.remote.get(producerId);
    if (!info || this.consumers.has(producerId)) return;
    if (!this.reception.receptionOf(info, this.viewports, this.audible).consume) return;
    const transport = this.ctx.transport('recv');
    const device = this.ctx.device();
    if (!transport || !device) return;
    const epoch = this.ctx.epoch();
    const pauseEventsBefore = this.pauseEvents.get(producerId) ?? 0;
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
    const entry: ConsumerEntry = {
      consumer,
      info,
      serverPaused: true,
      spatialLayer: null,
      layered: data.type !== 'simple',
    };
    this.consumers.set(producerId, entry);
    if (typeof data.producerPaused === 'boolean' && (this.pauseEvents.get(producerId) ?? 0) === pauseEventsBefore)
      this.remote.set(producerId, { ...this.remote.get(producerId)!, paused: data.producerPaused });
    const current = this.remote.get(producerId)!;
    this.ctx.sink.consumerCreated?.(consumer, current);
    this.ctx.sink.upsertRemoteTrack({ ...sinkBase(current), track: consumer.track });
    await this.applyReception(entry);
  }

  private closeConsumer(producerId: string): void {
    this.cancelClosing(producerId);
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
    const { paused, spatialLayer } = this.reception.receptionOf(info, this.viewports, this.audible);
    // A simple consumer (e.g. of a Node peer's single encoding) has no layers: the server
    // refuses setConsumerLayers, which would leave the consumer paused.
    if (entry.layered && spatialLayer !== null && !paused && entry.spatialLayer !== spatialLayer) {
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

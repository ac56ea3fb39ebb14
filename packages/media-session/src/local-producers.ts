/** The session's sending half: the wanted state of each local source and the producer that carries it. */
import type { Producer } from 'mediasoup-client/types';
import type { MediaContext } from './media-context.js';
import type { SourceProduceOptions } from './produce-options.js';
import type { MediaKind, MediaSourceName } from './types.js';

interface LocalWanted {
  track: MediaStreamTrack | null;
  paused: boolean;
}

const SOURCES = ['mic', 'camera', 'screen'] as const;

export class LocalProducers {
  private readonly producers = new Map<MediaSourceName, Producer>();
  private readonly wanted = new Map<MediaSourceName, LocalWanted>();
  /** Sources whose producer the server paused on its own (a moderator's mute) since we last told it. */
  private readonly pausedByServer = new Set<MediaSourceName>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly produceOptions: (source: MediaSourceName) => SourceProduceOptions,
  ) {}

  get all(): ReadonlyMap<MediaSourceName, Producer> {
    return this.producers;
  }

  /** null track + not paused = no producer (screen off). */
  want(source: MediaSourceName, track: MediaStreamTrack | null, paused: boolean): void {
    if (!track && !paused) this.wanted.delete(source);
    else this.wanted.set(source, { track, paused });
  }

  /**
   * The server paused the producer of `source` (a moderator's mute). Its next reconcile tells the
   * server the wanted state even where the local producer already has it: an unmute given before
   * the queue reached the mute changes nothing locally, and the server would stay paused.
   */
  serverPaused(source: MediaSourceName): void {
    this.pausedByServer.add(source);
  }

  async reconcileAll(): Promise<void> {
    for (const source of SOURCES) await this.reconcile(source);
  }

  /** Brings the producer of `source` in line with what is wanted (produce, replace, pause, close). */
  async reconcile(source: MediaSourceName): Promise<void> {
    const transport = this.ctx.transport('send');
    const device = this.ctx.device();
    if (!transport || !device || !this.ctx.canSend()) return;
    const serverPaused = this.pausedByServer.delete(source);
    const want = this.wanted.get(source);
    const producer = this.producers.get(source);
    const { signaling, sink } = this.ctx;
    if (!want) {
      if (!producer) return;
      this.producers.delete(source);
      producer.close();
      sink.setUplinkScore?.(source, null);
      await signaling.request('closeProducer', { producerId: producer.id }).catch(() => {});
      return;
    }
    if (!producer) {
      if (!want.track || want.track.readyState === 'ended') return;
      const kind = want.track.kind as MediaKind;
      if (!device.canProduce(kind)) throw new Error(`cannot send ${kind}`);
      const epoch = this.ctx.epoch();
      const created = await transport.produce({
        track: want.track,
        stopTracks: false,
        // A source wanted off from the start (joining muted) is produced paused on the server too:
        // mediasoup-client starts a disabled track's producer paused and would never say so.
        appData: { source, paused: want.paused },
        ...this.produceOptions(source),
      });
      if (epoch !== this.ctx.epoch() || this.ctx.closed()) {
        created.close();
        return;
      }
      this.producers.set(source, created);
      sink.producerCreated?.(source, created);
      // The wanted state may have changed while producing.
      return this.reconcile(source);
    }
    if (producer.track !== want.track && !(want.track === null && want.paused)) {
      await producer.replaceTrack({ track: want.track });
    } else if (want.track === null && producer.track) {
      await producer.replaceTrack({ track: null });
    }
    if (want.paused && !producer.paused) {
      producer.pause();
      sink.setUplinkScore?.(source, null);
      await signaling.request('pauseProducer', { producerId: producer.id });
    } else if (!want.paused && (producer.paused || serverPaused)) {
      producer.resume();
      await signaling.request('resumeProducer', { producerId: producer.id });
    }
  }

  /**
   * The server says which simulcast layers of our video producer anyone consumes
   * (`producerLayersWanted`): encodings above `maxSpatialLayer` are disabled, all of them when
   * nobody consumes it (null), so unwatched layers are not uploaded.
   */
  async layersWanted(producerId: string, maxSpatialLayer: number | null): Promise<void> {
    for (const [source, producer] of this.producers) {
      if (producer.id !== producerId || producer.closed || producer.kind !== 'video') continue;
      await producer.setMaxSpatialLayer(maxSpatialLayer ?? -1);
      this.ctx.sink.layersWanted?.(source, maxSpatialLayer);
    }
  }

  /** After a reconnect: closes the producers the server did not keep (reconcile makes them again). */
  keepOnly(producerIds: string[]): void {
    for (const [source, producer] of [...this.producers]) {
      if (producerIds.includes(producer.id)) continue;
      producer.close();
      this.producers.delete(source);
      this.ctx.sink.setUplinkScore?.(source, null);
    }
  }

  closeAll(): void {
    for (const [source, p] of this.producers) {
      p.close();
      this.ctx.sink.setUplinkScore?.(source, null);
    }
    this.producers.clear();
  }

  /** The server's score of one of our producers; the best simulcast layer's says whether the link carries anything. */
  scored(producerId: string, scores: Array<{ score: number }>): void {
    for (const [source, producer] of this.producers) {
      // A paused producer sends nothing: its falling score says nothing about the link.
      if (producer.id !== producerId || producer.paused) continue;
      this.ctx.sink.setUplinkScore?.(
        source,
        scores.reduce((max, e) => Math.max(max, e.score), 0),
      );
    }
  }
}

/**
 * The media side of a call, on mediasoup-client: one Device, a send and a recv transport, a
 * producer per local source (mic, camera, screen) and a consumer per remote producer. The browser
 * app and the Node peer both run it; it reports to a `MediaSink`, takes the wanted local state via
 * `setSource` and what to receive from a `ReceptionPolicy` (tile viewports in the browser).
 *
 * Every operation runs on one serial queue. Reconnect: `reconnect()` restarts ICE on both
 * transports and keeps the producers; when that fails, or after `mediaReset`, `rebuild()` makes
 * new transports, re-produces and re-consumes.
 */
import type {
  RtpCapabilities as WireRtpCapabilities,
  RtpParameters as WireRtpParameters,
} from '@minimeet/shared';
import type { Consumer, Device, Producer, RtpCapabilities, Transport } from 'mediasoup-client/types';
import { browserProduceOptions, type SourceProduceOptions } from './produce-options.js';
import { viewportReception, type ReceptionPolicy, type TileViewport } from './reception.js';
import { SerialQueue } from './serial-queue.js';
import { errorCodeOf, type MediaSignaling } from './signaling.js';
import type { MediaSink, SinkTrack } from './sink.js';
import { transportOptionsOf } from './transport-options.js';
import type {
  JoinMedia,
  MediaKind,
  MediaSourceName,
  MediaStatus,
  ProducerInfo,
  TransportDirection,
} from './types.js';

export interface MediaSessionOptions {
  roomId: number;
  selfId: number;
  signaling: MediaSignaling;
  sink: MediaSink;
  /** A fresh mediasoup-client Device (Node: `new Device({ handlerName: 'Chrome111' })`). */
  createDevice: () => Device;
  /** For the default (viewport) reception policy. */
  devicePixelRatio?: () => number;
  /** What to receive of each remote producer (default: by tile viewport). */
  reception?: ReceptionPolicy;
  /** Encodings / codec options per local source (default: the browser's simulcast camera). */
  produceOptions?: (source: MediaSourceName) => SourceProduceOptions;
  /** Extra RTCPeerConnection settings for both transports (werift: `{ iceUseTcp: true }`). */
  transportSettings?: Record<string, unknown>;
  /**
   * On reconnect, restart ICE on the send transport only when it is not 'connected'. werift
   * (measured): an ICE restart on the offering side stops its outgoing media, while a healthy
   * path needs no restart after a signaling-only drop.
   */
  sendIceRestartOnlyWhenBroken?: boolean;
  /** Where failures of queued operations are reported (default console.warn). */
  warn?: (message: string) => void;
}

interface LocalWanted {
  track: MediaStreamTrack | null;
  paused: boolean;
}

export interface ConsumerEntry {
  consumer: Consumer;
  info: ProducerInfo;
  /** Whether the server-side consumer is paused by us (it starts paused). */
  serverPaused: boolean;
  spatialLayer: number | null;
}

const SOURCES = ['mic', 'camera', 'screen'] as const;
const CONSUME_ATTEMPTS = 4;

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class MediaSession {
  private currentDevice: Device | null = null;
  private send: Transport | null = null;
  private recv: Transport | null = null;
  private readonly localProducers = new Map<MediaSourceName, Producer>();
  private readonly wanted = new Map<MediaSourceName, LocalWanted>();
  /** Consumers by producer id. */
  private readonly remoteConsumers = new Map<string, ConsumerEntry>();
  /** Remote producers of the room, by id. */
  private readonly remote = new Map<string, ProducerInfo>();
  private viewports: Record<string, TileViewport> = {};
  private routerRtpCapabilities: RtpCapabilities | null = null;
  private readonly queue: SerialQueue;
  private readonly reception: ReceptionPolicy;
  private readonly warn: (message: string) => void;
  private unsubs: Array<() => void> = [];
  private closed = false;
  /** Bumped when transports are replaced; late results of older ones are dropped. */
  private epoch = 0;
  private iceRestartTried = { send: false, recv: false };
  private staleCandidates = new Set<string>();
  status: MediaStatus = 'idle';

  constructor(private readonly opts: MediaSessionOptions) {
    this.warn = opts.warn ?? ((message) => console.warn(message));
    this.reception = opts.reception ?? viewportReception(opts.devicePixelRatio);
    this.queue = new SerialQueue((what, err) => this.warn(`[media] ${what} failed: ${describe(err)}`));
  }

  get device(): Device | null {
    return this.currentDevice;
  }
  get sendTransport(): Transport | null {
    return this.send;
  }
  get recvTransport(): Transport | null {
    return this.recv;
  }
  /** Local producers by source. */
  get producers(): ReadonlyMap<MediaSourceName, Producer> {
    return this.localProducers;
  }
  /** Consumers by producer id. */
  get consumers(): ReadonlyMap<string, ConsumerEntry> {
    return this.remoteConsumers;
  }

  /** Loads the device, creates both transports, consumes what the room already sends. */
  start(join: JoinMedia): Promise<void> {
    this.listen();
    return this.enqueue('start', () => this.setup(join));
  }

  /**
   * Subscribes to the server's media events. Call it before sending joinRoom so no newProducer
   * sent between the server's producer list and the answer is lost (start() calls it too).
   */
  listen(): void {
    if (this.unsubs.length || this.closed) return;
    const s = this.opts.signaling;
    const sink = this.opts.sink;
    this.unsubs = [
      s.on('newProducer', (p) => {
        if (p.userId === this.opts.selfId || p.roomId !== this.opts.roomId) return;
        this.announce(p);
        this.enqueue('consume', () => this.consumeOrRetry(p.producerId));
      }),
      s.on('producerPaused', (p) => this.remotePaused(p.producerId, true)),
      s.on('producerResumed', (p) => this.remotePaused(p.producerId, false)),
      s.on('producerClosed', (p) => this.dropRemote(p.producerId)),
      s.on('consumerClosed', (p) => this.dropRemote(p.producerId)),
      s.on('producerScore', (p) => {
        if (p.roomId !== this.opts.roomId) return;
        for (const [source, producer] of this.localProducers) {
          // A paused producer sends nothing: its falling score says nothing about the link.
          if (producer.id !== p.producerId || producer.paused) continue;
          // Simulcast: one score per layer; the best one says whether the link carries anything.
          sink.setUplinkScore?.(
            source,
            p.score.reduce((max, e) => Math.max(max, e.score), 0),
          );
        }
      }),
      s.on('consumerScore', (p) => {
        if (p.roomId !== this.opts.roomId) return;
        for (const [producerId, entry] of this.remoteConsumers) {
          if (entry.consumer.id !== p.consumerId || entry.serverPaused || this.remote.get(producerId)?.paused)
            continue;
          sink.setDownlinkScore?.(producerId, p.score);
        }
      }),
      s.on('activeSpeaker', (p) => {
        if (p.roomId === this.opts.roomId) sink.setActiveSpeaker?.(p.userId);
      }),
      s.on('mediaReset', (p) => {
        if (p.roomId !== this.opts.roomId) return;
        // What is known now belongs to the lost media; producers announced after this event (peers
        // that already rebuilt) are not in `p.producers` and must survive the reset.
        const known = new Set(this.remote.keys());
        this.enqueue('mediaReset', () => this.handleMediaReset(p, known));
      }),
    ];
  }

  /** Before joinRoom again: what is known now may be stale unless the new answer lists it. */
  markResync(): void {
    this.staleCandidates = new Set(this.remote.keys());
  }

  /** The wanted state of one local source; null track + not paused = no producer (screen off). */
  setSource(source: MediaSourceName, track: MediaStreamTrack | null, paused = false): Promise<void> {
    if (!track && !paused) this.wanted.delete(source);
    else this.wanted.set(source, { track, paused });
    return this.enqueue(`source ${source}`, () => this.reconcile(source));
  }

  /** Tile sizes/visibility from the grid: pause unseen video consumers, pick simulcast layers. */
  setViewports(viewports: Record<string, TileViewport>): Promise<void> {
    this.viewports = viewports;
    return this.enqueue('viewports', () => this.applyAllReception());
  }

  /**
   * After a socket reconnect and joinRoom again. When the server kept our transports
   * (`resumedMedia`): restart ICE on them, keep the producers, sync consumers. Else rebuild.
   */
  reconnect(join: JoinMedia | null): Promise<void> {
    return this.enqueue('reconnect', async () => {
      const send = this.send;
      const recv = this.recv;
      const resumed = join?.resumedMedia;
      if (
        !join ||
        !resumed ||
        !send ||
        !recv ||
        !resumed.transportIds.includes(send.id) ||
        !resumed.transportIds.includes(recv.id)
      ) {
        return this.rebuild(join);
      }
      this.setStatus('reconnecting');
      try {
        if (!this.opts.sendIceRestartOnlyWhenBroken || send.connectionState !== 'connected')
          await this.restartIce(send);
        await this.restartIce(recv);
      } catch (err) {
        this.warn(`[media] ICE restart failed, rebuilding transports: ${describe(err)}`);
        return this.rebuild(join);
      }
      // Whatever the server did not keep is made again on the kept transports.
      for (const [source, producer] of [...this.localProducers]) {
        if (resumed.producerIds.includes(producer.id)) continue;
        producer.close();
        this.localProducers.delete(source);
        this.opts.sink.setUplinkScore?.(source, null);
      }
      for (const [producerId, entry] of [...this.remoteConsumers]) {
        if (!resumed.consumerIds.includes(entry.consumer.id)) this.closeConsumer(producerId);
      }
      for (const source of SOURCES) await this.reconcile(source);
      await this.syncRemote(join.producers, true);
      this.setStatus(this.connectedNow() ? 'connected' : 'connecting');
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.stop();
    this.epoch++;
    this.unsubs.forEach((u) => u());
    this.unsubs = [];
    this.teardownTransports();
    this.remote.clear();
    this.setStatus('closed');
  }

  /** Test hook: settles when every queued operation has run. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  // ----- internals -----

  private enqueue(what: string, op: () => Promise<void>): Promise<void> {
    return this.queue.run(what, op);
  }

  private setStatus(status: MediaStatus, error: string | null = null): void {
    if (this.status === 'closed') return;
    this.status = status;
    this.opts.sink.setMediaStatus(status, error);
  }

  private connectedNow(): boolean {
    const ok = (t: Transport | null) => !!t && t.connectionState === 'connected';
    return ok(this.send) || ok(this.recv);
  }

  private async setup(join: JoinMedia | null): Promise<void> {
    this.setStatus('connecting');
    const epoch = ++this.epoch;
    if (join) this.routerRtpCapabilities = join.routerRtpCapabilities as RtpCapabilities;
    if (!this.routerRtpCapabilities) throw new Error('no router RTP capabilities');
    const device = this.opts.createDevice();
    await device.load({ routerRtpCapabilities: this.routerRtpCapabilities });
    if (epoch !== this.epoch || this.closed) return;
    this.currentDevice = device;
    this.send = await this.createTransport(device, 'send', epoch);
    this.recv = await this.createTransport(device, 'recv', epoch);
    if (epoch !== this.epoch || this.closed) return;
    for (const source of SOURCES) await this.reconcile(source);
    const producers = join?.producers ?? [...this.remote.values()];
    await this.syncRemote(producers, !!join);
    // Also those announced by newProducer before this setup (e.g. before the joinRoom answer):
    // their consume found no transport then.
    const listed = new Set(producers.map((p) => p.producerId));
    for (const id of [...this.remote.keys()]) if (!listed.has(id)) await this.consumeOrRetry(id);
    if (this.status === 'connecting' && this.connectedNow()) this.setStatus('connected');
  }

  private async createTransport(
    device: Device,
    direction: TransportDirection,
    epoch: number,
  ): Promise<Transport> {
    const { signaling, sink } = this.opts;
    const answer = await signaling.request('createWebRtcTransport', { roomId: this.opts.roomId, direction });
    const options = transportOptionsOf(answer, this.opts.transportSettings);
    const transport =
      direction === 'send' ? device.createSendTransport(options) : device.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signaling
        .request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters })
        .then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source as MediaSourceName;
        signaling
          .request('produce', {
            transportId: transport.id,
            kind,
            rtpParameters: rtpParameters as unknown as WireRtpParameters,
            source,
          })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (epoch !== this.epoch || this.closed) return;
      sink.setTransportState?.(direction, state);
      if (state === 'connected') {
        this.iceRestartTried[direction] = false;
        if (this.status !== 'connected') this.setStatus('connected');
      } else if (state === 'failed') {
        this.onTransportFailed(direction);
      }
    });
    return transport;
  }

  private onTransportFailed(direction: TransportDirection): void {
    if (!this.iceRestartTried[direction]) {
      this.iceRestartTried[direction] = true;
      this.enqueue(`restartIce ${direction}`, async () => {
        const t = direction === 'send' ? this.send : this.recv;
        if (!t) return;
        this.setStatus('reconnecting');
        try {
          await this.restartIce(t);
        } catch (err) {
          this.warn(`[media] ICE restart failed, rebuilding: ${describe(err)}`);
          await this.rebuild(null);
        }
      });
    } else {
      this.enqueue('rebuild after ICE failure', () => this.rebuild(null));
    }
  }

  private async restartIce(transport: Transport): Promise<void> {
    const { iceParameters, iceServers } = await this.opts.signaling.request('restartIce', {
      transportId: transport.id,
    });
    // The TURN credentials given with the transport may have expired by now.
    if (iceServers?.length) await transport.updateIceServers({ iceServers });
    await transport.restartIce({
      iceParameters: iceParameters as Parameters<Transport['restartIce']>[0]['iceParameters'],
    });
    this.opts.sink.iceRestarted?.(transport.direction);
  }

  private teardownTransports(): void {
    const sink = this.opts.sink;
    for (const [source, p] of this.localProducers) {
      p.close();
      sink.setUplinkScore?.(source, null);
    }
    this.localProducers.clear();
    for (const id of [...this.remoteConsumers.keys()]) {
      this.closeConsumer(id);
      const info = this.remote.get(id);
      if (info && !this.closed) sink.upsertRemoteTrack({ ...this.sinkBase(info), track: null });
    }
    this.send?.close();
    this.recv?.close();
    this.send = null;
    this.recv = null;
    this.currentDevice = null;
    this.iceRestartTried = { send: false, recv: false };
  }

  /** New transports, producers and consumers; the local tracks stay as they are. */
  private async rebuild(join: JoinMedia | null): Promise<void> {
    this.setStatus('reconnecting');
    this.epoch++;
    this.teardownTransports();
    try {
      await this.setup(join);
    } catch (err) {
      this.setStatus('failed', `Media connection failed: ${describe(err)}`);
      throw err;
    }
  }

  private async handleMediaReset(reset: JoinMedia, known: Set<string>): Promise<void> {
    // Our media was lost with its router (its worker died): the producers known before the reset
    // are re-learnt from `reset.producers`; the ones announced since are consumed after the rebuild.
    for (const id of known) {
      if (!this.remote.delete(id)) continue;
      this.opts.sink.removeRemoteTrack(id);
    }
    await this.rebuild({ routerRtpCapabilities: reset.routerRtpCapabilities, producers: reset.producers });
  }

  private async reconcile(source: MediaSourceName): Promise<void> {
    const transport = this.send;
    const device = this.currentDevice;
    if (!transport || !device) return;
    const want = this.wanted.get(source);
    const producer = this.localProducers.get(source);
    const { signaling, sink } = this.opts;
    if (!want) {
      if (!producer) return;
      this.localProducers.delete(source);
      producer.close();
      sink.setUplinkScore?.(source, null);
      await signaling.request('closeProducer', { producerId: producer.id }).catch(() => {});
      return;
    }
    if (!producer) {
      if (!want.track || want.track.readyState === 'ended') return;
      const kind = want.track.kind as MediaKind;
      if (!device.canProduce(kind)) throw new Error(`cannot send ${kind}`);
      const epoch = this.epoch;
      const created = await transport.produce({
        track: want.track,
        stopTracks: false,
        appData: { source },
        ...(this.opts.produceOptions ?? browserProduceOptions)(source),
      });
      if (epoch !== this.epoch || this.closed) {
        created.close();
        return;
      }
      this.localProducers.set(source, created);
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
    } else if (!want.paused && producer.paused) {
      producer.resume();
      await signaling.request('resumeProducer', { producerId: producer.id });
    }
  }

  private sinkBase(info: ProducerInfo): Omit<SinkTrack, 'track'> {
    return {
      key: info.producerId,
      userId: info.userId,
      source: info.source,
      kind: info.kind,
      paused: !!info.paused,
    };
  }

  /**
   * Consume every listed producer. With `prune`, drop those known before markResync() that the
   * list no longer has (closed while we were away); ones announced since stay.
   */
  private async syncRemote(producers: ProducerInfo[], prune = false): Promise<void> {
    const present = new Set(producers.map((p) => p.producerId));
    if (prune) for (const id of this.staleCandidates) if (!present.has(id)) this.dropRemote(id);
    this.staleCandidates.clear();
    for (const p of producers) {
      if (p.userId === this.opts.selfId) continue;
      const known = this.remote.get(p.producerId);
      if (known && !!known.paused !== !!p.paused) this.remotePaused(p.producerId, !!p.paused);
      if (!known) this.announce(p);
      await this.consumeOrRetry(p.producerId);
    }
  }

  /**
   * consume(), and on failure (timeout on a busy server…) try again a little later, a few times;
   * not when the producer is gone (closed meanwhile: not this session's error).
   */
  private async consumeOrRetry(producerId: string, attempt = 1): Promise<void> {
    try {
      await this.consume(producerId);
    } catch (err) {
      if (this.closed || !this.remote.has(producerId) || errorCodeOf(err) === 'PRODUCER_NOT_FOUND') return;
      this.warn(`[media] consume ${producerId} failed (attempt ${attempt}): ${describe(err)}`);
      if (attempt >= CONSUME_ATTEMPTS) return;
      const epoch = this.epoch;
      setTimeout(() => {
        if (epoch === this.epoch)
          void this.enqueue('consume retry', () => this.consumeOrRetry(producerId, attempt + 1));
      }, 500 * attempt);
    }
  }

  /** A remote producer exists: known at once (so a quick producerClosed wins), consumed in turn. */
  private announce(p: ProducerInfo): void {
    if (this.remote.has(p.producerId)) return;
    const info: ProducerInfo = { ...p, paused: !!p.paused };
    this.remote.set(p.producerId, info);
    this.opts.sink.upsertRemoteTrack({ ...this.sinkBase(info), track: null });
  }

  private async consume(producerId: string): Promise<void> {
    const info = this.remote.get(producerId);
    if (!info || this.remoteConsumers.has(producerId)) return;
    if (!this.reception.receptionOf(info, this.viewports).consume) return;
    const transport = this.recv;
    const device = this.currentDevice;
    if (!transport || !device) return;
    const epoch = this.epoch;
    const data = await this.opts.signaling.request('consume', {
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
    if (epoch !== this.epoch || this.closed || !this.remote.has(producerId)) {
      consumer.close();
      return;
    }
    const entry: ConsumerEntry = { consumer, info, serverPaused: true, spatialLayer: null };
    this.remoteConsumers.set(producerId, entry);
    if (typeof data.producerPaused === 'boolean')
      this.remote.set(producerId, { ...this.remote.get(producerId)!, paused: data.producerPaused });
    const current = this.remote.get(producerId)!;
    this.opts.sink.consumerCreated?.(consumer, current);
    this.opts.sink.upsertRemoteTrack({ ...this.sinkBase(current), track: consumer.track });
    await this.applyReception(entry);
  }

  private remotePaused(producerId: string, paused: boolean): void {
    const info = this.remote.get(producerId);
    if (info) this.remote.set(producerId, { ...info, paused });
    this.opts.sink.setRemotePaused(producerId, paused);
    if (paused) this.opts.sink.setDownlinkScore?.(producerId, null);
  }

  private dropRemote(producerId: string): void {
    this.remote.delete(producerId);
    this.closeConsumer(producerId);
    this.opts.sink.removeRemoteTrack(producerId);
  }

  private closeConsumer(producerId: string): void {
    const entry = this.remoteConsumers.get(producerId);
    if (!entry) return;
    this.remoteConsumers.delete(producerId);
    entry.consumer.close();
    this.opts.sink.setDownlinkScore?.(producerId, null);
    this.opts.sink.consumerClosed?.(entry.consumer, entry.info);
  }

  private async applyAllReception(): Promise<void> {
    for (const entry of [...this.remoteConsumers.values()]) {
      if (entry.consumer.closed) continue;
      await this.applyReception(entry).catch((err: unknown) =>
        this.warn(`[media] reception change failed: ${describe(err)}`),
      );
    }
  }

  /** Resume/pause a consumer and pick its simulcast layer, as the reception policy says. */
  private async applyReception(entry: ConsumerEntry): Promise<void> {
    const { consumer, info } = entry;
    const signaling = this.opts.signaling;
    const { paused, spatialLayer } = this.reception.receptionOf(info, this.viewports);
    if (spatialLayer !== null && !paused && entry.spatialLayer !== spatialLayer) {
      entry.spatialLayer = spatialLayer;
      await signaling.request('setConsumerLayers', { consumerId: consumer.id, spatialLayer });
    }
    if (paused !== entry.serverPaused) {
      entry.serverPaused = paused;
      if (paused) {
        consumer.pause();
        this.opts.sink.setDownlinkScore?.(info.producerId, null);
        await signaling.request('pauseConsumer', { consumerId: consumer.id });
      } else {
        consumer.resume();
        await signaling.request('resumeConsumer', { consumerId: consumer.id });
      }
    }
  }
}

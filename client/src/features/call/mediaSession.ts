/**
 * The media side of a call, on mediasoup-client: one Device, a send and a recv transport,
 * a producer per local source (mic, camera with simulcast, screen) and a consumer per remote
 * producer. It knows nothing of React; it reports remote tracks to a `MediaSink` (the call
 * store) and takes the wanted local state via `setSource` and the tile viewports via
 * `setViewports`.
 *
 * Every operation runs on one serial queue so transports, produce and consume never race.
 * Reconnect: `reconnect()` restarts ICE on both transports and keeps the producers; when that
 * fails, or after `mediaReset`, `rebuild()` makes new transports, re-produces and re-consumes.
 */
import type { Consumer, Device, Producer, RtpCapabilities, RtpEncodingParameters, Transport } from 'mediasoup-client/types';
import type { TransportConnectionState, TransportDirection } from './connectionQuality';
import { desiredVideoReception, type TileViewport } from './layout';
import type { MediaSignaling } from './mediaSignaling';
import type { JoinMedia, MediaKind, MediaSourceName, ProducerInfo } from './mediaTypes';
import type { RtpCapabilities as WireRtpCapabilities, RtpParameters as WireRtpParameters } from '@minimeet/shared';

export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** A remote track as the store keeps it (key = producer id). */
export interface SinkTrack {
  key: string;
  userId: number;
  source: MediaSourceName;
  kind: MediaKind;
  paused: boolean;
  track: MediaStreamTrack | null;
}

export interface MediaSink {
  upsertRemoteTrack(track: SinkTrack): void;
  setRemotePaused(key: string, paused: boolean): void;
  removeRemoteTrack(key: string): void;
  setActiveSpeaker(userId: number | null): void;
  setMediaStatus(status: MediaStatus, error?: string | null): void;
  /** Connection state of the current send or recv transport (for the connection indicator). */
  setTransportState(direction: TransportDirection, state: TransportConnectionState): void;
  /** Score 0..10 of a local producer that is sending; null when it stops counting (paused, gone). */
  setUplinkScore(source: MediaSourceName, score: number | null): void;
  /** Scores of the consumer of a remote producer (key); null when it stops counting (paused, gone). */
  setDownlinkScore(key: string, score: { score: number; producerScore: number } | null): void;
}

export interface MediaSessionOptions {
  roomId: number;
  selfId: number;
  signaling: MediaSignaling;
  sink: MediaSink;
  createDevice: () => Device;
  devicePixelRatio?: () => number;
}

/** Camera simulcast: 320×180, 640×360, 1280×720 from a 720p capture (see layout.SPATIAL_LAYER_WIDTHS). */
export const CAMERA_ENCODINGS: RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

interface LocalWanted {
  track: MediaStreamTrack | null;
  paused: boolean;
}

interface ConsumerEntry {
  consumer: Consumer;
  info: ProducerInfo;
  /** Whether the server-side consumer is paused by us (it starts paused). */
  serverPaused: boolean;
  spatialLayer: number | null;
}

/** The grid tile that shows a remote video producer (keys from callStore.buildTiles). */
export function tileKeyFor(info: Pick<ProducerInfo, 'userId' | 'source'>): string {
  return info.source === 'screen' ? `screen:${info.userId}` : `user:${info.userId}`;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class MediaSession {
  private device: Device | null = null;
  private sendTransport: Transport | null = null;
  private recvTransport: Transport | null = null;
  private readonly producers = new Map<MediaSourceName, Producer>();
  private readonly wanted = new Map<MediaSourceName, LocalWanted>();
  private readonly consumers = new Map<string, ConsumerEntry>();
  /** Remote producers of the room, by id. */
  private readonly remote = new Map<string, ProducerInfo>();
  private viewports: Record<string, TileViewport> = {};
  private routerRtpCapabilities: RtpCapabilities | null = null;
  private queue: Promise<void> = Promise.resolve();
  private unsubs: Array<() => void> = [];
  private closed = false;
  /** Bumped when transports are replaced; late results of older ones are dropped. */
  private epoch = 0;
  private iceRestartTried = { send: false, recv: false };
  private staleCandidates = new Set<string>();
  status: MediaStatus = 'idle';

  constructor(private readonly opts: MediaSessionOptions) {}

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
    this.unsubs = [
      s.on('newProducer', (p) => {
        if (p.userId === this.opts.selfId) return;
        this.announce(p);
        this.enqueue('consume', () => this.consumeOrRetry(p.producerId));
      }),
      s.on('producerPaused', (p) => this.remotePaused(p.producerId, true)),
      s.on('producerResumed', (p) => this.remotePaused(p.producerId, false)),
      s.on('producerClosed', (p) => this.remoteClosed(p.producerId)),
      s.on('consumerClosed', (p) => this.remoteClosed(p.producerId)),
      s.on('producerScore', (p) => {
        if (p.roomId !== this.opts.roomId) return;
        for (const [source, producer] of this.producers) {
          // A paused producer sends nothing: its falling score says nothing about the link.
          if (producer.id !== p.producerId || producer.paused) continue;
          // Simulcast: one score per layer; the best one says whether the link carries anything.
          this.opts.sink.setUplinkScore(source, p.score.reduce((max, e) => Math.max(max, e.score), 0));
        }
      }),
      s.on('consumerScore', (p) => {
        if (p.roomId !== this.opts.roomId) return;
        for (const [producerId, entry] of this.consumers) {
          if (entry.consumer.id !== p.consumerId || entry.serverPaused || this.remote.get(producerId)?.paused) continue;
          this.opts.sink.setDownlinkScore(producerId, p.score);
        }
      }),
      s.on('activeSpeaker', (p) => {
        if (p.roomId === this.opts.roomId) this.opts.sink.setActiveSpeaker(p.userId);
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
      const send = this.sendTransport;
      const recv = this.recvTransport;
      const resumed = join?.resumedMedia;
      if (!join || !resumed || !send || !recv || !resumed.transportIds.includes(send.id) || !resumed.transportIds.includes(recv.id)) {
        return this.rebuild(join);
      }
      this.setStatus('reconnecting');
      try {
        await this.restartIce(send);
        await this.restartIce(recv);
      } catch (err) {
        console.warn('[media] ICE restart failed, rebuilding transports:', describe(err));
        return this.rebuild(join);
      }
      // Whatever the server did not keep is made again on the kept transports.
      for (const [source, producer] of [...this.producers]) {
        if (resumed.producerIds.includes(producer.id)) continue;
        producer.close();
        this.producers.delete(source);
        this.opts.sink.setUplinkScore(source, null);
      }
      for (const [producerId, entry] of [...this.consumers]) {
        if (resumed.consumerIds.includes(entry.consumer.id)) continue;
        entry.consumer.close();
        this.consumers.delete(producerId);
        this.opts.sink.setDownlinkScore(producerId, null);
      }
      for (const source of ['mic', 'camera', 'screen'] as const) await this.reconcile(source);
      await this.syncRemote(join.producers, true);
      this.setStatus(this.connectedNow() ? 'connected' : 'connecting');
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.epoch++;
    this.unsubs.forEach((u) => u());
    this.unsubs = [];
    this.teardownTransports();
    this.remote.clear();
    this.setStatus('closed');
  }

  /** Test hook: settles when every queued operation has run. */
  idle(): Promise<void> {
    return this.queue;
  }

  // ----- internals -----

  private enqueue(what: string, op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(async () => {
      if (this.closed) return;
      try {
        await op();
      } catch (err) {
        if (this.closed) return;
        console.warn(`[media] ${what} failed:`, describe(err));
      }
    });
    this.queue = run;
    return run;
  }

  private setStatus(status: MediaStatus, error: string | null = null): void {
    if (this.status === 'closed') return;
    this.status = status;
    this.opts.sink.setMediaStatus(status, error);
  }

  private connectedNow(): boolean {
    const ok = (t: Transport | null) => !!t && t.connectionState === 'connected';
    return ok(this.sendTransport) || ok(this.recvTransport);
  }

  private async setup(join: JoinMedia | null): Promise<void> {
    this.setStatus('connecting');
    const epoch = ++this.epoch;
    if (join) this.routerRtpCapabilities = join.routerRtpCapabilities as RtpCapabilities;
    if (!this.routerRtpCapabilities) throw new Error('no router RTP capabilities');
    const device = this.opts.createDevice();
    await device.load({ routerRtpCapabilities: this.routerRtpCapabilities });
    if (epoch !== this.epoch || this.closed) return;
    this.device = device;
    this.sendTransport = await this.createTransport('send', epoch);
    this.recvTransport = await this.createTransport('recv', epoch);
    if (epoch !== this.epoch || this.closed) return;
    for (const source of ['mic', 'camera', 'screen'] as const) await this.reconcile(source);
    const producers = join?.producers ?? [...this.remote.values()];
    await this.syncRemote(producers, !!join);
    if (this.status === 'connecting' && this.connectedNow()) this.setStatus('connected');
  }

  private async createTransport(direction: 'send' | 'recv', epoch: number): Promise<Transport> {
    const { signaling } = this.opts;
    const data = await signaling.request('createWebRtcTransport', { roomId: this.opts.roomId, direction });
    const device = this.device!;
    const params = {
      id: data.id,
      iceParameters: data.iceParameters,
      iceCandidates: data.iceCandidates,
      dtlsParameters: data.dtlsParameters,
      ...(data.sctpParameters ? { sctpParameters: data.sctpParameters } : {}),
      // TURN (short-lived credentials) for networks that block UDP or the SFU's address.
      iceServers: data.iceServers ?? [],
      iceTransportPolicy: data.iceTransportPolicy ?? 'all',
    } as Parameters<Device['createSendTransport']>[0];
    const transport = direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      signaling.request('connectWebRtcTransport', { transportId: transport.id, dtlsParameters }).then(() => callback(), errback);
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData.source as MediaSourceName;
        signaling
          .request('produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as unknown as WireRtpParameters, source })
          .then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    transport.on('connectionstatechange', (state) => {
      if (epoch !== this.epoch || this.closed) return;
      this.opts.sink.setTransportState(direction, state);
      if (state === 'connected') {
        this.iceRestartTried[direction] = false;
        if (this.status !== 'connected') this.setStatus('connected');
      } else if (state === 'failed') {
        this.onTransportFailed(direction);
      }
    });
    return transport;
  }

  private onTransportFailed(direction: 'send' | 'recv'): void {
    if (!this.iceRestartTried[direction]) {
      this.iceRestartTried[direction] = true;
      this.enqueue(`restartIce ${direction}`, async () => {
        const t = direction === 'send' ? this.sendTransport : this.recvTransport;
        if (!t) return;
        this.setStatus('reconnecting');
        try {
          await this.restartIce(t);
        } catch (err) {
          console.warn('[media] ICE restart failed, rebuilding:', describe(err));
          await this.rebuild(null);
        }
      });
    } else {
      this.enqueue('rebuild after ICE failure', () => this.rebuild(null));
    }
  }

  private async restartIce(transport: Transport): Promise<void> {
    const { iceParameters, iceServers } = await this.opts.signaling.request('restartIce', { transportId: transport.id });
    // The TURN credentials given with the transport may have expired by now.
    if (iceServers?.length) await transport.updateIceServers({ iceServers });
    await transport.restartIce({ iceParameters: iceParameters as Parameters<Transport['restartIce']>[0]['iceParameters'] });
  }

  private teardownTransports(): void {
    for (const [source, p] of this.producers) {
      p.close();
      this.opts.sink.setUplinkScore(source, null);
    }
    this.producers.clear();
    for (const [id, c] of this.consumers) {
      c.consumer.close();
      this.opts.sink.setDownlinkScore(id, null);
      const info = this.remote.get(id);
      if (info && !this.closed) this.opts.sink.upsertRemoteTrack({ ...this.sinkBase(info), track: null });
    }
    this.consumers.clear();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = null;
    this.recvTransport = null;
    this.device = null;
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
    const transport = this.sendTransport;
    if (!transport || !this.device) return;
    const want = this.wanted.get(source);
    const producer = this.producers.get(source);
    const signaling = this.opts.signaling;
    if (!want) {
      if (!producer) return;
      this.producers.delete(source);
      producer.close();
      this.opts.sink.setUplinkScore(source, null);
      await signaling.request('closeProducer', { producerId: producer.id }).catch(() => {});
      return;
    }
    if (!producer) {
      if (!want.track || want.track.readyState === 'ended') return;
      const kind = want.track.kind as MediaKind;
      if (!this.device.canProduce(kind)) throw new Error(`cannot send ${kind}`);
      const epoch = this.epoch;
      const created = await transport.produce({
        track: want.track,
        stopTracks: false,
        appData: { source },
        ...(source === 'camera' ? { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } } : {}),
        ...(source === 'mic' ? { codecOptions: { opusStereo: false, opusDtx: true } } : {}),
      });
      if (epoch !== this.epoch || this.closed) {
        created.close();
        return;
      }
      this.producers.set(source, created);
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
      this.opts.sink.setUplinkScore(source, null);
      await signaling.request('pauseProducer', { producerId: producer.id });
    } else if (!want.paused && producer.paused) {
      producer.resume();
      await signaling.request('resumeProducer', { producerId: producer.id });
    }
  }

  private sinkBase(info: ProducerInfo): Omit<SinkTrack, 'track'> {
    return { key: info.producerId, userId: info.userId, source: info.source, kind: info.kind, paused: !!info.paused };
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

  /** consume(), and on failure (timeout on a busy server…) try again a little later, a few times. */
  private async consumeOrRetry(producerId: string, attempt = 1): Promise<void> {
    try {
      await this.consume(producerId);
    } catch (err) {
      if (this.closed || !this.remote.has(producerId)) return;
      console.warn(`[media] consume ${producerId} failed (attempt ${attempt}):`, describe(err));
      if (attempt >= 4) return;
      const epoch = this.epoch;
      setTimeout(() => {
        if (epoch === this.epoch) void this.enqueue('consume retry', () => this.consumeOrRetry(producerId, attempt + 1));
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
    const p = this.remote.get(producerId);
    if (!p || this.consumers.has(producerId)) return;
    const info = p;
    const transport = this.recvTransport;
    const device = this.device;
    if (!transport || !device) return;
    const epoch = this.epoch;
    const data = await this.opts.signaling.request('consume', {
      transportId: transport.id,
      producerId: p.producerId,
      rtpCapabilities: device.recvRtpCapabilities as unknown as WireRtpCapabilities,
    });
    const consumer = await transport.consume({
      id: data.consumerId,
      producerId: data.producerId,
      kind: data.kind,
      rtpParameters: data.rtpParameters as Parameters<Transport['consume']>[0]['rtpParameters'],
      appData: { source: p.source, userId: p.userId },
    });
    if (epoch !== this.epoch || this.closed || !this.remote.has(p.producerId)) {
      consumer.close();
      return;
    }
    const entry: ConsumerEntry = { consumer, info, serverPaused: true, spatialLayer: null };
    this.consumers.set(p.producerId, entry);
    if (typeof data.producerPaused === 'boolean') this.remote.set(p.producerId, { ...this.remote.get(p.producerId)!, paused: data.producerPaused });
    const current = this.remote.get(p.producerId)!;
    this.opts.sink.upsertRemoteTrack({ ...this.sinkBase(current), track: consumer.track });
    await this.applyReception(entry);
  }

  private remotePaused(producerId: string, paused: boolean): void {
    const info = this.remote.get(producerId);
    if (info) this.remote.set(producerId, { ...info, paused });
    this.opts.sink.setRemotePaused(producerId, paused);
    if (paused) this.opts.sink.setDownlinkScore(producerId, null);
  }

  private remoteClosed(producerId: string): void {
    this.dropRemote(producerId);
  }

  private dropRemote(producerId: string): void {
    this.remote.delete(producerId);
    const entry = this.consumers.get(producerId);
    if (entry) {
      this.consumers.delete(producerId);
      entry.consumer.close();
    }
    this.opts.sink.removeRemoteTrack(producerId);
  }

  private async applyAllReception(): Promise<void> {
    for (const entry of [...this.consumers.values()]) {
      if (entry.consumer.closed) continue;
      await this.applyReception(entry).catch((err: unknown) => console.warn('[media] reception change failed:', describe(err)));
    }
  }

  /** Resume/pause a consumer and pick its simulcast layer from its tile (layout rules). */
  private async applyReception(entry: ConsumerEntry): Promise<void> {
    const { consumer, info } = entry;
    const signaling = this.opts.signaling;
    let paused = false;
    let spatialLayer: number | null = null;
    if (info.kind === 'video') {
      const want = desiredVideoReception(this.viewports[tileKeyFor(info)], this.opts.devicePixelRatio?.() ?? 1);
      paused = want.paused;
      if (info.source === 'camera') spatialLayer = want.spatialLayer;
    }
    if (spatialLayer !== null && !paused && entry.spatialLayer !== spatialLayer) {
      entry.spatialLayer = spatialLayer;
      await signaling.request('setConsumerLayers', { consumerId: consumer.id, spatialLayer });
    }
    if (paused !== entry.serverPaused) {
      entry.serverPaused = paused;
      if (paused) {
        consumer.pause();
        this.opts.sink.setDownlinkScore(info.producerId, null);
        await signaling.request('pauseConsumer', { consumerId: consumer.id });
      } else {
        consumer.resume();
        await signaling.request('resumeConsumer', { consumerId: consumer.id });
      }
    }
  }
}

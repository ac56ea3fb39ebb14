/**
 * The media side of a call, on mediasoup-client: one Device, a send and a recv transport, a
 * producer per local source (local-producers.ts) and a consumer per remote producer
 * (remote-consumers.ts). The browser app and the Node peer both run it; it reports to a
 * `MediaSink`, takes the wanted local state via `setSource` and what to receive from a
 * `ReceptionPolicy` (tile viewports in the browser).
 *
 * Every operation runs on one serial queue. Reconnect: `reconnect()` restarts ICE on both
 * transports and keeps the producers; when that fails, or after `mediaReset`, `rebuild()` makes
 * new transports, re-produces and re-consumes.
 */
import type { RtpParameters as WireRtpParameters } from '@minimeet/shared';
import type { Device, Producer, RtpCapabilities, Transport } from 'mediasoup-client/types';
import { LocalProducers } from './local-producers.js';
import { describeError, type MediaContext } from './media-context.js';
import { browserProduceOptions, type SourceProduceOptions } from './produce-options.js';
import { viewportReception, type ReceptionPolicy, type TileViewport } from './reception.js';
import { RemoteConsumers, type ConsumerEntry } from './remote-consumers.js';
import { SerialQueue } from './serial-queue.js';
import type { MediaSignaling } from './signaling.js';
import type { MediaSink } from './sink.js';
import { transportOptionsOf } from './transport-options.js';
import type { JoinMedia, MediaSourceName, MediaStatus, TransportDirection } from './types.js';

export type { ConsumerEntry } from './remote-consumers.js';

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
  /** How long a video consumer whose tile is no longer shown stays (paused) before it is closed. */
  closeUnshownAfterMs?: number;
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

export class MediaSession {
  private currentDevice: Device | null = null;
  private send: Transport | null = null;
  private recv: Transport | null = null;
  private readonly local: LocalProducers;
  private readonly remote: RemoteConsumers;
  private routerRtpCapabilities: RtpCapabilities | null = null;
  private readonly queue: SerialQueue;
  private readonly warn: (message: string) => void;
  private unsubs: Array<() => void> = [];
  private closed = false;
  /** Bumped when transports are replaced; late results of older ones are dropped. */
  private epoch = 0;
  private iceRestartTried = { send: false, recv: false };
  /** False for a webinar attendee (setCanSend): no send transport, no producers. */
  private sending = true;
  status: MediaStatus = 'idle';

  constructor(private readonly opts: MediaSessionOptions) {
    this.warn = opts.warn ?? ((message) => console.warn(message));
    this.queue = new SerialQueue((what, err) => this.warn(`[media] ${what} failed: ${describeError(err)}`));
    const ctx: MediaContext = {
      signaling: opts.signaling,
      sink: opts.sink,
      warn: this.warn,
      device: () => this.currentDevice,
      transport: (direction) => (direction === 'send' ? this.send : this.recv),
      canSend: () => this.sending,
      epoch: () => this.epoch,
      closed: () => this.closed,
      enqueue: (what, op) => this.enqueue(what, op),
    };
    this.local = new LocalProducers(ctx, opts.produceOptions ?? browserProduceOptions);
    this.remote = new RemoteConsumers(
      ctx,
      opts.reception ?? viewportReception(opts.devicePixelRatio),
      opts.closeUnshownAfterMs,
    );
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
    return this.local.all;
  }
  /** Consumers by producer id. */
  get consumers(): ReadonlyMap<string, ConsumerEntry> {
    return this.remote.all;
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
    const inRoom = (roomId: number) => roomId === this.opts.roomId;
    this.unsubs = [
      s.on('newProducer', (p) => {
        if (p.userId === this.opts.selfId || !inRoom(p.roomId)) return;
        this.remote.announce(p);
        this.enqueue('consume', () => this.remote.consumeOrRetry(p.producerId));
      }),
      s.on('producerPaused', (p) => this.remote.setPaused(p.producerId, true)),
      s.on('producerResumed', (p) => this.remote.setPaused(p.producerId, false)),
      s.on('producerClosed', (p) => this.remote.drop(p.producerId)),
      // `inaudible`: the microphone left our loudest; it still exists and may come back.
      s.on('consumerClosed', (p) =>
        p.reason === 'inaudible' ? this.remote.consumerGone(p.producerId) : this.remote.drop(p.producerId),
      ),
      s.on('audibleProducers', (p) => {
        if (!inRoom(p.roomId)) return;
        this.enqueue('audible', async () => {
          this.setAudible(p);
          await this.remote.applyAllReception();
        });
      }),
      s.on('producerLayersWanted', (p) => {
        if (inRoom(p.roomId))
          this.enqueue('layers wanted', () => this.local.layersWanted(p.producerId, p.maxSpatialLayer));
      }),
      s.on('producerScore', (p) => {
        if (inRoom(p.roomId)) this.local.scored(p.producerId, p.score);
      }),
      s.on('consumerScore', (p) => {
        if (inRoom(p.roomId)) this.remote.scored(p.consumerId, p.score);
      }),
      s.on('activeSpeaker', (p) => {
        if (inRoom(p.roomId)) this.opts.sink.setActiveSpeaker?.(p.userId);
      }),
      s.on('mediaReset', (p) => {
        if (!inRoom(p.roomId)) return;
        // What is known now belongs to the lost media; producers announced after this event (peers
        // that already rebuilt) are not in `p.producers` and must survive the reset.
        const known = this.remote.knownIds();
        this.enqueue('mediaReset', () => this.handleMediaReset(p, known));
      }),
    ];
  }

  /** Before joinRoom again: what is known now may be stale unless the new answer lists it. */
  markResync(): void {
    this.remote.markResync();
  }

  private setAudible(audible: { producerIds: string[]; limit: number }): void {
    this.remote.setAudible(
      audible.producerIds,
      audible.limit,
      () => new Set([...this.local.all.values()].map((p) => p.id)),
    );
  }

  /** The join answer's speaker: `activeSpeaker` only reports changes, so a new socket starts from it. */
  private setSpeakerFrom(join: JoinMedia): void {
    if (join.activeSpeakerUserId !== undefined) this.opts.sink.setActiveSpeaker?.(join.activeSpeakerUserId);
  }

  /** The wanted state of one local source; null track + not paused = no producer (screen off). */
  setSource(source: MediaSourceName, track: MediaStreamTrack | null, paused = false): Promise<void> {
    this.local.want(source, track, paused);
    return this.enqueue(`source ${source}`, () => this.local.reconcile(source));
  }

  /**
   * The server paused our producer of `source` (a moderator's mute); the caller then wants it
   * paused with setSource, and an unmute after that is sent even if it comes first in the queue.
   */
  sourcePausedByServer(source: MediaSourceName): void {
    this.local.serverPaused(source);
  }

  /** Whether we may publish now. */
  get canSend(): boolean {
    return this.sending;
  }

  /**
   * On stage (true): a send transport is made if none, the wanted sources produced. Sent back
   * (false): local producers close (the server closed its side); the send transport stays.
   */
  setCanSend(on: boolean): Promise<void> {
    this.sending = on;
    return this.enqueue(on ? 'on stage' : 'off stage', async () => {
      if (!this.sending) return this.local.closeAll();
      const device = this.currentDevice;
      if (device && !this.send) this.send = await this.createTransport(device, 'send', this.epoch);
      await this.local.reconcileAll();
    });
  }

  /** Tile sizes/visibility from the grid: pause unseen video consumers, pick simulcast layers. */
  setViewports(viewports: Record<string, TileViewport>): Promise<void> {
    this.remote.setViewports(viewports);
    return this.enqueue('viewports', () => this.remote.applyAllReception());
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
      const kept = (t: Transport | null) => !!t && !!resumed?.transportIds.includes(t.id);
      // Someone who may not send has no send transport to keep.
      const sendKept = send ? kept(send) : !this.sending;
      if (!join || !resumed || !recv || !sendKept || !kept(recv)) return this.rebuild(join);
      this.setStatus('reconnecting');
      try {
        if (send && (!this.opts.sendIceRestartOnlyWhenBroken || send.connectionState !== 'connected'))
          await this.restartIce(send);
        await this.restartIce(recv);
      } catch (err) {
        this.warn(`[media] ICE restart failed, rebuilding transports: ${describeError(err)}`);
        return this.rebuild(join);
      }
      // Whatever the server did not keep is made again on the kept transports.
      this.local.keepOnly(resumed.producerIds);
      this.remote.keepOnly(resumed.consumerIds);
      if (join.audibleProducers) this.setAudible(join.audibleProducers);
      this.setSpeakerFrom(join);
      await this.local.reconcileAll();
      await this.remote.sync(join.producers, this.opts.selfId, true);
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
    if (join?.audibleProducers) this.setAudible(join.audibleProducers);
    if (join) this.setSpeakerFrom(join);
    if (!this.routerRtpCapabilities) throw new Error('no router RTP capabilities');
    const device = this.opts.createDevice();
    await device.load({ routerRtpCapabilities: this.routerRtpCapabilities });
    if (epoch !== this.epoch || this.closed) return;
    this.currentDevice = device;
    if (this.sending) this.send = await this.createTransport(device, 'send', epoch);
    this.recv = await this.createTransport(device, 'recv', epoch);
    if (epoch !== this.epoch || this.closed) return;
    await this.local.reconcileAll();
    const producers = join?.producers ?? this.remote.knownProducers();
    await this.remote.sync(producers, this.opts.selfId, !!join);
    // Also those announced by newProducer before this setup (e.g. before the joinRoom answer):
    // their consume found no transport then.
    await this.remote.consumeUnlisted(producers);
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
        const wire = rtpParameters as unknown as WireRtpParameters;
        const paused = appData.paused === true;
        signaling
          .request('produce', { transportId: transport.id, kind, rtpParameters: wire, source, ...(paused ? { paused } : {}) })
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
    if (this.iceRestartTried[direction]) {
      this.enqueue('rebuild after ICE failure', () => this.rebuild(null));
      return;
    }
    this.iceRestartTried[direction] = true;
    this.enqueue(`restartIce ${direction}`, async () => {
      const t = direction === 'send' ? this.send : this.recv;
      if (!t) return;
      this.setStatus('reconnecting');
      try {
        await this.restartIce(t);
      } catch (err) {
        this.warn(`[media] ICE restart failed, rebuilding: ${describeError(err)}`);
        await this.rebuild(null);
      }
    });
  }

  private async restartIce(transport: Transport): Promise<void> {
    const { signaling, sink } = this.opts;
    const { iceParameters, iceServers } = await signaling.request('restartIce', {
      transportId: transport.id,
    });
    // The TURN credentials given with the transport may have expired by now.
    if (iceServers?.length) await transport.updateIceServers({ iceServers });
    type IceParameters = Parameters<Transport['restartIce']>[0]['iceParameters'];
    await transport.restartIce({ iceParameters: iceParameters as IceParameters });
    sink.iceRestarted?.(transport.direction);
  }

  private teardownTransports(): void {
    this.local.closeAll();
    this.remote.closeAllConsumers();
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
      this.setStatus('failed', `Media connection failed: ${describeError(err)}`);
      throw err;
    }
  }

  private async handleMediaReset(reset: JoinMedia, known: Set<string>): Promise<void> {
    // Our media was lost with its router (its worker died): the producers known before the reset
    // are re-learnt from `reset.producers`; the ones announced since are consumed after the rebuild.
    this.remote.forget(known);
    await this.rebuild({ routerRtpCapabilities: reset.routerRtpCapabilities, producers: reset.producers });
  }
}

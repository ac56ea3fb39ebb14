/** Test doubles for the mediasoup-client boundary (Device / Transport / Producer / Consumer). */
import type { Device } from 'mediasoup-client/types';
import { vi } from 'vitest';

type Handler = (...args: unknown[]) => void;

export class FakeTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly id = `${kind}-${Math.random().toString(36).slice(2, 8)}`,
  ) {}
  stop() {
    this.readyState = 'ended';
  }
}

export class FakeProducer {
  paused = false;
  closed = false;
  constructor(
    readonly id: string,
    public track: FakeTrack | null,
    readonly appData: Record<string, unknown>,
    readonly encodings: unknown,
  ) {}
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  replaceTrack = vi.fn(async ({ track }: { track: FakeTrack | null }) => {
    this.track = track;
  });
  get kind(): 'audio' | 'video' {
    return this.track?.kind ?? (this.appData.source === 'mic' ? 'audio' : 'video');
  }
  setMaxSpatialLayer = vi.fn(async (_spatialLayer: number) => {});
  close() {
    this.closed = true;
  }
}

export class FakeConsumer {
  closed = false;
  paused = false;
  readonly track: FakeTrack;
  constructor(
    readonly id: string,
    readonly producerId: string,
    readonly kind: 'audio' | 'video',
  ) {
    this.track = new FakeTrack(kind);
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  close() {
    this.closed = true;
  }
}

export class FakeTransport {
  connectionState = 'new';
  closed = false;
  readonly producers: FakeProducer[] = [];
  readonly consumers: FakeConsumer[] = [];
  private handlers = new Map<string, Handler>();
  constructor(
    readonly id: string,
    readonly direction: 'send' | 'recv',
  ) {}
  on(event: string, h: Handler) {
    this.handlers.set(event, h);
    return this;
  }
  /** Simulates mediasoup-client's connection state events. */
  setState(state: string) {
    this.connectionState = state;
    this.handlers.get('connectionstatechange')?.(state);
  }
  private connected = false;
  private async ensureConnected() {
    if (this.connected) return;
    this.connected = true;
    await new Promise<void>((resolve, reject) =>
      this.handlers.get('connect')!({ dtlsParameters: { fingerprints: [] } }, resolve, reject),
    );
  }
  produce = vi.fn(
    async (opts: { track: FakeTrack; appData: Record<string, unknown>; encodings?: unknown }) => {
      await this.ensureConnected();
      const { id } = await new Promise<{ id: string }>((resolve, reject) =>
        this.handlers.get('produce')!(
          { kind: opts.track.kind, rtpParameters: { codecs: [] }, appData: opts.appData },
          resolve,
          reject,
        ),
      );
      const p = new FakeProducer(id, opts.track, opts.appData, opts.encodings);
      this.producers.push(p);
      return p;
    },
  );
  consume = vi.fn(async (opts: { id: string; producerId: string; kind: 'audio' | 'video' }) => {
    await this.ensureConnected();
    const c = new FakeConsumer(opts.id, opts.producerId, opts.kind);
    this.consumers.push(c);
    return c;
  });
  restartIce = vi.fn(async () => {});
  close() {
    this.closed = true;
  }
}

export class FakeDevice {
  loaded = false;
  readonly transports: FakeTransport[] = [];
  recvRtpCapabilities = { codecs: [] };
  load = vi.fn(async () => {
    this.loaded = true;
  });
  canProduce() {
    return true;
  }
  createSendTransport(p: { id: string }) {
    const t = new FakeTransport(p.id, 'send');
    this.transports.push(t);
    return t;
  }
  createRecvTransport(p: { id: string }) {
    const t = new FakeTransport(p.id, 'recv');
    this.transports.push(t);
    return t;
  }
}

export function fakeDeviceFactory() {
  const devices: FakeDevice[] = [];
  const create = () => {
    const d = new FakeDevice();
    devices.push(d);
    return d as unknown as Device;
  };
  return { devices, create, last: () => devices[devices.length - 1]! };
}

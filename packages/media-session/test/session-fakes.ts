/** A fake signaling that answers like the server, and a sink that records what the session reports. */
import type { RemoteProducer } from '@minimeet/shared';
import { vi } from 'vitest';
import { MediaSession, type MediaSessionOptions } from '../src/media-session.js';
import { receiveEverything } from '../src/reception.js';
import type { MediaEventName, MediaSignaling } from '../src/signaling.js';
import { fakeDeviceFactory, type FakeTransport } from '../src/testing/mediasoup-fakes.js';
import type { MediaSink, SinkTrack } from '../src/sink.js';

export const caps = { codecs: [] };
export const prod = (
  id: string,
  userId: number,
  source: RemoteProducer['source'],
  paused = false,
): RemoteProducer => ({
  producerId: id,
  userId,
  kind: source === 'mic' ? 'audio' : 'video',
  source,
  paused,
});

export function fakeSignaling() {
  const handlers = new Map<string, Set<(p: unknown) => void>>();
  let transportSeq = 0;
  const calls: Array<[string, Record<string, unknown>]> = [];
  const fail = new Set<string>();
  /** Requests refused with a wire error code (event → code), like the server's Ack errors. */
  const refuse = new Map<string, string>();
  const pausedProducers = new Set<string>(['p2cam-off']);
  const signaling: MediaSignaling = {
    request: vi.fn(async (event: string, payload: Record<string, unknown>) => {
      calls.push([event, payload]);
      if (fail.has(event)) throw new Error(`${event} refused`);
      const code = refuse.get(event);
      if (code) throw Object.assign(new Error(`${event}: ${code}`), { code });
      switch (event) {
        case 'createWebRtcTransport':
          return {
            id: `t${++transportSeq}-${String(payload.direction)}`,
            direction: payload.direction,
            iceParameters: {},
            iceCandidates: [],
            dtlsParameters: {},
          };
        case 'produce':
          return { producerId: `own-${String(payload.source)}-${transportSeq}` };
        case 'consume': {
          const id = String(payload.producerId);
          return {
            consumerId: `c-${id}-${transportSeq}`,
            producerId: id,
            userId: 0,
            kind: id.includes('mic') ? 'audio' : 'video',
            source: 'camera',
            rtpParameters: {},
            // Cameras and screens simulcast, as a browser sends them; a single encoding ('single'
            // in the id, e.g. a Node peer's camera) and microphones are simple consumers.
            type: id.includes('mic') || id.includes('single') ? 'simple' : 'simulcast',
            producerPaused: pausedProducers.has(id),
          };
        }
        case 'restartIce':
          return { iceParameters: { usernameFragment: 'u', password: 'p' } };
        default:
          return {};
      }
    }) as unknown as MediaSignaling['request'],
    on: (event, handler) => {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      set.add(handler as (p: unknown) => void);
      return () => set.delete(handler as (p: unknown) => void);
    },
  };
  return {
    signaling,
    calls,
    fail,
    refuse,
    emit: (event: MediaEventName, payload: unknown) => handlers.get(event)?.forEach((h) => h(payload)),
    named: (event: string) => calls.filter(([e]) => e === event).map(([, p]) => p),
    listeners: () => [...handlers.values()].reduce((n, s) => n + s.size, 0),
  };
}

export function recordingSink() {
  const remote: Record<string, SinkTrack> = {};
  const transportStates: string[] = [];
  const uplink: Record<string, number | null> = {};
  const downlink: Record<string, { score: number; producerScore: number } | null> = {};
  const sink: MediaSink & {
    remote: typeof remote;
    speaker: number | null;
    statuses: string[];
    transportStates: string[];
    uplink: typeof uplink;
    downlink: typeof downlink;
    layers: Array<[string, number | null]>;
  } = {
    layers: [],
    remote,
    transportStates,
    uplink,
    downlink,
    speaker: null,
    statuses: [],
    upsertRemoteTrack: (t) => void (remote[t.key] = t),
    setRemotePaused: (k, paused) => {
      if (remote[k]) remote[k] = { ...remote[k], paused };
    },
    removeRemoteTrack: (k) => void delete remote[k],
    setActiveSpeaker(id) {
      this.speaker = id;
    },
    setMediaStatus(status) {
      this.statuses.push(status);
    },
    setTransportState: (direction, state) => void transportStates.push(`${direction}:${state}`),
    setUplinkScore: (source, score) => void (uplink[source] = score),
    setDownlinkScore: (key, score) => void (downlink[key] = score),
    layersWanted(source, maxSpatialLayer) {
      this.layers.push([source, maxSpatialLayer]);
    },
  };
  return sink;
}

/**
 * Fresh fakes (signaling, sink, device) and a maker of sessions on them: room 5, self 1,
 * everything received unless `extra` says otherwise.
 */
export function sessionFakes() {
  const sig = fakeSignaling();
  const sink = recordingSink();
  const dev = fakeDeviceFactory();
  const newSession = (extra: Partial<MediaSessionOptions> = {}) =>
    new MediaSession({
      roomId: 5,
      selfId: 1,
      signaling: sig.signaling,
      sink,
      createDevice: dev.create,
      reception: receiveEverything,
      ...extra,
    });
  return { sig, sink, dev, newSession, transports: () => dev.last().transports as FakeTransport[] };
}

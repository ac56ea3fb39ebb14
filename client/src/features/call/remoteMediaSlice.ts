/**
 * Remote media as the UI shows it: the `MediaSink` the SFU session reports to (tracks, pauses,
 * active speaker, scores, transport states), the connection health built from it, and the tile
 * viewports that steer what is received.
 */
import type { Participant } from '@minimeet/shared';
import type { CallSlice } from './callState';
import { emptyNetworkHealth, markScore, withTransportState, type NetworkHealth } from './connectionQuality';
import type { TileViewport } from './layout';
import type { MediaSink, MediaStatus, SinkTrack } from './mediaSessionApi';

/** A remote track: key = producer id (one per user and source), track null until consumed. */
export type RemoteTrack = SinkTrack;

export interface RemoteMediaState {
  remote: Record<string, RemoteTrack>;
  activeSpeakerId: number | null;
  tileViewports: Record<string, TileViewport>;
  /** State of the SFU media connection ('idle' when the server offers no media). */
  mediaStatus: MediaStatus;
  /** Transport states and stream scores behind the "poor connection / reconnecting" indicator. */
  network: NetworkHealth;
}

/** The sink callbacks the browser implements (the Node peer's producer/consumer hooks it does not need). */
type BrowserMediaSink = Required<
  Pick<
    MediaSink,
    | 'upsertRemoteTrack'
    | 'setRemotePaused'
    | 'removeRemoteTrack'
    | 'setMediaStatus'
    | 'setActiveSpeaker'
    | 'setTransportState'
    | 'setUplinkScore'
    | 'setDownlinkScore'
  >
>;

export interface RemoteMediaSlice extends RemoteMediaState, BrowserMediaSink {
  /** A tile's size and visibility (null when it unmounts). */
  reportTileViewport(tileKey: string, viewport: TileViewport | null): void;
  /**
   * Tiles not shown at all (other pages of the grid, the filmstrip's other pages): reported
   * unseen in one change, so their video is paused like a tile scrolled out of view.
   */
  reportHiddenTiles(tileKeys: readonly string[]): void;
}

const HIDDEN: TileViewport = { visible: false, width: 0, height: 0 };

export const initialRemoteMedia: RemoteMediaState = {
  remote: {},
  activeSpeakerId: null,
  tileViewports: {},
  mediaStatus: 'idle',
  network: emptyNetworkHealth,
};

/** Viewport changes smaller than this (px) do not change what a tile receives. */
const VIEWPORT_WIDTH_STEP = 16;

/** The remote tracks (and their scores) of the users still present. */
export function remoteOfPresent(
  s: Pick<RemoteMediaState, 'remote' | 'network'>,
  participants: Participant[],
): Pick<RemoteMediaState, 'remote' | 'network'> {
  const present = new Set(participants.map((p) => p.userId));
  const remote = Object.fromEntries(Object.entries(s.remote).filter(([, t]) => present.has(t.userId)));
  const downlink = Object.fromEntries(Object.entries(s.network.downlink).filter(([key]) => key in remote));
  return { remote, network: { ...s.network, downlink } };
}

export const createRemoteMediaSlice: CallSlice<RemoteMediaSlice> = (set, get) => ({
  ...initialRemoteMedia,

  upsertRemoteTrack(track) {
    set({ remote: { ...get().remote, [track.key]: track } });
  },
  setRemotePaused(key, paused) {
    const t = get().remote[key];
    if (t && t.paused !== paused) set({ remote: { ...get().remote, [key]: { ...t, paused } } });
  },
  removeRemoteTrack(key) {
    if (!(key in get().remote)) return;
    const { [key]: _gone, ...rest } = get().remote;
    const { network } = get();
    const { [key]: _score, ...downlink } = network.downlink;
    set({ remote: rest, network: { ...network, downlink } });
  },
  setActiveSpeaker(userId) {
    if (get().activeSpeakerId !== userId) set({ activeSpeakerId: userId });
  },
  setMediaStatus(status, error) {
    if (get().mediaStatus !== status) set({ mediaStatus: status });
    if (error) set({ local: { ...get().local, error } });
  },
  setTransportState(direction, state) {
    set({ network: withTransportState(get().network, direction, state) });
  },
  setUplinkScore(source, score) {
    const { network } = get();
    const { [source]: prev, ...others } = network.uplink;
    if (score === null && !prev) return;
    const uplink = score === null ? others : { ...others, [source]: markScore(prev, score, Date.now()) };
    set({ network: { ...network, uplink } });
  },
  setDownlinkScore(key, score) {
    const { network } = get();
    const { [key]: prev, ...others } = network.downlink;
    if (score === null) {
      if (prev) set({ network: { ...network, downlink: others } });
      return;
    }
    const now = Date.now();
    const entry = {
      score: markScore(prev?.score, score.score, now),
      producerScore: markScore(prev?.producerScore, score.producerScore, now),
    };
    set({ network: { ...network, downlink: { ...others, [key]: entry } } });
  },

  reportHiddenTiles(tileKeys) {
    const current = get().tileViewports;
    const changed = tileKeys.filter((k) => current[k]?.visible !== false);
    if (!changed.length) return;
    const next = { ...current };
    for (const k of changed) next[k] = HIDDEN;
    set({ tileViewports: next });
    get().session?.setViewports(next);
  },

  reportTileViewport(tileKey, viewport) {
    const current = get().tileViewports;
    if (!viewport) {
      if (!(tileKey in current)) return;
      const { [tileKey]: _gone, ...rest } = current;
      set({ tileViewports: rest });
      get().session?.setViewports(rest);
      return;
    }
    const prev = current[tileKey];
    if (
      prev &&
      prev.visible === viewport.visible &&
      Math.abs(prev.width - viewport.width) < VIEWPORT_WIDTH_STEP
    )
      return;
    const next = { ...current, [tileKey]: viewport };
    set({ tileViewports: next });
    get().session?.setViewports(next);
  },
});

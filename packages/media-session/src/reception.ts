/**
 * What to receive of each remote producer: consume it or not, keep its consumer paused or not,
 * and which simulcast layer. The browser decides from its tiles (viewportReception); a bot or
 * the Node peer receives everything.
 */
import type { ProducerInfo } from './types.js';

export interface TileViewport {
  /** Intersecting the viewport (and the page visible). */
  visible: boolean;
  width: number;
  height: number;
}

export type TileViewports = Readonly<Record<string, TileViewport>>;

export interface Reception {
  consume: boolean;
  paused: boolean;
  /** null: leave the layer to the server. */
  spatialLayer: number | null;
}

/**
 * The microphones the server lets this receiver hear now (its K loudest, `audibleProducers`);
 * null while the server has not said (an older server: every microphone).
 */
export type AudibleSet = ReadonlySet<string> | null;

export interface ReceptionPolicy {
  /**
   * `viewports`: the tiles the UI shows, by tile key (tileKeyFor), as last reported by
   * setViewports; a tile without an entry is not shown (not on the current page).
   */
  receptionOf(producer: ProducerInfo, viewports: TileViewports, audible: AudibleSet): Reception;
}

/** Simulcast spatial layers the browser publishes: 320×180, 640×360, 1280×720. */
export const SPATIAL_LAYER_WIDTHS = [320, 640, 1280] as const;

/**
 * The lowest spatial layer whose width covers the tile on screen (device pixels), so small tiles
 * receive the small layer and a large or spotlighted tile the full one.
 */
export function spatialLayerFor(tileCssWidth: number, devicePixelRatio = 1): number {
  const px = tileCssWidth * Math.min(Math.max(devicePixelRatio, 1), 2);
  for (let i = 0; i < SPATIAL_LAYER_WIDTHS.length; i++) {
    if (px <= SPATIAL_LAYER_WIDTHS[i]! * 1.15) return i;
  }
  return SPATIAL_LAYER_WIDTHS.length - 1;
}

/** What a remote video consumer should do for a tile: paused when unseen, else a layer by size. */
export function desiredVideoReception(
  vp: TileViewport | undefined,
  dpr = 1,
): { paused: boolean; spatialLayer: number } {
  if (!vp) return { paused: false, spatialLayer: 0 };
  if (!vp.visible || vp.width < 8) return { paused: true, spatialLayer: 0 };
  return { paused: false, spatialLayer: spatialLayerFor(vp.width, dpr) };
}

/** The grid tile that shows a remote video producer (keys from callStore.buildTiles). */
export function tileKeyFor(info: Pick<ProducerInfo, 'userId' | 'source'>): string {
  return info.source === 'screen' ? `screen:${info.userId}` : `user:${info.userId}`;
}

/** Audio: the microphones the server lets us hear (all of them while it has not said). */
export function audioReception(producer: ProducerInfo, audible: AudibleSet): Reception {
  const hear = audible === null || audible.has(producer.producerId);
  return { consume: hear, paused: !hear, spatialLayer: null };
}

/**
 * The browser's policy (issue 19: receive what you show): the K loudest microphones; video only
 * for tiles the UI reports (its current page, the speaker tile), paused while such a tile is not
 * visible, the camera's layer by tile size. A tile with no report is not shown: its video is not
 * consumed (and an existing consumer is paused, then closed by the session after a delay).
 */
export function viewportReception(devicePixelRatio: () => number = () => 1): ReceptionPolicy {
  return {
    receptionOf(producer, viewports, audible) {
      if (producer.kind !== 'video') return audioReception(producer, audible);
      const vp = viewports[tileKeyFor(producer)];
      if (!vp) return { consume: false, paused: true, spatialLayer: null };
      const want = desiredVideoReception(vp, devicePixelRatio());
      return {
        // A hidden tile (scrolled away, tab in the background) is not consumed anew either.
        consume: !want.paused,
        paused: want.paused,
        spatialLayer: producer.source === 'camera' ? want.spatialLayer : null,
      };
    },
  };
}

/** Bots and the Node peer: every video, resumed, at whatever layer the server sends; the loudest microphones. */
export const receiveEverything: ReceptionPolicy = {
  receptionOf: (producer, _viewports, audible) =>
    producer.kind === 'audio'
      ? audioReception(producer, audible)
      : { consume: true, paused: false, spatialLayer: null },
};

/** A send-only participant. */
export const receiveNothing: ReceptionPolicy = {
  receptionOf: () => ({ consume: false, paused: true, spatialLayer: null }),
};

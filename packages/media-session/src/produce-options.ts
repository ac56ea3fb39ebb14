/** How each local source is encoded: the browser's simulcast camera and Opus settings by default. */
import type { ProducerOptions, RtpEncodingParameters } from 'mediasoup-client/types';
import type { MediaSourceName } from './types.js';

/** The per-source part of transport.produce() (the session adds track, appData, stopTracks). */
export type SourceProduceOptions = Pick<ProducerOptions, 'encodings' | 'codecOptions' | 'codec'>;

/** Camera simulcast: 320×180, 640×360, 1280×720 from a 720p capture (see SPATIAL_LAYER_WIDTHS). */
export const CAMERA_ENCODINGS: RtpEncodingParameters[] = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];

export function browserProduceOptions(source: MediaSourceName): SourceProduceOptions {
  if (source === 'camera')
    return { encodings: CAMERA_ENCODINGS, codecOptions: { videoGoogleStartBitrate: 1000 } };
  if (source === 'mic') return { codecOptions: { opusStereo: false, opusDtx: true } };
  return {};
}

/** One stream as the track carries it (the Node peer sends a single pre-encoded VP8 layer). */
export const singleLayerProduceOptions = (): SourceProduceOptions => ({});

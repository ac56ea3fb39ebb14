import { probeMedia, type MediaProbe } from '../../src/recording/composite/media-probe.js';

/*
 * What a test can say about a media file a user would play: the analyses shared with the browser
 * tests (test-harness), plus stream counts through the server's own probe.
 */

export { probeMedia, type MediaProbe };
export {
  HEARD_DB,
  freezes,
  frozenThroughout,
  meanVolumeDb,
  type Freeze,
  type Region,
} from '@minimeet/test-harness';

/** Number of audio and video streams. */
export async function streamCounts(
  file: string,
): Promise<{ audio: number; video: number; durationMs: number | null }> {
  const probe = await probeMedia(file);
  return {
    audio: probe.streams.filter((s) => s.type === 'audio').length,
    video: probe.streams.filter((s) => s.type === 'video').length,
    durationMs: probe.durationMs,
  };
}

import type { RecordingManifest } from './recording-manifest.js';

/** The one composite file of a recording, built after stop from its tracks (no browser). */
export interface CompositeResult {
  /** Path of the written file. */
  file: string;
  /** e.g. 'video/webm'. */
  contentType: string;
  durationMs: number;
  sizeBytes: number;
}

/**
 * Builds the composite from a manifest whose segment files are under `recordingDir`: a grid of
 * the participants' video (the active speaker emphasized), all audio mixed, aligned on the
 * manifest's timeline, gaps filled; lasts manifest.durationMs.
 */
export interface CompositeBuilder {
  build(manifest: RecordingManifest, recordingDir: string, outFile: string, signal?: AbortSignal): Promise<CompositeResult>;
}

import type { RecordingTrackKind } from '@minimeet/shared';

/*
 * What the capture side hands to the composite builder (and keeps next to the files, as
 * manifest.json in the recording's directory, so a recording whose node died stays usable):
 * every captured track as segments on one timeline starting at the recording's start (t = 0).
 */

/** One file of one track: written from `startMs` for `durationMs` (ffprobe after the file closed). */
export interface ManifestSegment {
  /** Path relative to the recording's directory, e.g. `tracks/a1b2-video-0.webm`. */
  file: string;
  /** Offset of the segment's first frame from the recording's start. */
  startMs: number;
  /** null while still being written, or when the file turned out unreadable. */
  durationMs: number | null;
  sizeBytes: number;
}

export interface ManifestTrack {
  /** Stable within the recording (RecordingTrackDto.id). */
  id: string;
  userId: number;
  username: string;
  kind: RecordingTrackKind;
  /** mediasoup mime type of the captured stream, e.g. 'audio/opus', 'video/VP8', 'video/H264'. */
  mimeType: string;
  /** In time order, not overlapping; gaps between them are pauses, replaced producers or a recorder restart. */
  segments: ManifestSegment[];
}

/** Who the active speaker was from `atMs` on (null: nobody speaking), in time order. */
export interface SpeakerChange {
  atMs: number;
  userId: number | null;
}

export interface RecordingManifest {
  recordingId: number;
  roomId: number;
  /** ISO 8601, t = 0 of every offset. */
  startedAt: string;
  /** Stop − start. */
  durationMs: number;
  tracks: ManifestTrack[];
  speakers: SpeakerChange[];
}

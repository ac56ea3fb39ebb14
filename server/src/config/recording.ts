import { z } from 'zod';
import { intInRange } from './env-fields.js';

const MB = 1024 * 1024;

/** Recording (see server/src/recording): per-node limits, free-space floor, retention. */
export const recordingEnv = z.object({
  MAX_RECORDINGS_PER_NODE: intInRange('MAX_RECORDINGS_PER_NODE', 2, 0, 1000),
  RECORDING_MIN_FREE_BYTES: intInRange('RECORDING_MIN_FREE_BYTES', 500 * MB, 0, Number.MAX_SAFE_INTEGER),
  RECORDING_RETENTION_DAYS: intInRange('RECORDING_RETENTION_DAYS', 30, 0, 36_500),
});

export const recordingSection = recordingEnv.transform((e) => ({
  recording: {
    /** Recordings this node captures at once (startRecording answers LIMIT_EXCEEDED past it; 0: none). */
    maxPerNode: e.MAX_RECORDINGS_PER_NODE,
    /**
     * Free bytes the recordings directory's disk must keep: below it a start is refused
     * (STORAGE_FULL) and running recordings stop (what was written is kept).
     */
    minFreeBytes: e.RECORDING_MIN_FREE_BYTES,
    /** Recordings older than this many days are deleted (hourly sweep); 0 keeps them forever. */
    retentionDays: e.RECORDING_RETENTION_DAYS,
  },
}));

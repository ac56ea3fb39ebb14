import type { RecordingDto } from '@minimeet/shared';
import { useCallback, useEffect, useRef, useState } from 'react';
import { AppError, describeError } from '../../lib/errors';
import { usePolling } from '../../lib/usePolling';
import { recordingsApi } from './recordingsApi';

/** How often the list is reloaded while a recording is still running or being processed. */
export const RECORDINGS_REFRESH_MS = 3000;

export interface RoomRecordings {
  recordings: RecordingDto[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  reload(): Promise<void>;
  /** Takes a deleted recording off the list at once. */
  drop(id: number): void;
}

/** Why the list cannot be shown, in words for this page. */
function listError(err: unknown): string {
  if (err instanceof AppError) {
    if (err.code === 'FORBIDDEN') return "Only the room's owner and admins can see its recordings.";
    if (err.code === 'NOT_IN_ROOM') return "Join this room's call once to see its recordings.";
    if (err.code === 'NOT_FOUND') return 'This room does not exist (or is private).';
  }
  return describeError(err);
}

const pending = (r: RecordingDto) => r.state === 'recording' || r.state === 'processing';

/**
 * The room's recordings, newest first; reloaded every few seconds while one is recording or
 * processing (the server sends no event to people outside the call) and the tab is visible.
 */
export function useRoomRecordings(roomId: number): RoomRecordings {
  const [recordings, setRecordings] = useState<RecordingDto[]>([]);
  const [status, setStatus] = useState<RoomRecordings['status']>('loading');
  const [error, setError] = useState<string | null>(null);
  const inFlight = useRef<AbortController | null>(null);

  const reload = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    try {
      const list = await recordingsApi.list(roomId, controller.signal);
      if (controller.signal.aborted) return;
      setRecordings(list);
      setStatus('ready');
      setError(null);
    } catch (err) {
      if (controller.signal.aborted) return;
      // A failed refresh keeps the list shown (and refreshing); a failed first load is the page.
      setStatus((before) => (before === 'ready' ? 'ready' : 'error'));
      setError(listError(err));
    } finally {
      if (inFlight.current === controller) inFlight.current = null;
    }
  }, [roomId]);

  // Loads at once, then only while something is pending (a different room is a different page,
  // keyed by the room id).
  const needsRefresh = status === 'loading' || (status === 'ready' && recordings.some(pending));
  usePolling(() => needsRefresh && !inFlight.current && reload(), RECORDINGS_REFRESH_MS);
  useEffect(() => () => inFlight.current?.abort(), []);

  const drop = useCallback((id: number) => setRecordings((list) => list.filter((r) => r.id !== id)), []);
  return { recordings, status, error, reload, drop };
}

import type { RoomPreviewDto } from '@minimeet/shared';
import { useEffect, useState } from 'react';
import { AppError } from '../../../lib/errors';
import { api } from '../../../lib/http';

export type RoomPreviewState =
  | { status: 'loading' }
  | { status: 'ready'; preview: RoomPreviewDto }
  /** No such room, or a private one this user may not see (the server answers both alike). */
  | { status: 'missing'; error: unknown }
  /** Could not be read (network, server): the screen still lets the user try to join. */
  | { status: 'unavailable'; error: unknown }
  /** Not asked: nobody is signed in yet (a guest before naming themselves). */
  | { status: 'none' };

export const fetchRoomPreview = (roomId: number, invite: string | null, signal?: AbortSignal) =>
  api<RoomPreviewDto>(`/rooms/${roomId}/preview`, { query: { invite: invite ?? undefined }, signal });

/** GET /api/rooms/:id/preview once the user has a session (`enabled`). */
export function useRoomPreview(roomId: number, invite: string | null, enabled: boolean): RoomPreviewState {
  const key = `${roomId}:${invite ?? ''}`;
  // The answer for the room and invite asked last; another key is still loading.
  const [answer, setAnswer] = useState<{ key: string; state: RoomPreviewState } | null>(null);
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    fetchRoomPreview(roomId, invite, abort.signal).then(
      (preview) => setAnswer({ key, state: { status: 'ready', preview } }),
      (err: unknown) => {
        if (abort.signal.aborted) return;
        const missing = err instanceof AppError && err.code === 'NOT_FOUND';
        setAnswer({ key, state: missing ? { status: 'missing', error: err } : { status: 'unavailable', error: err } });
      },
    );
    return () => abort.abort();
  }, [roomId, invite, enabled, key]);
  if (!enabled) return { status: 'none' };
  return answer?.key === key ? answer.state : { status: 'loading' };
}

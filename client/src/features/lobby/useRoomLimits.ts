import type { RoomLimitsDto } from '@minimeet/shared';
import { useEffect, useState } from 'react';
import { lobbyApi } from './lobbyApi';

/** Asked once per page load: the server's limits change only with its config. */
let cached: Promise<RoomLimitsDto> | null = null;

/** The server's room-size limits (GET /api/rooms/limits); null until known or when unreachable. */
export function useRoomLimits(): RoomLimitsDto | null {
  const [limits, setLimits] = useState<RoomLimitsDto | null>(null);
  useEffect(() => {
    let cancelled = false;
    cached ??= lobbyApi.roomLimits().catch((err: unknown) => {
      cached = null;
      throw err;
    });
    cached.then((l) => !cancelled && setLimits(l)).catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
  return limits;
}

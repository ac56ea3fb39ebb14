import type { CallSessionsResponse } from '@minimeet/shared';
import { api } from '../../lib/http';

/** REST side of the admin view (live stats come over the socket, see adminLiveStore). */
export const adminApi = {
  /** Calls that started in [from, to] (ISO 8601), newest first. */
  calls: (from: string, to: string, signal?: AbortSignal) => api<CallSessionsResponse>('/admin/calls', { query: { from, to }, signal }),
};

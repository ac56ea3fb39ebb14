import type { AdminStatsSnapshot, AdminSubscribeData } from '@minimeet/shared';
import { create } from 'zustand';
import { AppError, describeError } from '../../lib/errors';
import { emitWithAck, isSocketConnected, onServerEvent, onSocketConnect, request } from '../../lib/socket';

/** Snapshots kept for the charts and sparklines (~2 min at the server's 2 s interval). */
export const HISTORY_LIMIT = 60;

export type AdminLiveStatus = 'idle' | 'connecting' | 'live' | 'forbidden' | 'error';

export interface AdminLiveState {
  status: AdminLiveStatus;
  /** The server's snapshot interval (from the subscribe ack). */
  intervalMs: number | null;
  /** Oldest first, at most HISTORY_LIMIT, one entry per takenAt. */
  history: AdminStatsSnapshot[];
  latest: AdminStatsSnapshot | null;
  /** Date.now() when the latest snapshot arrived (the browser's clock, not the server's). */
  receivedAt: number | null;
  error: string | null;
  /** Asks the server again (after an error); a no-op while no page is subscribed. */
  resubscribe(): void;
}

const initial = {
  status: 'idle' as AdminLiveStatus,
  intervalMs: null,
  history: [] as AdminStatsSnapshot[],
  latest: null,
  receivedAt: null,
  error: null,
  resubscribe: () => {},
};

export const useAdminLiveStore = create<AdminLiveState>()(() => ({ ...initial }));

/**
 * Appends a snapshot to the rolling history: a snapshot already held (same takenAt, e.g. the
 * subscribe ack's and the next push) or older than the newest one is ignored; the oldest drop
 * out beyond `limit`.
 */
export function appendSnapshot(history: AdminStatsSnapshot[], snapshot: AdminStatsSnapshot, limit = HISTORY_LIMIT): AdminStatsSnapshot[] {
  const last = history[history.length - 1];
  if (last && Date.parse(snapshot.takenAt) <= Date.parse(last.takenAt)) return history;
  const next = [...history, snapshot];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

function receive(snapshot: AdminStatsSnapshot): void {
  const s = useAdminLiveStore.getState();
  const history = appendSnapshot(s.history, snapshot);
  if (history === s.history) return;
  useAdminLiveStore.setState({ history, latest: snapshot, receivedAt: Date.now(), status: 'live', error: null });
}

/**
 * Subscribes this socket to the server's admin snapshots for as long as the admin page is open:
 * pushes go into the store, and every (re)connect subscribes again (the server forgets a
 * subscription with its socket). Returns the stop function, which unsubscribes and clears the store.
 */
export function startAdminLive(): () => void {
  let active = true;
  let attempt = 0;

  const subscribe = async (): Promise<void> => {
    const mine = ++attempt;
    if (useAdminLiveStore.getState().status !== 'live') useAdminLiveStore.setState({ status: 'connecting', error: null });
    try {
      const data: AdminSubscribeData = await request('admin:subscribe', {});
      if (!active || mine !== attempt) return;
      useAdminLiveStore.setState({ intervalMs: data.intervalMs, status: 'live', error: null });
      if (data.snapshot) receive(data.snapshot);
    } catch (err) {
      if (!active || mine !== attempt) return;
      if (err instanceof AppError && (err.code === 'FORBIDDEN' || err.code === 'UNAUTHORIZED')) {
        useAdminLiveStore.setState({ status: 'forbidden', error: err.message });
      } else {
        useAdminLiveStore.setState({ status: 'error', error: describeError(err) });
      }
    }
  };

  useAdminLiveStore.setState({ ...initial, status: 'connecting', resubscribe: () => void subscribe() });
  const offStats = onServerEvent('admin:stats', (snapshot) => {
    if (active) receive(snapshot);
  });
  const offConnect = onSocketConnect(() => void subscribe());
  if (isSocketConnected()) void subscribe();

  return () => {
    active = false;
    offStats();
    offConnect();
    if (isSocketConnected()) emitWithAck('admin:unsubscribe', {}).catch(() => {});
    useAdminLiveStore.setState({ ...initial });
  };
}

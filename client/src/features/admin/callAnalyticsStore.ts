import type { CallSessionDto } from '@minimeet/shared';
import { create } from 'zustand';
import { AppError, describeError } from '../../lib/errors';
import { adminApi } from './adminApi';

/** Days shown by default: the last week, today included. */
export const DEFAULT_RANGE_DAYS = 7;

/** yyyy-mm-dd of a local date (what <input type="date"> holds). */
export function toDateInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function defaultRange(now = new Date()): { from: string; to: string } {
  const from = new Date(now);
  from.setDate(from.getDate() - DEFAULT_RANGE_DAYS);
  return { from: toDateInput(from), to: toDateInput(now) };
}

/**
 * The API query for a local date range: from the start of `from` to the end of `to`, in ISO
 * 8601 (UTC). Null when a date is missing or the range is backwards.
 */
export function rangeQuery(from: string, to: string): { from: string; to: string } | null {
  const re = /^\d{4}-\d{2}-\d{2}$/;
  if (!re.test(from) || !re.test(to)) return null;
  const start = new Date(`${from}T00:00:00`);
  const end = new Date(`${to}T23:59:59.999`);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start > end) return null;
  return { from: start.toISOString(), to: end.toISOString() };
}

export interface CallAnalyticsState {
  from: string;
  to: string;
  status: 'idle' | 'loading' | 'ready' | 'error' | 'forbidden';
  calls: CallSessionDto[];
  error: string | null;
  /** Date.now() of the last successful load. */
  loadedAt: number | null;
  setRange(range: { from?: string; to?: string }): void;
  load(): Promise<void>;
  reset(): void;
}

let loadSeq = 0;

export const useCallAnalyticsStore = create<CallAnalyticsState>()((set, get) => ({
  ...defaultRange(),
  status: 'idle',
  calls: [],
  error: null,
  loadedAt: null,
  setRange(range) {
    set({ from: range.from ?? get().from, to: range.to ?? get().to });
  },
  async load() {
    const query = rangeQuery(get().from, get().to);
    const seq = ++loadSeq;
    if (!query) {
      set({ status: 'error', error: 'Choose both dates, the start on or before the end.' });
      return;
    }
    set({ status: 'loading', error: null });
    try {
      const res = await adminApi.calls(query.from, query.to);
      if (seq !== loadSeq) return;
      set({ status: 'ready', calls: res.calls, error: null, loadedAt: Date.now() });
    } catch (err) {
      if (seq !== loadSeq) return;
      if (err instanceof AppError && err.code === 'FORBIDDEN') set({ status: 'forbidden', error: err.message, calls: [] });
      else set({ status: 'error', error: describeError(err) });
    }
  },
  reset() {
    loadSeq++;
    set({ ...defaultRange(), status: 'idle', calls: [], error: null, loadedAt: null });
  },
}));

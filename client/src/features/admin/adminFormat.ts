/** Formatting for the admin view: bitrates, durations, percentages. */

/** Bits per second as "0 kbit/s", "850 kbit/s", "2.4 kbit/s", "1.25 Mbit/s"; "—" when unknown. */
export function formatBitrate(bps: number): string {
  if (!Number.isFinite(bps) || bps < 0) return '—';
  if (bps === 0) return '0 kbit/s';
  if (bps < 999_500) {
    const k = bps / 1000;
    return `${k < 10 ? k.toFixed(1) : Math.round(k)} kbit/s`;
  }
  const m = bps / 1_000_000;
  return `${m < 10 ? m.toFixed(2) : m < 100 ? m.toFixed(1) : Math.round(m)} Mbit/s`;
}

/** "45 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}

export function formatPercent(v: number, digits = 0): string {
  if (!Number.isFinite(v)) return '—';
  return `${v.toFixed(digits)} %`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** "just now", "5 s ago", "3 min ago". */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 1) return 'just now';
  if (s < 60) return `${s} s ago`;
  return `${Math.floor(s / 60)} min ago`;
}

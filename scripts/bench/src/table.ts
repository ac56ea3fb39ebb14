/** Plain-text tables for the terminal. */

export type Cell = string | number | null | undefined;

export function fmt(value: Cell, digits = 1): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return '–';
  return Number.isInteger(value) && digits <= 1 ? String(value) : value.toFixed(digits);
}

export function table(title: string, headers: string[], rows: Cell[][]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'string' ? c : fmt(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [title, line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

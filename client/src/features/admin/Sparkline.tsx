/** A tiny trend line (gaps where a value is null), scaled to its own maximum. */
export function Sparkline({ values, label }: { values: Array<number | null>; label: string }) {
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return <span className="sparkline sparkline--empty" aria-hidden="true" />;
  const max = Math.max(...known) || 1;
  const step = 100 / Math.max(values.length - 1, 1);
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${(i * step).toFixed(2)} ${(22 - (v / max) * 20).toFixed(2)}`;
    pen = true;
  });
  return (
    <svg className="sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" role="img" aria-label={label}>
      <path d={d} fill="none" stroke="currentColor" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

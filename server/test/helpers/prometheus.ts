import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';

/**
 * A /metrics body read two ways: the families as parse-prometheus-text-format (a real
 * text-format parser) sees them, and single samples looked up by exact label set. The second is
 * needed for labelled histograms, which that parser collapses into one series.
 */
export interface Scrape {
  text: string;
  families: Map<string, PrometheusFamily>;
  /** The value of the sample `name` whose labels are exactly `labels`; undefined when absent. */
  sample(name: string, labels?: Record<string, string>): number | undefined;
  /** Every sample line of `name` with its labels. */
  samples(name: string): Array<{ labels: Record<string, string>; value: number }>;
}

export function parseScrape(text: string): Scrape {
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const parsed = lines.map(parseSampleLine);
  const samples = (name: string) => parsed.filter((s) => s.name === name);
  return {
    text,
    families,
    samples,
    sample(name, labels = {}) {
      const want = JSON.stringify(sorted(labels));
      return samples(name).find((s) => JSON.stringify(sorted(s.labels)) === want)?.value;
    },
  };
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: -?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/y;

/** Strict: a line that is not a valid sample throws, so a malformed exposition fails the test. */
function parseSampleLine(line: string): { name: string; labels: Record<string, string>; value: number } {
  const m = SAMPLE.exec(line);
  if (!m) throw new Error(`not a Prometheus sample line: ${line}`);
  const labels: Record<string, string> = {};
  const body = m[2] ?? '';
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < body.length) {
    const l = LABEL.exec(body);
    if (!l) throw new Error(`bad label set in: ${line}`);
    labels[l[1]!] = l[2]!;
  }
  const value = sampleValue(m[3]!);
  if (value === undefined) throw new Error(`bad sample value in: ${line}`);
  return { name: m[1]!, labels, value };
}

/** A sample value as Prometheus reads it (Go's ParseFloat: Inf/NaN in any case); undefined if invalid. */
export function sampleValue(raw: string): number | undefined {
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(raw);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const value = Number(raw);
  return raw.trim() === '' || Number.isNaN(value) ? undefined : value;
}

function sorted(labels: Record<string, string>): Array<[string, string]> {
  return Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
}

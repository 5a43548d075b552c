// Latency percentiles and number formatting for the API benchmark.

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles over a sample of milliseconds (sorted in place). */
export function summarize(samples: Float64Array): LatencySummary {
  const s = samples.sort();
  const at = (q: number): number => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  return { count: s.length, p50: at(0.5), p99: at(0.99), max: s.length === 0 ? NaN : s[s.length - 1]! };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function fmtRate(perSec: number): string {
  return Number.isFinite(perSec) ? String(Math.round(perSec)) : '-';
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '-';
}

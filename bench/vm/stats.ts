// Percentiles and formatting of the VM benchmarks (pure).

/** Nearest-rank percentile (q in 0..1) of the finite samples; NaN when there are none. */
export function pct(samples: readonly number[], q: number): number {
  const s = samples.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const max = (samples: readonly number[]): number => pct(samples, 1);

/** Milliseconds as "1234 ms", or "-" for no value. */
export function ms(v: number): string {
  return Number.isFinite(v) ? `${Math.round(v)} ms` : '-';
}

export function ratio(a: number, b: number): string {
  const r = a / b;
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '-';
}

/** Pads each column of the rows to its widest cell; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

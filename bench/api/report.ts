// Turns the rounds' results into the printed comparison: best of the rounds per server, the ratio,
// and the targets.
import type { OpResult, WorkloadResult } from './load.js';
import { fmtMs, fmtRate, fmtRatio } from './stats.js';
import type { WatchResult } from './watch-load.js';

export interface Targets {
  writesPerSec: number;
  writeP99Ms: number;
  watchP99Ms: number;
}

export const TARGETS: Targets = { writesPerSec: 2000, writeP99Ms: 20, watchP99Ms: 50 };

/** Per op, the round with the highest ops/s (and that round's latencies). */
export function bestOps(rounds: readonly WorkloadResult[]): Map<string, OpResult> {
  const best = new Map<string, OpResult>();
  for (const r of rounds) {
    for (const op of r.ops) {
      const b = best.get(op.op);
      if (!b || op.opsPerSec > b.opsPerSec) best.set(op.op, op);
    }
  }
  return best;
}

/** The round with the lowest delivery p99. */
export function bestWatch(rounds: readonly WorkloadResult[]): WatchResult | undefined {
  let best: WatchResult | undefined;
  for (const r of rounds) if (!best || r.watch.latency.p99 < best.latency.p99) best = r.watch;
  return best;
}

export function watchComplete(w: WatchResult): boolean {
  return w.sent === w.changes && w.completeWatchers === w.watchers && w.duplicates === 0 && w.streamErrors === 0;
}

const col = (s: string, n: number): string => s.padStart(n);

export function opTable(v: Map<string, OpResult>, b: Map<string, OpResult>): string[] {
  const lines = [
    `${'op'.padEnd(7)}| ${col('virtnet ops/s', 13)} ${col('p50', 6)} ${col('p99', 6)} | ${col('baseline ops/s', 14)} ${col('p50', 6)} ${col('p99', 6)} | ratio (virtnet/baseline): ops/s   p99`,
  ];
  for (const op of ['create', 'get', 'list', 'patch']) {
    const x = v.get(op);
    const y = b.get(op);
    const cells = (r: OpResult | undefined, w: number): string =>
      `${col(r ? fmtRate(r.opsPerSec) : '-', w)} ${col(fmtMs(r?.latency.p50 ?? NaN), 6)} ${col(fmtMs(r?.latency.p99 ?? NaN), 6)}`;
    const ratio = x && y ? `${col(fmtRatio(x.opsPerSec / y.opsPerSec), 32)} ${col(fmtRatio(x.latency.p99 / y.latency.p99), 6)}` : col('-', 32);
    lines.push(`${op.padEnd(7)}| ${cells(x, 13)} | ${cells(y, 14)} |${ratio}`);
  }
  return lines;
}

export function describeWatch(w: WatchResult | undefined): string {
  if (!w) return '-';
  const l = w.latency;
  return `${fmtMs(l.p50)}/${fmtMs(l.p99)}/${fmtMs(l.max)} (${w.deliveries}/${w.sent * w.watchers} delivered, ` +
    `${w.completeWatchers}/${w.watchers} watchers complete, writers kept ${Math.round(w.achievedRate)}/s)`;
}

export function targetLines(v: Map<string, OpResult>, b: Map<string, OpResult>, vw: WatchResult | undefined, bw: WatchResult | undefined): string[] {
  const t = TARGETS;
  const verdict = (pass: boolean | undefined): string => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
  const write = (r: OpResult | undefined): boolean | undefined =>
    r && r.opsPerSec >= t.writesPerSec && r.latency.p99 <= t.writeP99Ms && r.errors === 0 && r.ok === r.wanted;
  const watch = (w: WatchResult | undefined): boolean | undefined => w && w.latency.p99 <= t.watchP99Ms && watchComplete(w);
  const lines = ['targets (virtnet; [baseline] shows what this machine allows at all):'];
  for (const op of ['create', 'patch']) {
    const r = v.get(op);
    const got = r ? `${fmtRate(r.opsPerSec)}/s, p99 ${fmtMs(r.latency.p99)} ms` : 'not measured';
    lines.push(`  ${op} >= ${t.writesPerSec}/s with p99 <= ${t.writeP99Ms} ms: ${verdict(write(r))} (${got}) [baseline ${verdict(write(b.get(op)))}]`);
  }
  const got = vw ? `p99 ${fmtMs(vw.latency.p99)} ms, ${watchComplete(vw) ? 'complete' : 'INCOMPLETE'}` : 'not measured';
  lines.push(`  watch delivery p99 <= ${t.watchP99Ms} ms, every watcher got every change: ${verdict(watch(vw))} (${got}) [baseline ${verdict(watch(bw))}]`);
  return lines;
}

export function roundLine(label: string, r: WorkloadResult): string {
  const ops = r.ops.map((o) => `${o.op} ${fmtRate(o.opsPerSec)}/s p99 ${fmtMs(o.latency.p99)}${o.errors ? ` (${o.errors} errors)` : ''}`);
  const w = r.watch;
  return `${label}: ${ops.join(', ')}; watch p99 ${fmtMs(w.latency.p99)} ms, ${w.completeWatchers}/${w.watchers} complete`;
}

/** Every failed request and incomplete watch, so no figure hides an error. */
export function problemLines(label: string, r: WorkloadResult): string[] {
  const out: string[] = [];
  for (const o of r.ops) {
    if (o.errors || o.ok !== o.wanted) out.push(`${label} ${o.op}: ${o.ok}/${o.wanted} ok, ${o.errors} errors; first: ${o.firstError ?? '(time limit)'}`);
  }
  const w = r.watch;
  if (!watchComplete(w)) {
    out.push(`${label} watch: ${w.sent}/${w.changes} changes acknowledged (${w.writeErrors} errors${w.firstError ? `; first: ${w.firstError}` : ''}), ` +
      `${w.completeWatchers}/${w.watchers} watchers complete, ${w.duplicates} duplicates, ${w.streamErrors} streams ended early`);
  }
  return out;
}

// Turns the rounds' results into the printed comparison: best of the rounds per server, the ratios,
// and the targets.
import { OPS, type Op, type OpResult } from './load.js';
import { fmtMs, fmtRate, fmtRatio } from './stats.js';
import type { WatchResult } from './watch-load.js';

/** One server's figures for one round; a phase that failed outright is missing. */
export interface RoundResult {
  ops: Map<Op, OpResult>;
  watch: WatchResult | undefined;
  /** Server CPU (user + system, from /proc) per request, or per change for 'watch', in ms. */
  cpuMs: Map<Op | 'watch', number>;
}

export const TARGETS = { writesPerSec: 2000, writeP99Ms: 20, watchP99Ms: 50 };

/** Per op, the round with the highest ops/s (and that round's latencies). */
export function bestOps(rounds: readonly RoundResult[]): Map<Op, OpResult> {
  const best = new Map<Op, OpResult>();
  for (const r of rounds) {
    for (const [op, res] of r.ops) {
      const b = best.get(op);
      if (!b || res.opsPerSec > b.opsPerSec) best.set(op, res);
    }
  }
  return best;
}

/** The round with the lowest delivery p99. */
export function bestWatch(rounds: readonly RoundResult[]): WatchResult | undefined {
  let best: WatchResult | undefined;
  for (const { watch: w } of rounds) if (w && (!best || w.latency.p99 < best.latency.p99)) best = w;
  return best;
}

/** Median over rounds of virtnet/baseline ops/s measured back to back: the ratio least moved by noise. */
function pairedRatio(v: readonly RoundResult[], b: readonly RoundResult[], op: Op): number {
  const ratios: number[] = [];
  v.forEach((r, i) => {
    const x = r.ops.get(op);
    const y = b[i]?.ops.get(op);
    if (x && y) ratios.push(x.opsPerSec / y.opsPerSec);
  });
  ratios.sort((p, q) => p - q);
  const mid = ratios.length >> 1;
  return ratios.length === 0 ? NaN : ratios.length % 2 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

export function watchComplete(w: WatchResult): boolean {
  return w.sent === w.changes && w.completeWatchers === w.watchers && w.duplicates === 0 && w.streamErrors === 0;
}

const col = (s: string, n: number): string => s.padStart(n);

export function opTable(vRounds: readonly RoundResult[], bRounds: readonly RoundResult[]): string[] {
  const v = bestOps(vRounds);
  const b = bestOps(bRounds);
  const lines = [
    `${'op'.padEnd(7)}| ${col('virtnet ops/s', 13)} ${col('p50', 6)} ${col('p99', 6)} | ${col('baseline ops/s', 14)} ${col('p50', 6)} ${col('p99', 6)} ` +
      '| ratio (virtnet/baseline): ops/s   p99 | paired ops/s',
  ];
  for (const op of OPS) {
    const x = v.get(op);
    const y = b.get(op);
    const cells = (r: OpResult | undefined, w: number): string =>
      `${col(r ? `${r.errors || r.ok !== r.wanted ? '*' : ''}${fmtRate(r.opsPerSec)}` : '-', w)} ${col(fmtMs(r?.latency.p50 ?? NaN), 6)} ${col(fmtMs(r?.latency.p99 ?? NaN), 6)}`;
    const ratio = x && y ? `${col(fmtRatio(x.opsPerSec / y.opsPerSec), 32)} ${col(fmtRatio(x.latency.p99 / y.latency.p99), 6)}` : col('-', 39);
    lines.push(`${op.padEnd(7)}| ${cells(x, 13)} | ${cells(y, 14)} |${ratio} | ${col(fmtRatio(pairedRatio(vRounds, bRounds, op)), 12)}`);
  }
  return lines;
}

export function describeWatch(w: WatchResult | undefined): string {
  if (!w) return '-';
  const l = w.latency;
  return `${fmtMs(l.p50)}/${fmtMs(l.p99)}/${fmtMs(l.max)} (${w.deliveries}/${w.sent * w.watchers} delivered, ` +
    `${w.completeWatchers}/${w.watchers} watchers got all ${w.changes}, writers kept ${Math.round(w.achievedRate)}/s)`;
}

export function targetLines(vRounds: readonly RoundResult[], bRounds: readonly RoundResult[]): string[] {
  const t = TARGETS;
  const [v, b, vw, bw] = [bestOps(vRounds), bestOps(bRounds), bestWatch(vRounds), bestWatch(bRounds)];
  const verdict = (pass: boolean | undefined): string => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL');
  const write = (r: OpResult | undefined): boolean | undefined =>
    r && r.opsPerSec >= t.writesPerSec && r.latency.p99 <= t.writeP99Ms && r.errors === 0 && r.ok === r.wanted;
  const watch = (w: WatchResult | undefined): boolean | undefined => w && w.latency.p99 <= t.watchP99Ms && watchComplete(w);
  const lines = ['targets (virtnet; [baseline] shows what this machine allows at all):'];
  for (const op of ['create', 'patch'] as const) {
    const r = v.get(op);
    const got = r ? `${fmtRate(r.opsPerSec)}/s, p99 ${fmtMs(r.latency.p99)} ms` : 'not measured';
    lines.push(`  ${op} >= ${t.writesPerSec}/s with p99 <= ${t.writeP99Ms} ms: ${verdict(write(r))} (${got}) [baseline ${verdict(write(b.get(op)))}]`);
  }
  const got = vw ? `p99 ${fmtMs(vw.latency.p99)} ms, ${watchComplete(vw) ? 'complete' : 'INCOMPLETE'}` : 'not measured';
  lines.push(`  watch delivery p99 <= ${t.watchP99Ms} ms, every watcher got every change: ${verdict(watch(vw))} (${got}) [baseline ${verdict(watch(bw))}]`);
  return lines;
}

export function roundLine(label: string, r: RoundResult): string {
  const ops = [...r.ops.values()].map((o) => `${o.op} ${fmtRate(o.opsPerSec)}/s p99 ${fmtMs(o.latency.p99)}${o.errors ? ` (${o.errors} errors)` : ''}`);
  const w = r.watch;
  return `${label}: ${ops.join(', ')}; ${w ? `watch p99 ${fmtMs(w.latency.p99)} ms, ${w.completeWatchers}/${w.watchers} complete` : 'no watch result'}`;
}

/** Every failed request and incomplete watch, so no figure hides an error. */
export function problemLines(label: string, r: RoundResult): string[] {
  const out: string[] = [];
  for (const o of r.ops.values()) {
    if (o.errors || o.ok !== o.wanted) out.push(`${label} ${o.op}: ${o.ok}/${o.wanted} ok, ${o.errors} errors; first: ${o.firstError ?? '(time limit)'}`);
  }
  const w = r.watch;
  if (w && !watchComplete(w)) {
    out.push(`${label} watch: ${w.sent}/${w.changes} changes acknowledged (${w.writeErrors} errors${w.firstError ? `; first: ${w.firstError}` : ''}), ` +
      `${w.completeWatchers}/${w.watchers} watchers complete, ${w.duplicates} duplicates, ${w.streamErrors} streams ended early`);
  }
  return out;
}

/**
 * The server's own CPU per request, lowest over the rounds. Unlike ops/s it leaves out fsync waits
 * and the load generator, so it shows what the server's code costs.
 */
export function cpuLines(vRounds: readonly RoundResult[], bRounds: readonly RoundResult[]): string[] {
  const low = (rounds: readonly RoundResult[], k: Op | 'watch'): number =>
    Math.min(...rounds.map((r) => r.cpuMs.get(k) ?? Infinity));
  const cells = [...OPS, 'watch' as const].map((k) => {
    const [v, b] = [low(vRounds, k), low(bRounds, k)];
    return `${k} ${fmtMs(v)}/${fmtMs(b)} (${fmtRatio(v / b)})`;
  });
  return ['server CPU ms per request (watch: per change, fanned out to all watchers), virtnet/baseline, lowest of the rounds:', `  ${cells.join(', ')}`];
}

// Figures of the console bench: sample statistics, the side-by-side table, and the targets of issue 6.
import { fmtMs, fmtRatio, summarize, type LatencySummary } from '../api/stats.js';
import type { FirstPageResult } from './first-page.js';
import type { ScrollTrace } from './in-page.js';
import type { LatencySamples } from './live-latency.js';
import type { VmListResult } from './vm-list.js';

/** A frame interval this long is a visible hitch (six frames missed at 60 Hz). */
export const STALL_MS = 100;
export const FIRST_PAGE_TARGET_MS = 1000;
export const LIVE_TARGET_MS = 1000;
/** More rows than this in the DOM means the list is not virtualized. */
export const VIRTUAL_ROWS_MAX = 100;

export const stats = (xs: readonly number[]): LatencySummary => summarize(Float64Array.from(xs));

export interface FrameStats extends LatencySummary {
  over50: number;
  stalls: number;
  longTasks: number;
  longTaskMax: number;
  blank: number;
}

export function frameStats(t: ScrollTrace): FrameStats {
  return {
    ...stats(t.intervals),
    over50: t.intervals.filter((x) => x > 50).length,
    stalls: t.intervals.filter((x) => x > STALL_MS).length,
    longTasks: t.longTasks.length,
    longTaskMax: t.longTasks.length ? Math.max(...t.longTasks) : 0,
    blank: t.blankFrames,
  };
}

export interface BenchResult {
  rounds: number;
  first: FirstPageResult;
  list: VmListResult;
  nadLatency: LatencySamples;
  nadBaseline: LatencySamples;
  vmLatency: LatencySamples;
  vmBaseline: LatencySamples;
  latencyRounds: number;
}

const W = [46, 24, 24, 10];
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(W[i]!) : c.padStart(W[i]!))).join(' ');
const pm = (s: LatencySummary): string => `${fmtMs(s.p50)} / ${fmtMs(s.max)}`;
const p99 = (s: LatencySummary): string => `${fmtMs(s.p50)} / ${fmtMs(s.p99)} / ${fmtMs(s.max)}`;
const kb = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
const frames = (f: FrameStats): string => `${fmtMs(f.p50)} / ${fmtMs(f.p99)} / ${fmtMs(f.max)}`;
const jank = (f: FrameStats, t: ScrollTrace): string => `${t.intervals.length} fr, >50ms ${f.over50}, LT ${f.longTasks}${f.longTasks ? ` (max ${fmtMs(f.longTaskMax)})` : ''}, blank ${f.blank}`;

export interface Target {
  what: string;
  figure: string;
  met: boolean;
}

export function targets(r: BenchResult): Target[] {
  const cold = stats(r.first.cold.map((x) => x.interactive));
  const quiet = frameStats(r.list.quiet);
  const live = frameStats(r.list.live);
  const nad = stats(r.nadLatency.seen);
  const vm = stats(r.vmLatency.seen);
  return [
    { what: `First page interactive ≤ ${FIRST_PAGE_TARGET_MS} ms (cold, worst of ${r.rounds})`, figure: `${fmtMs(cold.max)} ms`, met: cold.max <= FIRST_PAGE_TARGET_MS },
    { what: `VM list virtualized (≤ ${VIRTUAL_ROWS_MAX} rows in the DOM of ${r.list.vms})`, figure: `${r.list.rowsInDom} rows`, met: r.list.rowsInDom <= VIRTUAL_ROWS_MAX },
    {
      what: `${r.list.vms} VMs scroll without stalls (no frame > ${STALL_MS} ms, no blank frame), quiet and live`,
      figure: `max ${fmtMs(quiet.max)} / ${fmtMs(live.max)} ms, blank ${quiet.blank} / ${live.blank}`,
      met: quiet.stalls === 0 && live.stalls === 0 && quiet.blank === 0 && live.blank === 0 && r.list.quiet.reachedBottom && r.list.live.reachedBottom,
    },
    { what: `Live: ${r.list.changes} changes during the scroll all in the list ≤ ${LIVE_TARGET_MS} ms after`, figure: `${r.list.changesDuringScroll} landed mid-scroll, caught up +${fmtMs(r.list.caughtUpMs)} ms`, met: r.list.caughtUpMs <= LIVE_TARGET_MS },
    { what: `Change on an open page within ${LIVE_TARGET_MS} ms (worst of ${r.latencyRounds}, NAD and VM list)`, figure: `${fmtMs(nad.max)} / ${fmtMs(vm.max)} ms`, met: nad.max <= LIVE_TARGET_MS && vm.max <= LIVE_TARGET_MS },
  ];
}

export function render(r: BenchResult): string {
  const out: string[] = [];
  const head = (title: string, a: string, b: string): void => {
    out.push('', line([title, a, b, 'ratio']));
  };
  const row = (label: string, a: LatencySummary, b: LatencySummary | undefined, fmt = pm): void => {
    out.push(line([`  ${label}`, fmt(a), b ? fmt(b) : '', b ? fmtRatio(a.p50 / b.p50) : '']));
  };
  const { first } = r;
  for (const [kind, c, b] of [['cold', first.cold, first.baseCold], ['warm', first.warm, first.baseWarm]] as const) {
    head(`First page, ${kind} (${r.rounds} rounds; ms p50 / max)`, '/dashboards', '/version JSON');
    const bv = stats(b.map((x) => x.visible));
    row('Overview painted (vs JSON painted)', stats(c.map((x) => x.visible)), bv);
    row('interactive: nav click → Nodes painted', stats(c.map((x) => x.interactive)), bv);
    row('  of which harness: Overview → click event', stats(c.map((x) => x.clickDelay)), undefined);
    row('  of which page: click event → Nodes painted', stats(c.map((x) => x.inputToNext)), undefined);
    row('Overview painted + page\'s answer to the click', stats(c.map((x) => x.visible + x.inputToNext)), bv);
    row('domInteractive', stats(c.map((x) => x.timing.domInteractive)), stats(b.map((x) => x.timing.domInteractive)));
    row('first contentful paint', stats(c.map((x) => x.timing.fcp)), stats(b.map((x) => x.timing.fcp)));
    row('loadEventEnd', stats(c.map((x) => x.timing.loadEventEnd)), stats(b.map((x) => x.timing.loadEventEnd)));
    const c0 = c[0]!.timing;
    const b0 = b[0]!.timing;
    out.push(line(['  transferred (decoded), requests', `${kb(c0.transferBytes)} (${kb(c0.decodedBytes)}), ${c0.requests}`, `${kb(b0.transferBytes)} (${kb(b0.decodedBytes)}), ${b0.requests}`, '']));
  }

  const l = r.list;
  head(`VM list, ${l.vms} VMs`, 'console', 'plain <table>');
  out.push(line([`  created through the API (50 parallel)`, `${l.createSeconds.toFixed(1)} s`, '', '']));
  out.push(line(['  cold: first rows painted / all in the table (ms)', `${fmtMs(l.cold.firstRows)} / ${fmtMs(l.cold.allRows)}`, '', '']));
  out.push(line(['  warm: first rows painted / all in the table (ms)', `${fmtMs(l.warm.firstRows)} / ${fmtMs(l.warm.allRows)}`, '', '']));
  out.push(line(['  rows in the DOM', String(l.rowsInDom), String(l.vms), '']));
  out.push(line(['  JS heap after GC (MiB), DOM nodes', `${l.memory.heapMB.toFixed(1)}, ${l.memory.domNodes}`, `${l.baselineMemory.heapMB.toFixed(1)}, ${l.baselineMemory.domNodes}`, '']));
  const base = frameStats(l.baseline);
  const quiet = frameStats(l.quiet);
  const live = frameStats(l.live);
  out.push(line(['  scroll, frame ms p50 / p99 / max', '', '', 'p99 ratio']));
  out.push(line(['    quiet', frames(quiet), frames(base), fmtRatio(quiet.p99 / base.p99)]));
  out.push(line([`    while ${l.changes} API changes arrive`, frames(live), frames(base), fmtRatio(live.p99 / base.p99)]));
  out.push(`      quiet: ${jank(quiet, l.quiet)}; live: ${jank(live, l.live)}; plain: ${jank(base, l.baseline)}`);
  out.push(`      (scroll ${l.quiet.ms.toFixed(0)} / ${l.live.ms.toFixed(0)} / ${l.baseline.ms.toFixed(0)} ms; most rows in the DOM while scrolling ${l.quiet.maxRowsInDom} / ${l.live.maxRowsInDom} / ${l.baseline.maxRowsInDom})`);

  head(`Live latency, ${r.latencyRounds} creates (ms p50 / p99 / max)`, 'row in the page DOM', 'Node ws watch');
  row('NAD list: create → seen', stats(r.nadLatency.seen), stats(r.nadBaseline.seen), p99);
  row('NAD list: create → API reply', stats(r.nadLatency.reply), stats(r.nadBaseline.reply), p99);
  row(`VM list (${l.vms + Math.ceil(l.changes / 2)} VMs): create → seen`, stats(r.vmLatency.seen), stats(r.vmBaseline.seen), p99);
  row('VM list: create → API reply', stats(r.vmLatency.reply), stats(r.vmBaseline.reply), p99);

  out.push('', 'Targets (issue 6)');
  for (const t of targets(r)) out.push(`  ${t.met ? 'met   ' : 'MISSED'} ${t.what}: ${t.figure}`);
  return out.join('\n');
}

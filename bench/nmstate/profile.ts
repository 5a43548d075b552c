// CPU profiles, summarised as self time per function and per area (virtnet source file, node internals,
// dependency, idle, GC): of one call in this process (the V8 profiler through node:inspector, like
// `node --cpu-prof` but around just that call), or of `--cpu-prof` files other processes wrote.
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  /** Profiled time (µs timestamps of the profile), ms; summed over profiles when merged. */
  wallMs: number;
  /** Self time (ms) per function, largest first. */
  functions: { name: string; ms: number }[];
  /** Self time (ms) per area: (idle), (garbage collector), (program), virtnet src/…, node internals, … */
  groups: { name: string; ms: number }[];
  file?: string;
}

function group(url: string, fn: string, root: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return `node internals (${url.replace(/^node:(internal\/)?/, '').split('/')[0] ?? url})`;
  const path = url.replace(/^file:\/\//, '');
  const rel = relative(root, path);
  if (rel.startsWith('dist/src/')) return `virtnet ${rel.replace(/^dist\//, '').replace(/\.js$/, '.ts')}`;
  if (rel.startsWith('dist/bench/')) return 'benchmark';
  if (rel.startsWith('node_modules/')) return `dependency ${rel.split('/')[1] ?? ''}`;
  return rel;
}

/** Self time per function and per area; samples under node:inspector (an in-process profiler's own start) are left out. */
export function summarize(profiles: readonly CpuProfile[], repoRoot: string): ProfileSummary {
  const fns = new Map<string, number>();
  const groups = new Map<string, number>();
  let wallMs = 0;
  for (const p of profiles) {
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
    const profilerOwn = (id: number): boolean => {
      for (let q: number | undefined = id; q !== undefined; q = parent.get(q)) if (byId.get(q)?.callFrame.url.startsWith('node:inspector')) return true;
      return false;
    };
    const self = new Map<number, number>();
    const deltas = p.timeDeltas ?? [];
    // timeDeltas[i] is the time before sample i; attribute it to the sample (V8's own convention).
    (p.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000));
    let own = 0;
    for (const [id, ms] of self) {
      const n = byId.get(id);
      if (!n) continue;
      if (profilerOwn(id)) {
        own += ms;
        continue;
      }
      const { functionName, url, lineNumber } = n.callFrame;
      const g = group(url, functionName || '(anonymous)', repoRoot);
      const name = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${g.replace(/^virtnet /, '')}:${lineNumber + 1}`;
      fns.set(name, (fns.get(name) ?? 0) + ms);
      groups.set(g, (groups.get(g) ?? 0) + ms);
    }
    wallMs += (p.endTime - p.startTime) / 1000 - own;
  }
  const sorted = (m: Map<string, number>): { name: string; ms: number }[] =>
    [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { wallMs, functions: sorted(fns), groups: sorted(groups) };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

/** Profiles `fn`; with `saveDir`, writes the .cpuprofile (open it in Chrome DevTools) there. */
export async function profile<T>(fn: () => Promise<T>, repoRoot: string, saveDir?: string): Promise<{ value: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    const value = await fn();
    const { profile: p } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    const summary = summarize([p], repoRoot);
    if (saveDir) {
      const file = join(saveDir, `nmstate-bench-bridges-${process.pid}.cpuprofile`);
      writeFileSync(file, JSON.stringify(p));
      summary.file = file;
    }
    return { value, summary };
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/** Lines for a summary: busy time by area, then the top functions (with `sharesOnly`, percentages alone). */
export function summaryLines(s: ProfileSummary, indent: string, topAreas = 8, topFunctions = 10, sharesOnly = false): string[] {
  const busy = s.groups.filter((g) => g.name !== '(idle)');
  const total = busy.reduce((a, g) => a + g.ms, 0);
  const pct = (ms: number): string => `${((100 * ms) / total).toFixed(ms / total < 0.1 ? 1 : 0)}%`;
  const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
  const amount = (ms: number): string => (sharesOnly ? pct(ms) : `${fmt(ms)} ms (${pct(ms)})`);
  return [
    `${indent}${sharesOnly ? '' : `busy ${fmt(total)} ms of ${fmt(s.wallMs)} ms profiled; `}by area: ` +
      busy.slice(0, topAreas).map((g) => `${g.name} ${amount(g.ms)}`).join(', '),
    `${indent}top functions by self time:`,
    ...s.functions.filter((f) => f.name !== '(idle)').slice(0, topFunctions)
      .map((f) => `${indent}  ${sharesOnly ? pct(f.ms).padStart(6) : `${fmt(f.ms).padStart(7)} ms ${pct(f.ms).padStart(6)}`}  ${f.name}`),
  ];
}

// CPU profile of one call in this process (the V8 profiler through node:inspector, like `node --cpu-prof`
// but around just that call), summarised as self time per function and per source file.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileSummary {
  wallMs: number;
  /** Self time (ms) per function, largest first. */
  functions: { name: string; ms: number }[];
  /** Self time (ms) per group: (idle), (garbage collector), (program), virtnet src/…, node internals, … */
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
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    const samples = p.samples ?? [];
    const deltas = p.timeDeltas ?? [];
    // timeDeltas[i] is the time before sample i; attribute it to the sample (V8's own convention).
    samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0) / 1000));
    const fns = new Map<string, number>();
    const groups = new Map<string, number>();
    for (const [id, ms] of self) {
      const n = byId.get(id);
      if (!n) continue;
      const { functionName, url, lineNumber } = n.callFrame;
      const g = group(url, functionName || '(anonymous)', repoRoot);
      const name = url === '' ? functionName || '(anonymous)' : `${functionName || '(anonymous)'} ${g.replace(/^virtnet /, '')}:${lineNumber + 1}`;
      fns.set(name, (fns.get(name) ?? 0) + ms);
      groups.set(g, (groups.get(g) ?? 0) + ms);
    }
    const sorted = (m: Map<string, number>): { name: string; ms: number }[] =>
      [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
    const summary: ProfileSummary = { wallMs: (p.endTime - p.startTime) / 1000, functions: sorted(fns), groups: sorted(groups) };
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

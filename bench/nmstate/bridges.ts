// Benchmark 2: 100 linux-bridges on one node, each with one veth as its port, as ONE desired state applied
// through virtnet's engine + executor (applyNetworkState: read current state, plan, run the steps with
// `ip -n`, re-read and verify), against the same commands through one `ip -n NS -batch -`, in a fresh
// namespace with the same veths, in the same run. A third figure, the same commands as one `ip` process
// each, shows what the executor's one-process-per-step shape costs by itself.
import { spawnSync } from 'node:child_process';
import { applyNetworkState } from '../../src/agent/apply-network-state.js';
import { detectCapabilities } from '../../src/agent/nmstate/capabilities.js';
import { onCleanup } from './cleanup.js';
import { profile, type ProfileSummary } from './profile.js';
import { traceSpawns, type SpawnRecord } from './spawn-trace.js';
import { cmd, fmtMs, fmtRatio, median, netnsList, procCpu } from './util.js';

export const BRIDGES_TARGET_RATIO = 1.5;

export interface BridgesOptions {
  id: string;
  count: number;
  rounds: number;
  repoRoot: string;
  /** Where to save the .cpuprofile of the profiled run. */
  cpuProfDir?: string;
  /** Profile even when the target is met. */
  forceProfile?: boolean;
  log: (line: string) => void;
}

interface VirtnetRun {
  ms: number;
  steps: number;
  /** read current state + parse/merge/plan, until the executor starts. */
  prepareMs: number;
  executeMs: number;
  /** re-read + verify, after the last step. */
  verifyMs: number;
  spawns: SpawnRecord[];
  /** This process's own CPU and its children's (the `ip` processes), ms. */
  selfCpuMs: number;
  childCpuMs: number;
}

export interface BridgesRound {
  virtnet: VirtnetRun;
  batchMs: number;
  perCommandMs: number;
}

export interface BridgesResult {
  count: number;
  capabilityProbeMs: number;
  rounds: BridgesRound[];
  profiled?: { run: VirtnetRun; summary: ProfileSummary };
  problems: string[];
}

const range = (n: number): number[] => [...Array(n).keys()];

/** Creates a namespace of ours (refusing one that exists: not ours) and registers its deletion. */
async function freshNamespace(name: string): Promise<() => Promise<void>> {
  if (netnsList().includes(name)) throw new Error(`namespace ${name} already exists; it is not this run's, refusing to touch it`);
  const del = onCleanup({
    name: `netns ${name}`,
    run: async () => {
      if (netnsList().includes(name)) await cmd('ip', ['netns', 'del', name]);
    },
    runSync: () => {
      if (netnsList().includes(name)) spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore', timeout: 10_000 });
    },
  });
  await cmd('ip', ['netns', 'add', name]);
  return del;
}

async function addVeths(ns: string, count: number): Promise<void> {
  const lines = range(count).map((i) => `link add veth${i}a type veth peer name veth${i}b`);
  await cmd('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

/** The commands virtnet's plan runs, in its order: create every bridge, attach every port, bring bridges up. */
export function bridgeCommands(count: number): string[][] {
  return [
    ...range(count).map((i) => ['link', 'add', `br${i}`, 'type', 'bridge', 'stp_state', '0']),
    ...range(count).map((i) => ['link', 'set', 'dev', `veth${i}a`, 'master', `br${i}`]),
    ...range(count).map((i) => ['link', 'set', 'dev', `br${i}`, 'up']),
  ];
}

export function desiredState(count: number): unknown {
  return {
    interfaces: range(count).map((i) => ({
      name: `br${i}`,
      type: 'linux-bridge',
      state: 'up',
      bridge: { options: { stp: { enabled: false } }, port: [{ name: `veth${i}a` }] },
    })),
  };
}

/** Checks with `ip` (not virtnet's reader) that every bridge exists, is up, has STP off and its port. */
async function checkKernel(ns: string, count: number): Promise<string | undefined> {
  const links = JSON.parse((await cmd('ip', ['-n', ns, '-json', '-details', 'link', 'show'])).stdout) as
    { ifname: string; flags?: string[]; master?: string; linkinfo?: { info_kind?: string; info_data?: { stp_state?: number } } }[];
  const by = new Map(links.map((l) => [l.ifname, l]));
  for (const i of range(count)) {
    const br = by.get(`br${i}`);
    if (br?.linkinfo?.info_kind !== 'bridge') return `${ns}: br${i} is missing or not a bridge`;
    if (br.linkinfo.info_data?.stp_state !== 0) return `${ns}: br${i} has STP on`;
    if (!br.flags?.includes('UP')) return `${ns}: br${i} is not up`;
    if (by.get(`veth${i}a`)?.master !== `br${i}`) return `${ns}: veth${i}a is not a port of br${i}`;
  }
  return undefined;
}

async function runVirtnet(ns: string, count: number): Promise<VirtnetRun> {
  const desired = desiredState(count);
  let applying = NaN;
  let steps = 0;
  const cpu0 = process.cpuUsage();
  const child0 = procCpu('self').children;
  const t0 = performance.now();
  const { value: outcome, spawns } = await traceSpawns(() => applyNetworkState(desired, {
    netns: ns,
    onProgress: (m) => {
      const s = /applying (\d+) steps/.exec(m);
      if (s) {
        applying = performance.now();
        steps = Number(s[1]);
      }
    },
  }));
  const t1 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const childCpuMs = (procCpu('self').children - child0) * 1000;
  if (!outcome.ok) throw new Error(`applyNetworkState failed: ${outcome.error ?? '?'}`);
  const stepSpawns = spawns.filter((s) => !s.argv.includes('-json'));
  const lastStep = Math.max(...stepSpawns.map((s) => s.end));
  return {
    ms: t1 - t0,
    steps,
    prepareMs: applying - t0,
    executeMs: lastStep - applying,
    verifyMs: t1 - lastStep,
    spawns,
    selfCpuMs: (cpu.user + cpu.system) / 1000,
    childCpuMs,
  };
}

async function runBatch(ns: string, count: number): Promise<number> {
  const input = `${bridgeCommands(count).map((c) => c.join(' ')).join('\n')}\n`;
  const t0 = performance.now();
  await cmd('ip', ['-n', ns, '-batch', '-'], { input });
  return performance.now() - t0;
}

async function runPerCommand(ns: string, count: number): Promise<number> {
  const t0 = performance.now();
  for (const c of bridgeCommands(count)) await cmd('ip', ['-n', ns, ...c]);
  return performance.now() - t0;
}

export async function runBridges(o: BridgesOptions): Promise<BridgesResult> {
  const { id, count, log } = o;
  const problems: string[] = [];
  const names = { virtnet: `vn-${id}-n0`, batch: `vn-${id}-n1`, perCommand: `vn-${id}-n2` };
  // The agent probes the kernel's link types once per process (a scratch namespace vn-cap-<pid>); a running
  // agent has done it long before a policy arrives, so it is measured apart, not inside the first round.
  const c0 = performance.now();
  await detectCapabilities();
  const capabilityProbeMs = performance.now() - c0;

  const prepared = async (ns: string): Promise<() => Promise<void>> => {
    const del = await freshNamespace(ns);
    await addVeths(ns, count);
    return del;
  };
  const rounds: BridgesRound[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    const dels = [await prepared(names.virtnet), await prepared(names.batch), await prepared(names.perCommand)];
    let v: VirtnetRun | undefined;
    let batchMs = NaN;
    let perCommandMs = NaN;
    // Alternate who goes first so that drift favours neither.
    const order = r % 2 ? ['virtnet', 'batch', 'perCommand'] as const : ['batch', 'virtnet', 'perCommand'] as const;
    for (const which of order) {
      try {
        if (which === 'virtnet') v = await runVirtnet(names.virtnet, count);
        else if (which === 'batch') batchMs = await runBatch(names.batch, count);
        else perCommandMs = await runPerCommand(names.perCommand, count);
      } catch (e) {
        problems.push(`round ${r} ${which}: ${(e as Error).message}`);
      }
    }
    for (const ns of Object.values(names)) {
      const bad = await checkKernel(ns, count).catch((e: unknown) => (e as Error).message);
      if (bad) problems.push(`round ${r}: ${bad}`);
    }
    for (const d of dels) await d();
    if (v) {
      rounds.push({ virtnet: v, batchMs, perCommandMs });
      log(`  round ${r}: virtnet ${fmtMs(v.ms)} ms (${v.steps} steps, ${v.spawns.length} processes) | ip -batch ${fmtMs(batchMs)} ms | ` +
        `one ip per command ${fmtMs(perCommandMs)} ms | ratio virtnet/batch ${fmtRatio(v.ms / batchMs)}`);
    } else {
      log(`  round ${r}: FAILED`);
    }
  }

  const result: BridgesResult = { count, capabilityProbeMs, rounds, problems };
  const ratio = median(rounds.map((x) => x.virtnet.ms / x.batchMs));
  if (rounds.length > 0 && (o.forceProfile || !(ratio <= BRIDGES_TARGET_RATIO))) {
    // One more run, not counted in the figures: CPU profile of this process around the apply.
    const del = await prepared(names.virtnet);
    try {
      const p = await profile(() => runVirtnet(names.virtnet, count), o.repoRoot, o.cpuProfDir);
      result.profiled = { run: p.value, summary: p.summary };
    } catch (e) {
      problems.push(`profiled run: ${(e as Error).message}`);
    } finally {
      await del();
    }
  }
  return result;
}

/** Where the time of one virtnet apply went: phases, processes, CPU. */
function breakdown(v: VirtnetRun): string[] {
  const reads = v.spawns.filter((s) => s.argv.includes('-json'));
  const steps = v.spawns.filter((s) => !s.argv.includes('-json'));
  const per = (xs: SpawnRecord[]): number => median(xs.map((s) => s.end - s.start));
  const blocking = v.spawns.reduce((a, s) => a + (s.spawned - s.start), 0);
  return [
    `    read current state + plan ${fmtMs(v.prepareMs)} ms | execute ${v.steps} steps ${fmtMs(v.executeMs)} ms ` +
      `(${fmtMs(v.executeMs / Math.max(1, v.steps))} ms per step) | re-read + verify ${fmtMs(v.verifyMs)} ms`,
    `    processes started: ${v.spawns.length} (${steps.length} plan steps, one \`ip -n\` each, run one after another, ` +
      `median ${fmtMs(per(steps))} ms from start to exit; ${reads.length} state dumps \`ip -json … show\`, 7 in parallel per read, median ${fmtMs(per(reads))} ms)`,
    `    of that, ${fmtMs(blocking)} ms inside the synchronous fork/exec of execFile (the event loop is blocked meanwhile)`,
    `    CPU: this process ${fmtMs(v.selfCpuMs)} ms, its ip children ${fmtMs(v.childCpuMs)} ms, for ${fmtMs(v.ms)} ms wall`,
  ];
}

export function bridgesReport(res: BridgesResult): { lines: string[]; pass: boolean | undefined } {
  const lines: string[] = [];
  const rs = res.rounds;
  const col = (s: string): string => s.padStart(9);
  const row = (label: string, xs: number[]): string => `  ${label.padEnd(58)}${xs.map((x) => col(fmtMs(x))).join('')}${col(fmtMs(median(xs)))}`;
  const ratioRow = (label: string, xs: number[]): string => `  ${label.padEnd(58)}${xs.map((x) => col(fmtRatio(x))).join('')}${col(fmtRatio(median(xs)))}`;
  lines.push(`100 bridges on one node: ${res.count} linux-bridges (STP off), each with one veth port, one desired state`);
  lines.push(`  ${'(ms)'.padEnd(58)}${rs.map((_, i) => col(`run ${i + 1}`)).join('')}${col('median')}`);
  lines.push(row('virtnet applyNetworkState (read, plan, apply, verify)', rs.map((r) => r.virtnet.ms)));
  lines.push(row(`baseline: one \`ip -n NS -batch -\` with the ${res.count * 3} commands`, rs.map((r) => r.batchMs)));
  lines.push(row(`reference: the ${res.count * 3} commands as one \`ip -n NS\` process each`, rs.map((r) => r.perCommandMs)));
  lines.push(ratioRow('ratio virtnet / baseline', rs.map((r) => r.virtnet.ms / r.batchMs)));
  lines.push(ratioRow('ratio virtnet / one-process-per-command reference', rs.map((r) => r.virtnet.ms / r.perCommandMs)));
  lines.push(`  (the agent's one-off kernel capability probe, ${fmtMs(res.capabilityProbeMs)} ms, ran before the rounds and is not counted)`);
  const ratio = median(rs.map((r) => r.virtnet.ms / r.batchMs));
  const pass = rs.length === 0 ? undefined : ratio <= BRIDGES_TARGET_RATIO;
  lines.push(`  target ≤ ${BRIDGES_TARGET_RATIO}x the baseline: ${pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL'} (${fmtRatio(ratio)})`);
  const mid = [...rs].sort((a, b) => a.virtnet.ms - b.virtnet.ms)[rs.length >> 1];
  if (mid) {
    lines.push('  where virtnet\'s time goes (the median run):');
    lines.push(...breakdown(mid.virtnet));
    const projected = mid.virtnet.prepareMs + median(rs.map((r) => r.batchMs)) + mid.virtnet.verifyMs;
    lines.push(`    if the executor ran consecutive \`ip\` steps as one \`ip -n NS -batch -\`: read + plan ${fmtMs(mid.virtnet.prepareMs)} + ` +
      `batch ${fmtMs(median(rs.map((r) => r.batchMs)))} + verify ${fmtMs(mid.virtnet.verifyMs)} ≈ ${fmtMs(projected)} ms ` +
      `(${fmtRatio(projected / median(rs.map((r) => r.batchMs)))} the baseline)`);
  }
  const p = res.profiled;
  if (p) {
    lines.push(`  CPU profile of this process during one more (uncounted) apply, ${fmtMs(p.summary.wallMs)} ms:`);
    lines.push(...breakdown(p.run).slice(0, 1));
    const total = p.summary.groups.reduce((a, g) => a + g.ms, 0);
    lines.push(`    self time by area: ${p.summary.groups.slice(0, 7).map((g) => `${g.name} ${fmtMs(g.ms)} ms (${Math.round((100 * g.ms) / total)}%)`).join(', ')}`);
    lines.push('    top functions by self time:');
    for (const f of p.summary.functions.filter((x) => x.name !== '(idle)').slice(0, 8)) lines.push(`      ${fmtMs(f.ms).padStart(7)} ms  ${f.name}`);
    if (p.summary.file) lines.push(`    profile saved to ${p.summary.file}`);
  }
  for (const e of res.problems) lines.push(`  problem: ${e}`);
  return { lines, pass };
}

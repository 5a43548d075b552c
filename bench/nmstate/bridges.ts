// Benchmark 2: 100 linux-bridges on one node, each with one veth as its port, as ONE desired state applied
// through virtnet's engine + executor (applyNetworkState: current state, plan, the steps and the
// verification dumps in one `ip -n NS -json -details -batch -`, verify), against the same commands through
// one `ip -n NS -batch -`, in a fresh namespace with the same veths, in the same run. virtnet is measured
// twice, each in its own namespace:
//   cold — the state before is read first (3 `ip -json -batch` dumps in parallel), as `virtnet nmstate
//          apply` does, or the agent when a change came in just before;
//   warm — as in the node agent: a netlink monitor watches the namespace and the state read after its last
//          change is kept (fresh-state.ts, what the NNS reporter reads anyway); the apply starts from it.
// Two more figures, each in its own fresh namespace: the commands as one `ip` process each (what an
// executor that starts a process per step costs), and the commands plus link/addr dumps in one
// `ip -json -details -batch -` (the floor of an apply that verifies what it did).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { applyNetworkState } from '../../src/agent/apply-network-state.js';
import { detectCapabilities } from '../../src/agent/nmstate/capabilities.js';
import { captureIproute2, fromIproute2, readCurrentState } from '../../src/agent/nmstate/current-state.js';
import { CurrentStateCache, type FreshStateSource } from '../../src/agent/nmstate/fresh-state.js';
import { computeApply, verifyState, type NetworkState } from '../../src/agent/nmstate/index.js';
import { watchNetlink } from '../../src/agent/nmstate/netlink-monitor.js';
import { onCleanup } from './cleanup.js';
import { profile, summaryLines, type ProfileSummary } from './profile.js';
import { traceSpawns, type SpawnRecord } from './spawn-trace.js';
import { cmd, fmtMs, fmtRatio, median, netnsList, procCpu, sleep } from './util.js';

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
  /** Whether the apply started from the kept state (warm) instead of reading it. */
  warm: boolean;
  /** current state (read, or kept) + parse/merge/plan, until the executor starts. */
  prepareMs: number;
  /** From the plan to the exit of the process that ran the steps and the verification dumps. */
  executeMs: number;
  /** After that process: turning the dumps into a state + verify. */
  verifyMs: number;
  /** Processes that ended before the steps: the state read (none when warm). */
  readSpawns: number;
  /** The process that ran the steps and the dumps. */
  batch: SpawnRecord;
  spawns: SpawnRecord[];
  /** This process's own CPU and its children's (the `ip` processes), ms. */
  selfCpuMs: number;
  childCpuMs: number;
}

export interface BridgesRound {
  cold: VirtnetRun;
  warm: VirtnetRun;
  batchMs: number;
  perCommandMs: number;
  /** The commands + `link show` + `addr show` in one `ip -json -details -batch -`. */
  batchWithDumpMs: number;
}

/** The parts of an apply measured apart (medians of 5), on namespaces before and after the bridges. */
export interface Anatomy {
  /** readCurrentState on the namespace with the bridges: 3 `ip -json -batch` processes in parallel + conversion. */
  readMs: number;
  /** captureIproute2 alone: the 3 processes and JSON.parse. */
  captureMs: number;
  /** fromIproute2 alone: turning the dumps into nmstate's shape (pure JS). */
  convertMs: number;
  /** computeApply (parse, merge, plan, revert) of the desired state against the namespace with the veths only. */
  planMs: number;
  /** verifyState of the merged state against the namespace with the bridges. */
  verifyComputeMs: number;
  /** `ip -n NS -json -details link show` alone. */
  linkDumpMs: number;
  /** An empty `ip -n NS link show dev lo`: what starting one `ip` process costs here. */
  emptyIpMs: number;
  /** The same dumps as readCurrentState in 2 processes: `ip -json -details -batch` (link, addr, route, rule) and the same with -6 (route, rule). */
  leanReadMs: number;
}

export interface BridgesResult {
  count: number;
  /** The host's 1-minute load average before the first round and after the last (other users share the host). */
  load: [number, number];
  capabilityProbeMs: number;
  rounds: BridgesRound[];
  anatomy?: Anatomy;
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

/**
 * The agent's setup for a namespace: a netlink monitor, subscribed, and the state read after the last change
 * (the NNS reporter's read). Returns the source the apply gets and how to stop the monitor.
 */
async function agentState(ns: string): Promise<{ source: FreshStateSource; used: () => boolean; close: () => Promise<void> }> {
  const monitor = watchNetlink(ns);
  const unregister = onCleanup({
    name: `ip monitor of ${ns}`,
    run: () => monitor.close(),
    runSync: () => {
      try {
        if (monitor.pid !== undefined) process.kill(monitor.pid, 'SIGKILL');
      } catch { /* gone */ }
    },
  });
  const cache = new CurrentStateCache(() => readCurrentState(ns));
  await cache.attach(monitor);
  if (!(await monitor.subscribed)) throw new Error(`ip monitor of ${ns} did not subscribe`);
  await cache.read();
  let used = false;
  return {
    source: {
      fresh: async () => {
        const s = await cache.fresh();
        used = s !== undefined;
        return s;
      },
      changing: (fn) => cache.changing(fn),
    },
    used: () => used,
    close: async () => {
      cache.detach();
      await unregister();
    },
  };
}

async function runVirtnet(ns: string, count: number, states?: { source: FreshStateSource; used: () => boolean }): Promise<VirtnetRun> {
  const desired = desiredState(count);
  let applying = NaN;
  let steps = 0;
  const cpu0 = process.cpuUsage();
  const child0 = procCpu('self').children;
  const t0 = performance.now();
  const { value: outcome, spawns } = await traceSpawns(() => applyNetworkState(desired, {
    netns: ns,
    ...(states ? { states: states.source } : {}),
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
  const warm = states?.used() ?? false;
  if (states && !warm) throw new Error('the kept state was not used (a netlink change came in after it was read)');
  // The process that runs the steps (and the verification dumps) is started before planning and exits
  // after it; the state read's processes exit before planning ends, a re-read's start after the steps.
  const batch = spawns.filter((x) => x.end > applying).sort((a, b) => a.start - b.start)[0];
  if (!batch) throw new Error('no process ran the steps');
  return {
    ms: t1 - t0,
    steps,
    warm,
    prepareMs: applying - t0,
    executeMs: batch.end - applying,
    verifyMs: t1 - batch.end,
    readSpawns: spawns.filter((x) => x.end <= applying).length,
    batch,
    spawns,
    selfCpuMs: (cpu.user + cpu.system) / 1000,
    childCpuMs,
  };
}

async function runBatch(ns: string, count: number, dumps = false): Promise<number> {
  const lines = bridgeCommands(count).map((c) => c.join(' '));
  if (dumps) lines.push('link show', 'addr show');
  const t0 = performance.now();
  const r = await cmd('ip', ['-n', ns, ...(dumps ? ['-json', '-details'] : []), '-batch', '-'], { input: `${lines.join('\n')}\n` });
  const ms = performance.now() - t0;
  if (dumps) {
    // The dumps must be there and be the state after the commands (one JSON array per line).
    const [links] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ifname: string }[]);
    if (!links?.some((l) => l.ifname === `br${count - 1}`)) throw new Error('the batch\'s link dump does not show the bridges');
  }
  return ms;
}

async function runPerCommand(ns: string, count: number): Promise<number> {
  const t0 = performance.now();
  for (const c of bridgeCommands(count)) await cmd('ip', ['-n', ns, ...c]);
  return performance.now() - t0;
}

/**
 * Deleting a namespace with hundreds of links goes on in the kernel after `ip netns del` returns, holding the
 * global rtnl lock: waits until a link change in our scratch namespace is quick again (3 times in a row,
 * under 15 ms), at most 15 s, so that no contender pays for the previous round's cleanup.
 */
async function settle(ns: string): Promise<number> {
  const t0 = performance.now();
  let quick = 0;
  while (quick < 3 && performance.now() - t0 < 15_000) {
    const t = performance.now();
    await cmd('ip', ['-n', ns, '-batch', '-'], { input: 'link add vn-s0 type veth peer name vn-s1\nlink del vn-s0\n' });
    quick = performance.now() - t < 15 ? quick + 1 : 0;
    if (quick === 0) await sleep(100);
  }
  return performance.now() - t0;
}

async function timed(fn: () => Promise<unknown> | unknown, n = 5): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return median(xs);
}

async function measureAnatomy(before: string, after: string, count: number): Promise<Anatomy> {
  const desired = desiredState(count);
  const pre = (await readCurrentState(before)) as unknown as NetworkState;
  const post = (await readCurrentState(after)) as unknown as NetworkState;
  const computed = computeApply(desired, pre);
  if (!computed.ok) throw new Error(`computeApply: ${computed.error.toString()}`);
  const merged = computed.value.merged;
  const samples = await captureIproute2(after);
  const leanInput4 = 'link show\naddr show\nroute show table all\nrule show\n';
  const leanInput6 = 'route show table all\nrule show\n';
  return {
    readMs: await timed(() => readCurrentState(after)),
    captureMs: await timed(() => captureIproute2(after)),
    convertMs: await timed(() => fromIproute2(samples)),
    planMs: await timed(() => computeApply(desired, pre)),
    verifyComputeMs: await timed(() => verifyState(merged, post)),
    linkDumpMs: await timed(() => cmd('ip', ['-n', after, '-json', '-details', 'link', 'show'])),
    emptyIpMs: await timed(() => cmd('ip', ['-n', after, 'link', 'show', 'dev', 'lo'])),
    leanReadMs: await timed(() => Promise.all([
      cmd('ip', ['-n', after, '-json', '-details', '-batch', '-'], { input: leanInput4 }),
      cmd('ip', ['-6', '-n', after, '-json', '-details', '-batch', '-'], { input: leanInput6 }),
    ])),
  };
}

export async function runBridges(o: BridgesOptions): Promise<BridgesResult> {
  // A scratch namespace for settle(), apart from the measured ones.
  const settleNs = `vn-${o.id}-settle`;
  const delSettle = await freshNamespace(settleNs);
  try {
    return await measureAll(o, settleNs);
  } finally {
    await delSettle();
  }
}

async function measureAll(o: BridgesOptions, settleNs: string): Promise<BridgesResult> {
  const { id, count, log } = o;
  const problems: string[] = [];
  const names = { cold: `vn-${id}-n0`, batch: `vn-${id}-n1`, perCommand: `vn-${id}-n2`, batchWithDump: `vn-${id}-n3`, warm: `vn-${id}-n4` };
  type Contender = keyof typeof names;
  await settle(settleNs);
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
  const loadBefore = loadavg()[0] ?? NaN;
  for (let r = 1; r <= o.rounds; r++) {
    const dels: (() => Promise<void>)[] = [];
    for (const ns of Object.values(names)) dels.push(await prepared(ns));
    await settle(settleNs);
    // The agent's monitor and kept state for the warm namespace, set up after its veths, as the NNS
    // reporter would have read it after their creation (not timed: it is not part of an apply).
    let agent: Awaited<ReturnType<typeof agentState>> | undefined;
    let cold: VirtnetRun | undefined;
    let warm: VirtnetRun | undefined;
    const ms: Record<'batch' | 'perCommand' | 'batchWithDump', number> = { batch: NaN, perCommand: NaN, batchWithDump: NaN };
    try {
      agent = await agentState(names.warm);
    } catch (e) {
      problems.push(`round ${r} warm setup: ${(e as Error).message}`);
    }
    // The baseline between the two virtnet figures, which swap places every round so that drift favours neither.
    const order: Contender[] = r % 2 ? ['warm', 'batch', 'cold', 'batchWithDump', 'perCommand'] : ['cold', 'batch', 'warm', 'batchWithDump', 'perCommand'];
    for (const which of order) {
      try {
        if (which === 'cold') cold = await runVirtnet(names.cold, count);
        else if (which === 'warm') {
          if (agent) warm = await runVirtnet(names.warm, count, agent);
        } else if (which === 'batch') ms.batch = await runBatch(names.batch, count);
        else if (which === 'batchWithDump') ms.batchWithDump = await runBatch(names.batchWithDump, count, true);
        else ms.perCommand = await runPerCommand(names.perCommand, count);
      } catch (e) {
        problems.push(`round ${r} ${which}: ${(e as Error).message}`);
      }
    }
    await agent?.close().catch((e: unknown) => problems.push(`round ${r}: closing the monitor: ${(e as Error).message}`));
    for (const ns of Object.values(names)) {
      const bad = await checkKernel(ns, count).catch((e: unknown) => (e as Error).message);
      if (bad) problems.push(`round ${r}: ${bad}`);
    }
    for (const d of dels) await d();
    if (cold && warm) {
      rounds.push({ cold, warm, batchMs: ms.batch, perCommandMs: ms.perCommand, batchWithDumpMs: ms.batchWithDump });
      log(`  round ${r}: virtnet warm ${fmtMs(warm.ms)} ms, cold ${fmtMs(cold.ms)} ms (${cold.steps} steps; ${warm.spawns.length} and ` +
        `${cold.spawns.length} processes) | ip -batch ${fmtMs(ms.batch)} ms | one ip per command ${fmtMs(ms.perCommand)} ms | ` +
        `batch + dumps ${fmtMs(ms.batchWithDump)} ms | ratio warm ${fmtRatio(warm.ms / ms.batch)}, cold ${fmtRatio(cold.ms / ms.batch)}`);
    } else {
      log(`  round ${r}: FAILED`);
    }
  }

  const result: BridgesResult = { count, load: [loadBefore, loadavg()[0] ?? NaN], capabilityProbeMs, rounds, problems };
  // The parts of an apply, apart: namespace n1 with the veths only (before), n0 with the bridges too (after).
  {
    const delBefore = await prepared(names.batch);
    const delAfter = await prepared(names.cold);
    try {
      await runBatch(names.cold, count);
      await settle(settleNs);
      result.anatomy = await measureAnatomy(names.batch, names.cold, count);
    } catch (e) {
      problems.push(`anatomy: ${(e as Error).message}`);
    } finally {
      await delBefore();
      await delAfter();
    }
  }
  const ratio = median(rounds.map((x) => x.warm.ms / x.batchMs));
  if (rounds.length > 0 && (o.forceProfile || !(ratio <= BRIDGES_TARGET_RATIO))) {
    // One more warm run, not counted in the figures: CPU profile of this process around the apply alone.
    const del = await prepared(names.warm);
    let agent: Awaited<ReturnType<typeof agentState>> | undefined;
    try {
      await settle(settleNs);
      agent = await agentState(names.warm);
      const states = agent;
      const p = await profile(() => runVirtnet(names.warm, count, states), o.repoRoot, o.cpuProfDir);
      result.profiled = { run: p.value, summary: p.summary };
    } catch (e) {
      problems.push(`profiled run: ${(e as Error).message}`);
    } finally {
      await agent?.close().catch(() => undefined);
      await del();
    }
  }
  return result;
}

/** Where the time of one virtnet apply went: phases, processes, CPU. */
function breakdown(v: VirtnetRun): string[] {
  const batch = v.batch;
  const after = v.spawns.filter((x) => x.start > batch.end).length;
  const blocking = v.spawns.reduce((a, x) => a + (x.spawned - x.start), 0);
  return [
    `    starting the step process + ${v.warm ? 'kept state (no read)' : 'reading the state'} + plan ${fmtMs(v.prepareMs)} ms | ${v.steps} steps + verification ` +
      `dumps in one \`ip -json -details -batch\`, from the plan to its exit ${fmtMs(v.executeMs)} ms | dumps → state + verify ${fmtMs(v.verifyMs)} ms`,
    `    processes started: ${v.spawns.length}: ${v.readSpawns === 0 ? 'none to read the state' : `${v.readSpawns} to read the state (in parallel)`}, ` +
      `1 for the steps and the dumps (started before planning, ${fmtMs(batch.end - batch.start)} ms from start to exit)` +
      `${after > 0 ? `, ${after} more after it (a full re-read or a bridge vlan dump)` : ', none after it'}; ` +
      `${fmtMs(blocking)} ms of them inside the synchronous fork/exec of execFile (the event loop is blocked meanwhile)`,
    `    CPU: this process ${fmtMs(v.selfCpuMs)} ms, its ip children ${fmtMs(v.childCpuMs)} ms, for ${fmtMs(v.ms)} ms wall`,
  ];
}

export function bridgesReport(res: BridgesResult): { lines: string[]; pass: boolean | undefined } {
  const lines: string[] = [];
  const rs = res.rounds;
  const n = res.count * 3;
  const col = (s: string): string => s.padStart(9);
  const row = (label: string, xs: number[]): string => `  ${label.padEnd(74)}${xs.map((x) => col(fmtMs(x))).join('')}${col(fmtMs(median(xs)))}`;
  const ratioRow = (label: string, xs: number[]): string => `  ${label.padEnd(74)}${xs.map((x) => col(fmtRatio(x))).join('')}${col(fmtRatio(median(xs)))}`;
  lines.push(`100 bridges on one node: ${res.count} linux-bridges (STP off), each with one veth port, one desired state`);
  lines.push(`  ${'(ms)'.padEnd(74)}${rs.map((_, i) => col(`run ${i + 1}`)).join('')}${col('median')}`);
  lines.push(row('virtnet warm: applyNetworkState from the agent\'s kept state (monitor running)', rs.map((r) => r.warm.ms)));
  lines.push(row('virtnet cold: applyNetworkState reading the state first', rs.map((r) => r.cold.ms)));
  lines.push(row(`baseline: one \`ip -n NS -batch -\` with the ${n} commands`, rs.map((r) => r.batchMs)));
  lines.push(ratioRow('ratio warm / baseline', rs.map((r) => r.warm.ms / r.batchMs)));
  lines.push(ratioRow('ratio cold / baseline', rs.map((r) => r.cold.ms / r.batchMs)));
  lines.push(row(`reference: the ${n} commands as one \`ip -n NS\` process each`, rs.map((r) => r.perCommandMs)));
  lines.push(row(`floor: the ${n} commands + link/addr dumps in one \`ip -json -batch\``, rs.map((r) => r.batchWithDumpMs)));
  lines.push(`  (the agent's one-off kernel capability probe, ${fmtMs(res.capabilityProbeMs)} ms, ran before the rounds and is not counted; ` +
    `host load average ${res.load[0].toFixed(2)} before the rounds, ${res.load[1].toFixed(2)} after: on a busy host every figure here grows and spreads)`);
  const ratio = median(rs.map((r) => r.warm.ms / r.batchMs));
  const coldRatio = median(rs.map((r) => r.cold.ms / r.batchMs));
  const pass = rs.length === 0 ? undefined : ratio <= BRIDGES_TARGET_RATIO;
  lines.push(`  target ≤ ${BRIDGES_TARGET_RATIO}x the baseline, judged on the WARM figure: ${pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL'} ` +
    `(${fmtRatio(ratio)}; cold ${fmtRatio(coldRatio)}, not judged).`);
  lines.push('    Why warm: a policy reaches a node through its agent, whose NNS reporter watches the namespace with a netlink');
  lines.push('    monitor and reads the state after every burst of changes anyway; the apply starts from that state when no change');
  lines.push('    has come in since (else it reads, as cold). Cold is what `virtnet nmstate apply` (no agent) costs, and the agent');
  lines.push('    right after a change. Both verify what they did from dumps taken by the same `ip` process as the steps.');
  const batchMs = median(rs.map((r) => r.batchMs));
  for (const which of ['warm', 'cold'] as const) {
    const mid = [...rs].sort((a, b) => a[which].ms - b[which].ms)[rs.length >> 1];
    if (!mid) continue;
    lines.push(`  where virtnet's time goes (the median ${which} run):`);
    lines.push(...breakdown(mid[which]));
  }
  const a = res.anatomy;
  if (a) {
    lines.push('  the parts apart (medians of 5):');
    lines.push(`    one state read with the ${res.count} bridges in place: readCurrentState ${fmtMs(a.readMs)} ms (3 \`ip -json -batch\` processes in parallel + JSON.parse ` +
      `${fmtMs(a.captureMs)} ms, conversion ${fmtMs(a.convertMs)} ms); the same dumps as 2 \`ip -json -details -batch\` processes ${fmtMs(a.leanReadMs)} ms; ` +
      `\`ip -json -details link show\` alone ${fmtMs(a.linkDumpMs)} ms; an empty \`ip\` ${fmtMs(a.emptyIpMs)} ms`);
    lines.push(`    the engine: computeApply (parse, merge, plan, revert) ${fmtMs(a.planMs)} ms; verifyState ${fmtMs(a.verifyComputeMs)} ms`);
    const floor = median(rs.map((r) => r.batchWithDumpMs));
    const warmSum = a.planMs + floor + a.convertMs + a.verifyComputeMs;
    const coldSum = a.readMs + warmSum;
    lines.push(`    from these parts: warm ≈ plan ${fmtMs(a.planMs)} + the floor (steps, link and addr dumps) ${fmtMs(floor)} + ` +
      `conversion and verify ${fmtMs(a.convertMs + a.verifyComputeMs)} ≈ ${fmtMs(warmSum)} ms (${fmtRatio(warmSum / batchMs)} the baseline); ` +
      `cold adds the read: ≈ ${fmtMs(coldSum)} ms (${fmtRatio(coldSum / batchMs)})`);
  }
  const p = res.profiled;
  if (p) {
    lines.push(`  CPU profile of this process during one more (uncounted) warm apply, ${fmtMs(p.summary.wallMs)} ms:`);
    lines.push(...breakdown(p.run).slice(0, 1));
    lines.push(...summaryLines(p.summary, '    '));
    if (p.summary.file) lines.push(`    profile saved to ${p.summary.file}`);
  }
  for (const e of res.problems) lines.push(`  problem: ${e}`);
  return { lines, pass };
}

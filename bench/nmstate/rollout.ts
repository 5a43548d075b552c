// Benchmark 1: a NodeNetworkConfigurationPolicy rolled out to every node of a 20-node lab. `virtnet serve`
// (API + controllers) and `virtnet lab up` (20 node namespaces, one node agent each) run for real; the
// clock runs from the policy's create request until its Available condition is True. Baseline, in the same
// run and on the same loaded machine: the same bridge made by hand with `ip -n NS link add … && ip -n NS
// link set … up`, namespace after namespace.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, R, isConflict, type ResourceRef, type WatchHandle } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { readProfile, summarize, summaryLines, type ProfileSummary } from './profile.js';
import { agentPids, labUp, repoRoot, startServe } from './virtnet-process.js';
import { cmd, fmtMs, fmtRatio, fmtS, hostCpu, median, procCpu, sleep, until } from './util.js';

export const ROLLOUT_TARGET_MS = 5000;

export interface RolloutOptions {
  id: string;
  nodes: number;
  rounds: number;
  dataDir: string;
  /**
   * Profile virtnet serve and every node agent during one more (uncounted) 50% rollout, into this directory
   * (cpu-prof-preload.js through NODE_OPTIONS; SIGUSR2 opens and closes the window).
   */
  profileDir?: string;
  log: (line: string) => void;
}

type Budget = '50%' | '100%';

const STATES = ['Available', 'Failing', 'Aborted', 'Pending', 'Progressing'] as const;
type EnactmentPhase = (typeof STATES)[number] | 'Created';

interface Condition { type: string; status: string; reason?: string; message?: string }

function conditions(o: KubeObject | undefined): Condition[] {
  return (o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
}

function condTrue(o: KubeObject | undefined, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type && c.status === 'True');
}

interface Timeline {
  /** Per enactment, ms after the create request when it first showed each phase. */
  enactments: Map<string, Partial<Record<EnactmentPhase, number>>>;
  availableAt: number;
  message: string;
  /** Changes of the policy object and of its enactments seen until Available (each goes to every watcher). */
  policyWrites: number;
  enactmentWrites: number;
}

const noTimeline = (): Timeline => ({ enactments: new Map(), availableAt: NaN, message: '', policyWrites: 0, enactmentWrites: 0 });

export interface RolloutRun {
  round: number;
  budget: Budget;
  bridge: string;
  baselineMs: number;
  /** Create request → Available=True; NaN when it did not get there. */
  ms: number;
  timeline: Timeline;
  cpu: { serverS: number; agentsS: number; agentChildrenS: number; hostBusyS: number; wallS: number; forks: number };
}

export interface RolloutResult {
  nodes: number;
  setup: { labUpMs: number; readyMs: number; nnsMs: number };
  runs: RolloutRun[];
  /** With profileDir: one more 50% run with the server's and every agent's profiler on, create → Available. */
  profiles?: { run: RolloutRun; agents: ProfileSummary; agentCount: number; server: ProfileSummary | undefined };
  problems: string[];
}

const range = (n: number): number[] => [...Array(n).keys()];

function policy(name: string, bridge: string, budget: Budget): unknown {
  return {
    apiVersion: 'nmstate.io/v1',
    kind: 'NodeNetworkConfigurationPolicy',
    metadata: { name },
    spec: {
      // No nodeSelector: every node. No maxUnavailable: the default, 50%.
      ...(budget === '100%' ? { maxUnavailable: '100%' } : {}),
      desiredState: {
        interfaces: [{ name: bridge, type: 'linux-bridge', state: 'up', bridge: { options: { stp: { enabled: false } } } }],
      },
    },
  };
}

/** The Subscription kind, when this API server serves one (node handlers then wait for the NMState operator). */
async function subscriptionRef(c: ApiClient): Promise<ResourceRef | undefined> {
  const groups = await c.raw<{ groups: { name: string; preferredVersion: { groupVersion: string; version: string } }[] }>('GET', '/apis');
  for (const g of groups.groups.filter((x) => x.name.startsWith('operators.'))) {
    const list = await c.raw<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', `/apis/${g.preferredVersion.groupVersion}`);
    const r = list.resources.find((x) => x.kind === 'Subscription' && !x.name.includes('/'));
    if (r) return { group: g.name, version: g.preferredVersion.version, resource: r.name, namespaced: r.namespaced };
  }
  return undefined;
}

/** OperatorHub → Kubernetes NMState Operator → Install, as the guide does: its namespace and a Subscription. */
async function installNmstateOperator(c: ApiClient): Promise<boolean> {
  const sub = await subscriptionRef(c);
  if (!sub) return false;
  const ns = 'openshift-nmstate';
  await c.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch((e: unknown) => {
    if (!isConflict(e)) throw e;
  });
  await c.create(sub, ns, {
    apiVersion: `${sub.group}/${sub.version}`,
    kind: 'Subscription',
    metadata: { name: 'kubernetes-nmstate-operator', namespace: ns },
    spec: { channel: 'stable', installPlanApproval: 'Automatic', name: 'kubernetes-nmstate-operator', source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace' },
  });
  return true;
}

/**
 * Creates the policy and follows it (watches for the timeline, a 100 ms poll as a safety net) until Available.
 * `around` runs just before the create request and right after Available (the profiling window).
 */
async function rollOut(c: ApiClient, name: string, body: unknown, nodes: number, timeoutMs: number, around?: () => void): Promise<Timeline> {
  const enactments = new Map<string, Partial<Record<EnactmentPhase, number>>>();
  let policyWrites = 0;
  let enactmentWrites = 0;
  let t0 = NaN;
  let availableAt = NaN;
  let message = '';
  let failure: string | undefined;
  const since = (): number => performance.now() - t0;
  const seePolicy = (p: KubeObject | undefined, at: number): void => {
    if (p?.metadata.name !== name || !Number.isNaN(availableAt)) return;
    const a = condTrue(p, 'Available');
    if (a) {
      availableAt = at;
      message = a.message ?? '';
    }
    const d = condTrue(p, 'Degraded');
    if (d) failure = `policy Degraded: ${d.reason ?? ''} ${d.message ?? ''}`;
  };
  const watches: WatchHandle[] = [
    c.watch(R.nnce, undefined, { labelSelector: `nmstate.io/policy=${name}` }, (ev) => {
      if (Number.isNaN(t0) || ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
      const at = since();
      if (Number.isNaN(availableAt)) enactmentWrites++;
      const e = enactments.get(ev.object.metadata.name ?? '') ?? {};
      enactments.set(ev.object.metadata.name ?? '', e);
      e.Created ??= at;
      for (const s of STATES) if (condTrue(ev.object, s)) e[s] ??= at;
    }),
    c.watch(R.nncp, undefined, {}, (ev) => {
      if (Number.isNaN(t0) || (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') || ev.object.metadata.name !== name) return;
      if (Number.isNaN(availableAt)) policyWrites++;
      seePolicy(ev.object, since());
    }),
  ];
  try {
    await sleep(300); // let both watch streams open before the clock starts
    around?.();
    t0 = performance.now();
    await c.create(R.nncp, undefined, body);
    const deadline = t0 + timeoutMs;
    while (Number.isNaN(availableAt) && failure === undefined) {
      if (performance.now() > deadline) throw new Error(`policy ${name} not Available after ${timeoutMs / 1000} s`);
      await sleep(100);
      if (Number.isNaN(availableAt)) seePolicy(await c.get(R.nncp, undefined, name), since());
    }
  } finally {
    around?.();
    for (const w of watches) w.stop();
  }
  if (failure !== undefined) throw new Error(failure);
  if (message !== `${nodes}/${nodes} nodes successfully configured`) throw new Error(`policy ${name} Available with message "${message}"`);
  return { enactments, availableAt, message, policyWrites, enactmentWrites };
}

/** Every node has the bridge, up, STP off: checked with `ip`, not through virtnet. */
async function checkBridges(namespaces: string[], bridge: string): Promise<string | undefined> {
  for (const ns of namespaces) {
    const out = (await cmd('ip', ['-n', ns, '-json', '-details', 'link', 'show', 'dev', bridge]).catch(() => ({ stdout: '[]' }))).stdout;
    const [l] = JSON.parse(out || '[]') as { flags?: string[]; linkinfo?: { info_kind?: string; info_data?: { stp_state?: number } } }[];
    if (l?.linkinfo?.info_kind !== 'bridge' || l.linkinfo.info_data?.stp_state !== 0 || !l.flags?.includes('UP')) {
      return `${ns}: ${bridge} missing, not up, or STP on`;
    }
  }
  return undefined;
}

async function baseline(namespaces: string[], bridge: string): Promise<number> {
  const t0 = performance.now();
  for (const ns of namespaces) {
    await cmd('ip', ['-n', ns, 'link', 'add', bridge, 'type', 'bridge', 'stp_state', '0']);
    await cmd('ip', ['-n', ns, 'link', 'set', bridge, 'up']);
  }
  return performance.now() - t0;
}

function nnsHas(o: KubeObject, iface: string): boolean {
  const st = o.status as { currentState?: { interfaces?: { name: string }[] } } | undefined;
  return (st?.currentState?.interfaces ?? []).some((i) => i.name === iface);
}

export async function runRollout(o: RolloutOptions): Promise<RolloutResult> {
  const { nodes, log } = o;
  const problems: string[] = [];
  // node refuses --cpu-prof in NODE_OPTIONS: a preloaded module starts the profiler instead.
  const preload = new URL('./cpu-prof-preload.js', import.meta.url).href;
  const env: Record<string, string> = o.profileDir
    ? { NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --import=${preload}`.trim(), VN_CPU_PROF_DIR: o.profileDir }
    : {};
  const server = await startServe(o.dataDir, env);
  log(`  virtnet serve pid ${server.pid} at ${server.url}`);
  const c = ApiClient.fromKubeconfig(server.kubeconfig, 'vn-nmstate-bench');
  let labDown: (() => Promise<void>) | undefined;
  try {
    const lab = await labUp(o.dataDir, o.id, nodes, 300_000, env);
    labDown = lab.down;
    log(`  lab ${o.id} up with ${nodes} nodes and their agents in ${fmtS(lab.ms)} s`);
    const namespaces = range(nodes).map((i) => `vn-${o.id}-worker-${i}`);
    let t = performance.now();
    await until(`${nodes} Ready nodes`, async () =>
      (await c.list(R.node)).items.filter((n) => condTrue(n, 'Ready')).length >= nodes, 180_000, 250);
    const readyMs = performance.now() - t;
    t = performance.now();
    if (await installNmstateOperator(c)) log('  this API serves Subscriptions: installed the NMState operator through one (namespace openshift-nmstate), as the guide does');
    await c.create(R.nmstate, undefined, { apiVersion: 'nmstate.io/v1', kind: 'NMState', metadata: { name: 'nmstate' } });
    await until(`${nodes} NodeNetworkStates`, async () => (await c.list(R.nns)).items.length >= nodes, 180_000, 250);
    const nnsMs = performance.now() - t;
    log(`  ${nodes} nodes Ready ${fmtS(readyMs)} s after lab up; operator + NMState → ${nodes} NodeNetworkStates in ${fmtS(nnsMs)} s`);
    await sleep(2000); // the handlers' start-up burst (first NNS writes) settles

    const runs: RolloutRun[] = [];
    const agents = agentPids(o.dataDir);
    let k = 0;
    const measure = async (round: number, budget: Budget, profiled: boolean): Promise<RolloutRun> => {
      const bridge = `br${++k}`;
      const name = `vn-bench-${bridge}-mu${budget.replace('%', '')}`;
      // Baseline first, with the same bridge name, then removed again (and the NNS reporters' burst over).
      const baselineMs = await baseline(namespaces, bridge);
      for (const ns of namespaces) await cmd('ip', ['-n', ns, 'link', 'del', bridge]);
      await until(`NodeNetworkStates without ${bridge}`, async () => !(await c.list(R.nns)).items.some((n) => nnsHas(n, bridge)), 30_000, 200)
        .catch((e: unknown) => problems.push((e as Error).message));
      await sleep(1500);

      const cpu0 = { server: procCpu(server.pid), agents: agents.map((p) => procCpu(p)), host: hostCpu(), t: performance.now() };
      // Profiling window: SIGUSR2 to the server and every agent (all started by this run) toggles their profilers.
      const toggle = profiled ? (): void => {
        for (const pid of [server.pid, ...agents]) {
          try {
            process.kill(pid, 'SIGUSR2');
          } catch { /* gone */ }
        }
      } : undefined;
      let timeline: Timeline;
      try {
        timeline = await rollOut(c, name, policy(name, bridge, budget), nodes, 120_000, toggle);
      } catch (e) {
        problems.push(`${profiled ? 'profiled run' : `round ${round}`} maxUnavailable ${budget}: ${(e as Error).message}`);
        timeline = noTimeline();
      }
      const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
      const agentsNow = agents.map((p) => procCpu(p));
      const host = hostCpu();
      const cpu = {
        serverS: procCpu(server.pid).self - cpu0.server.self,
        agentsS: sum(agentsNow.map((a, i) => a.self - cpu0.agents[i]!.self)),
        agentChildrenS: sum(agentsNow.map((a, i) => a.children - cpu0.agents[i]!.children)),
        hostBusyS: host.busy - cpu0.host.busy,
        forks: host.forks - cpu0.host.forks,
        wallS: (performance.now() - cpu0.t) / 1000,
      };
      const run: RolloutRun = { round, budget, bridge, baselineMs, ms: timeline.availableAt, timeline, cpu };
      const bad = Number.isNaN(run.ms) ? undefined : await checkBridges(namespaces, bridge);
      if (bad) problems.push(`${profiled ? 'profiled run' : `round ${round}`} ${budget}: ${bad}`);
      log(`  ${profiled ? 'profiled run (not counted)' : `round ${round}`} maxUnavailable ${budget.padEnd(4)}: virtnet ${fmtS(run.ms)} s to Available ` +
        `("${timeline.message}") | baseline ${fmtMs(baselineMs)} ms | ratio ${fmtRatio(run.ms / baselineMs)}`);
      log(`    ${timelineLine(run)}`);

      await c.delete(R.nncp, undefined, name).catch((e: unknown) => problems.push(`delete ${name}: ${(e as Error).message}`));
      await until(`the enactments of ${name} to go`, async () =>
        (await c.list(R.nnce, undefined, { labelSelector: `nmstate.io/policy=${name}` })).items.length === 0, 60_000, 200)
        .catch((e: unknown) => problems.push((e as Error).message));
      await sleep(1000);
      return run;
    };
    for (let round = 1; round <= o.rounds; round++) {
      for (const budget of (round % 2 ? ['50%', '100%'] : ['100%', '50%']) as Budget[]) runs.push(await measure(round, budget, false));
    }
    let profiles: RolloutResult['profiles'];
    if (o.profileDir) {
      const dir = o.profileDir;
      const before = new Set(readdirSync(dir));
      const run = await measure(0, '50%', true);
      const fresh = (): string[] => readdirSync(dir).filter((f) => !before.has(f) && /^vn-prof\.\d+\.\d+\.cpuprofile$/.test(f));
      await until('the profiles of the server and the agents', () => fresh().length >= agents.length + 1, 30_000, 200)
        .catch((e: unknown) => problems.push((e as Error).message));
      await sleep(500); // the last files finish writing
      const ofPids = (pids: number[]): string[] => fresh().filter((f) => pids.includes(Number(f.split('.')[1]))).map((f) => join(dir, f));
      const agentFiles = ofPids(agents);
      const serverFiles = ofPids([server.pid]);
      profiles = {
        run,
        agents: summarize(agentFiles.map(readProfile), repoRoot),
        agentCount: agentFiles.length,
        server: serverFiles.length > 0 ? summarize(serverFiles.map(readProfile), repoRoot) : undefined,
      };
    }
    const result: RolloutResult = { nodes, setup: { labUpMs: lab.ms, readyMs, nnsMs }, runs, problems, ...(profiles ? { profiles } : {}) };
    return result;
  } finally {
    c.close();
    // Undo now rather than at exit: the next benchmark's namespaces share the run's prefix.
    const t = performance.now();
    await labDown?.().then(() => log(`  lab down in ${fmtS(performance.now() - t)} s`));
    await server.stop();
  }
}

function timelineLine(r: RolloutRun): string {
  const es = [...r.timeline.enactments.values()];
  const at = (phase: EnactmentPhase): number[] => es.map((e) => e[phase]).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
  const created = at('Created');
  const progressing = at('Progressing');
  const available = at('Available');
  const pending = at('Pending').length;
  // Most enactments between Progressing and Available at once: what maxUnavailable bounds.
  const edges = es.flatMap((e) => (e.Progressing === undefined ? [] : [[e.Progressing, 1], [e.Available ?? Infinity, -1]] as const))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of edges) most = Math.max(most, (now += d));
  const nth = (xs: number[], n: number): string => fmtS(xs[n - 1] ?? NaN);
  const half = Math.ceil(es.length / 2);
  const cpuShare = (100 * r.cpu.hostBusyS) / (r.cpu.wallS * 2);
  return `enactments created ${nth(created, 1)}–${nth(created, created.length)} s; first Progressing ${nth(progressing, 1)} s; ` +
    `available: first ${nth(available, 1)}, no. ${half} ${nth(available, half)}, last ${nth(available, available.length)} s; ` +
    `at most ${most} Progressing at once, ${pending} went Pending; policy object written ${r.timeline.policyWrites}×, ` +
    `enactments ${r.timeline.enactmentWrites}× (each change goes to every watcher); policy Available ${fmtMs(r.ms - (available[available.length - 1] ?? NaN))} ms after the last enactment. ` +
    `CPU in that time: server ${r.cpu.serverS.toFixed(2)} s, agents ${r.cpu.agentsS.toFixed(2)} s + their ip/ping ${r.cpu.agentChildrenS.toFixed(2)} s, ` +
    `whole host (other users too) ${Math.round(cpuShare)}% busy over ${r.cpu.wallS.toFixed(1)} s and ${r.cpu.forks} processes started ` +
    `(~${Math.round(r.cpu.forks / Math.max(1, r.timeline.enactments.size))} per node)`;
}

export function rolloutReport(res: RolloutResult): { lines: string[]; pass: boolean | undefined } {
  const lines: string[] = [];
  const col = (s: string): string => s.padStart(9);
  const of = (b: Budget): RolloutRun[] => res.runs.filter((r) => r.budget === b).sort((x, y) => x.round - y.round);
  const n = Math.max(of('50%').length, of('100%').length);
  const row = (label: string, xs: string[], m: string): string => `  ${label.padEnd(62)}${xs.map(col).join('')}${' '.repeat(9 * (n - xs.length))}${col(m)}`;
  lines.push(`rollout to ${res.nodes} nodes: NNCP (empty nodeSelector) with linux-bridge brN, STP off; create request → Available=True`);
  lines.push(`  (lab up ${fmtS(res.setup.labUpMs)} s; nodes Ready ${fmtS(res.setup.readyMs)} s later; NMState → NodeNetworkStates ${fmtS(res.setup.nnsMs)} s; not part of the figures)`);
  lines.push(row('', range(n).map((i) => `run ${i + 1}`), 'median'));
  for (const b of ['50%', '100%'] as const) {
    const xs = of(b).map((r) => r.ms);
    lines.push(row(`virtnet, maxUnavailable ${b}${b === '50%' ? ' (default)' : ''} (s)`, xs.map(fmtS), fmtS(median(xs))));
  }
  const base = res.runs.map((r) => r.baselineMs);
  lines.push(row(`baseline: ip -n NS link add + set up, ${res.nodes} namespaces in turn (ms)`, of('50%').map((r) => fmtMs(r.baselineMs)),
    fmtMs(median(base))));
  lines.push('  (one baseline precedes every policy run; the row shows those before the 50% runs, the median is over all)');
  for (const b of ['50%', '100%'] as const) {
    const xs = of(b).map((r) => r.ms / r.baselineMs);
    lines.push(row(`ratio virtnet ${b} / baseline (paired)`, xs.map(fmtRatio), fmtRatio(median(xs))));
  }
  const m50 = median(of('50%').map((r) => r.ms));
  const m100 = median(of('100%').map((r) => r.ms));
  const pass = Number.isFinite(m50) ? m50 <= ROLLOUT_TARGET_MS : undefined;
  lines.push(`  target ≤ ${ROLLOUT_TARGET_MS / 1000} s to Available (default maxUnavailable 50%): ${pass === undefined ? 'n/a' : pass ? 'PASS' : 'FAIL'} ` +
    `(${fmtS(m50)} s); with 100%: ${Number.isFinite(m100) ? (m100 <= ROLLOUT_TARGET_MS ? 'PASS' : 'FAIL') : 'n/a'} (${fmtS(m100)} s)`);
  const p = res.profiles;
  if (p) {
    lines.push(`  CPU profiles of one more 50% rollout (not counted: ${fmtS(p.run.ms)} s with the profilers on), from create to Available;`);
    lines.push('  shares of the sampled busy time (a sample\'s time includes waiting for a core, so only shares mean something):');
    lines.push(`    the ${p.agentCount} node agents together (CPU by /proc in that window: agents ${p.run.cpu.agentsS.toFixed(2)} s, ` +
      `their ip/ping ${p.run.cpu.agentChildrenS.toFixed(2)} s, server ${p.run.cpu.serverS.toFixed(2)} s):`);
    lines.push(...summaryLines(p.agents, '      ', 10, 14, true));
    if (p.server) {
      lines.push('    virtnet serve (API server + controllers):');
      lines.push(...summaryLines(p.server, '      ', 10, 10, true));
    }
  }
  for (const e of res.problems) lines.push(`  problem: ${e}`);
  return { lines, pass };
}

// Performs a LabPlan on the real kernel. Re-running it completes a half-built lab of the same id (every
// step checks or replaces); it refuses to touch namespaces of the prefix that this data directory did not
// record. The state file is written before the first namespace exists, so `lab down` can always undo.
import { mkdirSync, readFileSync } from 'node:fs';
import { LabError } from './lab-error.js';
import { ipIn, run } from './exec.js';
import { isAlive } from './process-control.js';
import { links, namespacesWithPrefix, processArgv } from './netns-query.js';
import { initialState, readState, statePath, writeState } from './lab-state.js';
import type { LabState } from './lab-state.js';
import type { LabPlan, LabProcess } from './lab-plan.js';

export interface ApplyOptions {
  /** Progress lines (one per stage). */
  log?: (line: string) => void;
}

/** Runs `fn` on every item concurrently; waits for all, then throws the first failure with context. */
async function stage<T>(what: string, items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  const results = await Promise.allSettled(items.map(fn));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    const e = failed.reason as Error;
    throw new LabError(e instanceof LabError ? e.code : 'exec-failed', `lab up failed while ${what}: ${e.message}`, { cause: e });
  }
}

function checkOwnership(plan: LabPlan, existing: LabState | undefined, present: string[]): void {
  if (existing && existing.id !== plan.id) {
    throw new LabError('conflict', `${statePath(plan.dataDir)} records lab ${existing.id}; run \`virtnet lab down\` first or use another --data`);
  }
  const workers = plan.nodes.filter((n) => n.role === 'worker').length;
  const baremetal = plan.nodes.length - workers;
  if (existing && (existing.workers !== workers || existing.baremetal !== baremetal)) {
    throw new LabError('conflict', `lab ${existing.id} exists with ${existing.workers} workers and ${existing.baremetal} bare-metal ` +
      `nodes; resizing is not supported: \`virtnet lab down\` first`);
  }
  if (!existing && present.length > 0) {
    const shown = present.length > 3 ? `${present.slice(0, 3).join(', ')} and ${present.length - 3} more` : present.join(', ');
    throw new LabError('conflict',
      `namespaces ${shown} exist but ${statePath(plan.dataDir)} does not record them ` +
      `(another lab with id ${plan.id}, or a crashed one: \`virtnet lab down --id ${plan.id}\`)`);
  }
}

async function runningPid(p: LabProcess): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number(readFileSync(p.pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // A pid file can outlive its process and the pid be reused: trust it only if the argv is ours.
  const argv = processArgv(pid);
  return argv?.includes(`--pid-file=${p.pidFile}`) ? pid : undefined;
}

async function startProcess(p: LabProcess): Promise<number> {
  const already = await runningPid(p);
  if (already !== undefined) return already;
  const [cmd, ...args] = p.argv;
  // dnsmasq daemonizes; its parent exits with the child's start-up status, so errors surface here.
  await run(cmd!, args, { netns: p.netns, timeoutMs: 10_000 });
  const deadline = Date.now() + 3000;
  for (;;) {
    const pid = await runningPid(p);
    if (pid !== undefined && isAlive(pid)) return pid;
    if (Date.now() > deadline) throw new LabError('timeout', `${p.name} started but did not write a live pid to ${p.pidFile}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function applyLab(plan: LabPlan, opts: ApplyOptions = {}): Promise<LabState> {
  const log = opts.log ?? ((): void => {});
  mkdirSync(plan.dataDir, { recursive: true });
  const existing = readState(plan.dataDir);
  const present = await namespacesWithPrefix(plan.prefix);
  checkOwnership(plan, existing, present);

  // A lab up run again keeps the record of its running agents, so it neither starts a second agent on a node
  // nor loses track of the first.
  const state: LabState = {
    ...initialState(plan, new Date()),
    ...(existing ? {
      createdAt: existing.createdAt,
      ...(existing.agents ? { agents: existing.agents } : {}),
      ...(existing.controlPlane ? { controlPlane: existing.controlPlane } : {}),
    } : {}),
  };
  writeState(state);

  const missing = plan.namespaces.filter((n) => !present.includes(n.name));
  await stage('creating namespaces', missing, async (n) => {
    await run('ip', ['netns', 'add', n.name]);
  });
  log(`namespaces: ${plan.namespaces.length} (${missing.length} created)`);

  const linkNames = new Map<string, Set<string>>();
  await stage('listing links', plan.namespaces, async (n) => {
    linkNames.set(n.name, new Set((await links(n.name)).map((l) => l.ifname)));
  });
  const has = (netns: string, name: string): boolean => linkNames.get(netns)?.has(name) ?? false;

  await stage('creating bridges', plan.bridges.filter((b) => !has(b.netns, b.name)), async (b) => {
    await ipIn(b.netns, ['link', 'add', b.name, 'type', 'bridge']);
  });
  await stage('creating veth pairs', plan.veths, async (v) => {
    if (has(v.a.netns, v.a.name)) {
      if (!has(v.b.netns, v.b.name)) {
        throw new LabError('conflict', `${v.a.name} exists in ${v.a.netns} but its peer ${v.b.name} is missing in ${v.b.netns}`);
      }
      return;
    }
    await ipIn(v.a.netns, ['link', 'add', v.a.name, 'type', 'veth', 'peer', 'name', v.b.name, 'netns', v.b.netns]);
  });
  log(`links: ${plan.bridges.length} bridges, ${plan.veths.length} veth pairs`);

  // Per namespace, in order: enslave, up, addresses, routes, sysctls. Namespaces proceed concurrently.
  const perNs = plan.namespaces.map((n) => n.name);
  await stage('configuring namespaces', perNs, async (ns) => {
    for (const p of plan.ports.filter((x) => x.netns === ns)) await ipIn(ns, ['link', 'set', p.name, 'master', p.master]);
    for (const l of plan.up.filter((x) => x.netns === ns)) await ipIn(ns, ['link', 'set', l.name, 'up']);
    for (const a of plan.addresses.filter((x) => x.netns === ns)) await ipIn(ns, ['addr', 'replace', a.cidr, 'dev', a.dev]);
    for (const r of plan.routes.filter((x) => x.netns === ns)) await ipIn(ns, ['route', 'replace', r.dst, 'via', r.via]);
    for (const s of plan.sysctls.filter((x) => x.netns === ns)) await run('sysctl', ['-qw', `${s.key}=${s.value}`], { netns: ns });
  });
  log(`configured: ${plan.addresses.length} addresses, ${plan.routes.length} routes`);

  for (const p of plan.processes) {
    const pid = await startProcess(p).catch((e: unknown) => {
      const err = e as Error;
      throw new LabError(err instanceof LabError ? err.code : 'exec-failed', `lab up failed while starting ${p.name}: ${err.message}`, { cause: e });
    });
    const rec = state.processes.find((r) => r.pidFile === p.pidFile);
    if (rec) rec.pid = pid;
    writeState(state);
    log(`${p.name}: pid ${pid} in ${p.netns}`);
  }

  state.phase = 'ready';
  writeState(state);
  return state;
}

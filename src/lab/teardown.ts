// Undoes a lab: stops its processes, deletes its namespaces (their links go with them), removes its files.
// Works from the state file, and from the name prefix alone when the state is gone (crash leftovers).
// It only ever touches names that start with `vn-<id>-`.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LabError } from './lab-error.js';
import { run } from './exec.js';
import { labFiles, labPrefix, validateLabId } from './lab-plan.js';
import { readState, statePath } from './lab-state.js';
import type { LabState } from './lab-state.js';
import { namespacesWithPrefix, netnsPids, pidsWithArgMarker, processArgv } from './netns-query.js';
import { stopProcesses } from './process-control.js';

export interface TeardownReport {
  prefix: string;
  /** Processes stopped (pids). */
  stopped: number[];
  namespaces: string[];
  files: string[];
}

const PREFIX_RE = /^vn-[a-z0-9]{1,8}-$/;

function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Recorded processes, trusted only while their argv still names their pid file (pids get reused). */
function recordedPids(state: LabState): number[] {
  const out: number[] = [];
  for (const p of state.processes) {
    for (const pid of [p.pid, pidFromFile(p.pidFile)]) {
      if (pid !== undefined && processArgv(pid)?.includes(`--pid-file=${p.pidFile}`)) out.push(pid);
    }
  }
  return out;
}

/** Removes every namespace named `<prefix>*` and every process inside them or carrying the prefix's files. */
export async function teardownAll(prefix: string): Promise<TeardownReport> {
  if (!PREFIX_RE.test(prefix)) {
    throw new LabError('invalid-input', `refusing to tear down ${JSON.stringify(prefix)}: a lab prefix looks like vn-<id>-`);
  }
  const report: TeardownReport = { prefix, stopped: [], namespaces: [], files: [] };
  // Up to three rounds: a process may enter a namespace (e.g. a killed `lab up`'s last child) while we look.
  for (let round = 0; round < 3; round++) {
    const namespaces = await namespacesWithPrefix(prefix);
    const pids = new Set<number>();
    for (const ns of namespaces) {
      // A node agent may delete one of its launcher namespaces between the list and this look.
      const inNs = await netnsPids(ns).catch(async (e: unknown) => {
        if ((await namespacesWithPrefix(prefix)).includes(ns)) throw e;
        return [];
      });
      for (const pid of inNs) pids.add(pid);
    }
    // A daemon whose namespace is already gone still names the lab's files in its argv.
    for (const pid of pidsWithArgMarker(`/${prefix}`, 'dnsmasq')) pids.add(pid);
    // Scale-out mode's host processes: etcd members (data under DATA/<prefix>etcd) and API servers (pid file
    // DATA/<prefix>api-N.pid); an API server of a lab started without --store names no such file.
    for (const pid of pidsWithArgMarker(`/${prefix}etcd`, 'etcd')) pids.add(pid);
    for (const pid of pidsWithArgMarker(`/${prefix}api-`, 'node')) pids.add(pid);
    pids.delete(process.pid);
    if (namespaces.length === 0 && pids.size === 0) break;
    await stopProcesses([...pids]);
    for (const pid of pids) if (!report.stopped.includes(pid)) report.stopped.push(pid);
    await Promise.all(namespaces.map(async (ns) => {
      try {
        await run('ip', ['netns', 'del', ns]);
      } catch (e) {
        if ((await namespacesWithPrefix(prefix)).includes(ns)) throw e;
      }
    }));
    for (const ns of namespaces) if (!report.namespaces.includes(ns)) report.namespaces.push(ns);
  }
  const left = await namespacesWithPrefix(prefix);
  if (left.length > 0) throw new LabError('exec-failed', `namespaces still present after teardown: ${left.join(', ')}`);
  return report;
}

/**
 * Tears down the lab recorded in `dataDir` (or, with no state file, the lab `id`), then removes its files.
 * Returns undefined when there is nothing to identify a lab by.
 */
export async function teardownLab(dataDir: string, opts: { id?: string } = {}): Promise<TeardownReport | undefined> {
  let state: LabState | undefined;
  try {
    state = readState(dataDir);
  } catch (e) {
    if (opts.id === undefined) throw e; // a corrupt state file: the caller must name the lab
  }
  if (state && opts.id !== undefined && state.id !== opts.id) {
    throw new LabError('conflict', `${statePath(dataDir)} records lab ${state.id}, not ${opts.id}`);
  }
  const id = state?.id ?? opts.id;
  if (id === undefined) return undefined;
  validateLabId(id);

  const prefix = labPrefix(id);
  // API servers go first, while etcd still answers: they hand back the controllers' lease on the way out.
  // Node agents go too, before the namespace sweep: at scale, an agent still starting VMs while hundreds of
  // namespaces are looked into one by one keeps making more.
  const agents = (state?.agents ?? []).map((a) => a.pid).filter((pid) => processArgv(pid)?.some((arg) => arg.startsWith(prefix)) ?? false);
  const early = [...(state ? recordedPids(state) : []), ...pidsWithArgMarker(`/${prefix}api-`, 'node'), ...agents];
  if (early.length > 0) await stopProcesses(early);
  const report = await teardownAll(prefix);
  report.stopped = [...new Set([...early, ...report.stopped])];

  // Only files that carry the lab's prefix (and its state file) are ever removed.
  const recorded = [...(state?.files ?? []), ...(state?.controlPlane?.files ?? [])].filter((f) => basename(f).startsWith(prefix));
  const files = new Set([...Object.values(labFiles(id, dataDir)), ...recorded]);
  files.add(`${statePath(dataDir)}.tmp`);
  files.add(statePath(dataDir));
  for (const f of files) {
    try {
      rmSync(f);
      report.files.push(f);
    } catch {
      // not there
    }
  }
  for (const d of new Set([join(dataDir, `${prefix}etcd`), ...(state?.controlPlane?.dirs ?? [])])) {
    if (!basename(d).startsWith(prefix) || !existsSync(d)) continue;
    rmSync(d, { recursive: true, force: true });
    report.files.push(d);
  }
  return report;
}

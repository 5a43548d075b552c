// What the lab's processes cost, read from /proc: each process is put in a group by the network namespace it
// runs in (the lab names them: node `<prefix>worker-N`, UDN router `<prefix>r<vni>-<node>`, VM `<prefix>vm-<uid>`,
// launcher `<prefix>l-<uid>`) or, for the control plane in the root namespace, by its recorded pid. PSS
// (smaps_rollup) shares the pages of node's code between the 100 agents fairly; RSS counts them in each.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { procCpu } from '../nmstate/util.js';

export type Group = 'agent' | 'node daemon' | 'router' | 'vm' | 'launcher' | 'api server' | 'etcd' | 'other lab';

export interface ProcUse {
  pid: number;
  group: Group;
  comm: string;
  pssKiB: number;
  rssKiB: number;
  /** user + system CPU of the process and of the children it reaped, seconds since it started. */
  cpuS: number;
}

export interface Census {
  procs: ProcUse[];
  byGroup: Map<Group, { count: number; pssKiB: number; rssKiB: number; cpuS: number }>;
}

function netnsInodes(prefix: string): Map<number, string> {
  const out = new Map<number, string>();
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return out;
  }
  for (const n of names) {
    if (!n.startsWith(prefix)) continue;
    try {
      out.set(statSync(`/run/netns/${n}`).ino, n);
    } catch { /* removed meanwhile */ }
  }
  return out;
}

/** The group of a lab namespace by its name (pure). */
export function groupOfNetns(prefix: string, name: string): Group {
  const rest = name.slice(prefix.length);
  if (/^(worker|metal)-\d+$/.test(rest)) return 'node daemon';
  if (/^r\d+-/.test(rest)) return 'router';
  if (rest.startsWith('vm-')) return 'vm';
  if (rest.startsWith('l-')) return 'launcher';
  return 'other lab';
}

function rollupKiB(pid: number): { pss: number; rss: number } {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { pss: Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0), rss: Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0) };
  } catch {
    return { pss: 0, rss: 0 };
  }
}

/** Every live process of the lab `prefix`; `apiPids`/`etcdPids` are the control plane's (root namespace). */
export function census(prefix: string, apiPids: readonly number[], etcdPids: readonly number[]): Census {
  const ns = netnsInodes(prefix);
  const procs: ProcUse[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    let group: Group | undefined = apiPids.includes(pid) ? 'api server' : etcdPids.includes(pid) ? 'etcd' : undefined;
    let comm = '';
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (group === undefined) {
        const ino = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1]);
        const name = ns.get(ino);
        if (name === undefined) continue;
        group = groupOfNetns(prefix, name);
        if (group === 'node daemon') {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          if (argv[2] === 'agent' && argv.includes('--node')) group = 'agent';
        }
      }
    } catch {
      continue; // exited while we looked
    }
    if (comm === 'ip' || comm === 'nft' || comm === 'nsenter' || comm === 'sysctl') continue; // an agent's short-lived helper
    const m = rollupKiB(pid);
    const c = procCpu(pid);
    procs.push({ pid, group, comm, pssKiB: m.pss, rssKiB: m.rss, cpuS: c.self + c.children });
  }
  const byGroup = new Map<Group, { count: number; pssKiB: number; rssKiB: number; cpuS: number }>();
  for (const p of procs) {
    const g = byGroup.get(p.group) ?? { count: 0, pssKiB: 0, rssKiB: 0, cpuS: 0 };
    g.count++;
    g.pssKiB += p.pssKiB;
    g.rssKiB += p.rssKiB;
    g.cpuS += p.cpuS;
    byGroup.set(p.group, g);
  }
  return { procs, byGroup };
}

/** MemAvailable and Slab of /proc/meminfo, KiB. */
export function meminfo(): { availableKiB: number; slabKiB: number } {
  const t = readFileSync('/proc/meminfo', 'utf8');
  return { availableKiB: Number(/^MemAvailable:\s+(\d+)/m.exec(t)?.[1] ?? NaN), slabKiB: Number(/^Slab:\s+(\d+)/m.exec(t)?.[1] ?? NaN) };
}

/** CPU seconds of the whole machine (all cores, user+nice+system+irq+softirq) from /proc/stat. */
export function machineCpuS(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0)) / 100;
}

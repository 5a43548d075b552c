// What of a lab exists right now: its namespaces, its daemons, each node's address and whether the node
// reaches the router and (off-link, through the router) the control plane and the "internet" host.
import { readFileSync } from 'node:fs';
import { run } from './exec.js';
import { planLab } from './lab-plan.js';
import type { NodeRole } from './lab-plan.js';
import { readState, type LabState } from './lab-state.js';
import { ipv4Addresses, links, namespacesWithPrefix, processArgv } from './netns-query.js';

export interface Reachability {
  router: boolean;
  controlPlane: boolean;
  internet: boolean;
}

export interface NodeStatus {
  name: string;
  role: NodeRole;
  netns: string;
  exists: boolean;
  eth0: string[];
  /** Bare-metal nodes: br-flat inside the node and its ports. */
  flatBridge?: { exists: boolean; ports: string[] };
  reach?: Reachability;
}

export interface LabStatus {
  id: string;
  prefix: string;
  dataDir: string;
  phase: 'creating' | 'ready';
  namespaces: { name: string; exists: boolean }[];
  /** Namespaces with the lab's prefix that the state does not list (e.g. test scratch namespaces). */
  extraNamespaces: string[];
  processes: { name: string; pid?: number; alive: boolean }[];
  nodes: NodeStatus[];
}

/** Scale-out mode's etcd members, API servers and haproxy, as recorded (a pid counts while it lives). */
function controlPlaneProcesses(state: LabState): { name: string; pid?: number; alive: boolean }[] {
  const cp = state.controlPlane;
  if (!cp) return [];
  const one = (name: string, pid: number): { name: string; pid?: number; alive: boolean } =>
    (processArgv(pid) !== undefined ? { name, pid, alive: true } : { name, alive: false });
  return [
    ...cp.etcd.map((m) => one(`etcd ${m.name} (${m.clientUrl})`, m.pid)),
    ...cp.servers.map((s) => one(`API server ${s.index} (${s.url})`, s.pid)),
    one(`haproxy (${cp.serverUrl})`, cp.lb.pid),
  ];
}

/** `ping -c1 -W1` from inside a namespace. */
export async function ping(netns: string, address: string): Promise<boolean> {
  try {
    await run('ping', ['-c1', '-W1', '-q', address], { netns, timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  }
}

function livePid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return processArgv(pid)?.includes(`--pid-file=${pidFile}`) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function labStatus(dataDir: string, opts: { probe?: boolean } = {}): Promise<LabStatus | undefined> {
  const state = readState(dataDir);
  if (!state) return undefined;
  const plan = planLab({ id: state.id, workers: state.workers, baremetal: state.baremetal, dataDir: state.dataDir });
  const present = await namespacesWithPrefix(state.prefix);

  const nodes = await Promise.all(state.nodes.map(async (n): Promise<NodeStatus> => {
    const exists = present.includes(n.netns);
    const st: NodeStatus = { name: n.name, role: n.role, netns: n.netns, exists, eth0: [] };
    if (!exists) return st;
    st.eth0 = await ipv4Addresses(n.netns, 'eth0').catch(() => []);
    if (n.flat) {
      const ls = await links(n.netns);
      st.flatBridge = {
        exists: ls.some((l) => l.ifname === n.flat!.bridge),
        ports: ls.filter((l) => l.master === n.flat!.bridge).map((l) => l.ifname),
      };
    }
    if (opts.probe ?? true) {
      const [router, controlPlane, internet] = await Promise.all([
        ping(n.netns, plan.machineNetwork.router),
        ping(n.netns, plan.controlPlane.address),
        ping(n.netns, plan.internet.address),
      ]);
      st.reach = { router, controlPlane, internet };
    }
    return st;
  }));

  return {
    id: state.id,
    prefix: state.prefix,
    dataDir: state.dataDir,
    phase: state.phase,
    namespaces: state.namespaces.map((name) => ({ name, exists: present.includes(name) })),
    extraNamespaces: present.filter((n) => !state.namespaces.includes(n)),
    processes: state.processes.map((p) => {
      const pid = livePid(p.pidFile);
      return pid === undefined ? { name: p.name, alive: false } : { name: p.name, pid, alive: true };
    }).concat(controlPlaneProcesses(state)),
    nodes,
  };
}

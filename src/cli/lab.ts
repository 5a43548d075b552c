// `virtnet lab up|down|status`: the lab's datacenter of network namespaces (docs/architecture.md §4).
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgents, type AgentConnection } from '../lab/agents.js';
import { restartDeadServers, startControlPlane } from '../lab/control-plane.js';
import { writeState } from '../lab/lab-state.js';
import { recordAgents, isAlive } from '../lab/agent-state.js';
import {
  applyLab, defaultLabId, labFiles, labStatus, LabError, planLab, readState, teardownLab,
} from '../lab/index.js';
import type { LabPlan, LabState, LabStatus } from '../lab/index.js';
import { defaultDataDir, DEFAULT_LISTEN, parseListen } from './paths.js';
import { ensureLabUsers, ensureNodeKubeconfigs, type LabUser } from './users.js';

function count(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

function upSummary(plan: LabPlan, state: LabState, ms: number): string {
  const dnsmasq = state.processes.find((p) => p.name === 'dnsmasq');
  const files = labFiles(plan.id, plan.dataDir);
  const w = Math.max(...plan.nodes.map((n) => n.name.length), 8);
  return [
    '',
    `  lab ${plan.id} is up: ${state.workers} workers, ${state.baremetal} bare-metal (${(ms / 1000).toFixed(2)} s)`,
    `  machine network  ${plan.machineNetwork.cidr}, router ${plan.machineNetwork.router} (netns ${plan.fabric})`,
    `  control plane    ${plan.controlPlane.address} (netns ${plan.controlPlane.netns}), routed`,
    `  internet host    ${plan.internet.address} (netns ${plan.internet.netns}), routed`,
    `  flat network     ${plan.flatNetwork.cidr}, DHCP ${plan.flatNetwork.rangeStart}–${plan.flatNetwork.rangeEnd}` +
      ` (dnsmasq pid ${dnsmasq?.pid ?? '?'}, leases ${files.leases})`,
    ...controlPlaneSummary(state),
    '  nodes:',
    ...plan.nodes.map((n) =>
      `    ${n.name.padEnd(w)}  ${n.address.padEnd(11)}  ${n.labels['node.kubernetes.io/instance-type'] ?? ''}` +
      `${n.flat ? `  ${n.flat.nic} in ${n.flat.bridge}` : ''}  netns ${n.netns}`),
    `  try:             ip netns exec ${plan.nodes[0]?.netns ?? plan.fabric} ping -c1 ${plan.controlPlane.address}`,
    '  remove with:     virtnet lab down',
    '',
  ].join('\n');
}

function controlPlaneSummary(state: LabState): string[] {
  const cp = state.controlPlane;
  if (!cp) return [];
  return [
    `  etcd             ${cp.etcd.length} members: ${cp.etcd.map((m) => m.clientUrl).join(', ')}`,
    ...cp.servers.map((s) => `  API server ${s.index}     ${s.url}  (pid ${s.pid}, kubeconfig ${s.kubeconfig}, log ${s.log})`),
    `  load balancer    ${cp.serverUrl}  (haproxy in ${cp.lb.netns}): the agents' only way to the API`,
  ];
}

function statusText(s: LabStatus): string {
  const yes = (b: boolean | undefined): string => (b === undefined ? '-' : b ? 'ok' : 'FAIL');
  const lines = [
    `lab ${s.id} (${s.phase})  data ${s.dataDir}`,
    `namespaces: ${s.namespaces.filter((n) => n.exists).length}/${s.namespaces.length} present` +
      (s.namespaces.some((n) => !n.exists) ? `; missing: ${s.namespaces.filter((n) => !n.exists).map((n) => n.name).join(', ')}` : '') +
      (s.extraNamespaces.length > 0 ? `; extra: ${s.extraNamespaces.join(', ')}` : ''),
    ...s.processes.map((p) => `${p.name}: ${p.alive ? `running (pid ${p.pid})` : 'NOT RUNNING'}`),
    'NODE         ROLE       ETH0             ROUTER  CONTROL-PLANE  INTERNET  BR-FLAT',
    ...s.nodes.map((n) => [
      n.name.padEnd(12), n.role.padEnd(10), (n.exists ? n.eth0.join(',') || 'none' : 'MISSING').padEnd(16),
      yes(n.reach?.router).padEnd(7), yes(n.reach?.controlPlane).padEnd(14), yes(n.reach?.internet).padEnd(9),
      n.flatBridge ? (n.flatBridge.exists ? `ports ${n.flatBridge.ports.join(',') || 'none'}` : 'MISSING') : '-',
    ].join(' ')),
  ];
  return lines.join('\n');
}

/** Scale-out mode: the lab runs its own etcd, API servers and load balancer; agents reach the API by URL. */
export interface ScaleOut {
  apiServers: number;
  etcdMembers: number;
  listen: string;
  serveFlags?: string[];
}

/**
 * Builds the lab from its plan and, with `agents`, starts one node agent per node (needs the API socket,
 * unless `scaleOut` makes the lab start its own control plane, whose load balancer the agents then use).
 */
export async function bringUpLab(plan: LabPlan, agents: boolean, scaleOut?: ScaleOut): Promise<LabState> {
  const dataDir = plan.dataDir;
  // Agents need the API: refuse before building anything rather than leave a lab without them.
  if (agents && !scaleOut && !existsSync(join(dataDir, 'api.sock'))) {
    throw new LabError('not-found', `no API server socket at ${join(dataDir, 'api.sock')}: start virtnet first (virtnet up), or pass --no-agents`);
  }
  let state: LabState;
  try {
    state = await applyLab(plan, { log: (l) => console.error(`lab: ${l}`) });
  } catch (e) {
    if (e instanceof LabError && e.code !== 'conflict') {
      throw new LabError(e.code, `${e.message}\n(what was created is recorded in ${dataDir}; remove it with: virtnet lab down --data ${dataDir})`, { cause: e });
    }
    throw e;
  }
  const bin = fileURLToPath(new URL('../../../bin/virtnet.js', import.meta.url));
  let conn: AgentConnection = { mode: 'socket' };
  if (scaleOut) {
    let cp = state.controlPlane;
    if (cp) {
      // lab up run again brings back API servers that died; etcd and the balancer must still run.
      await restartDeadServers(cp, (l) => console.error(`lab: ${l}`));
    } else {
      const { host, port } = parseListen(scaleOut.listen);
      cp = await startControlPlane(plan, {
        apiServers: scaleOut.apiServers, etcdMembers: scaleOut.etcdMembers, listenHost: host, listenPort: port,
        virtnetBin: bin, nodePath: process.execPath, ...(scaleOut.serveFlags ? { serveFlags: scaleOut.serveFlags } : {}),
        log: (l) => console.error(`lab: ${l}`),
      });
    }
    // The record with the pids and URLs of what runs now.
    state = { ...(readState(dataDir) ?? state), controlPlane: cp };
    writeState(state);
    conn = { mode: 'host', server: cp.serverUrl, ca: cp.caFile };
  }
  if (agents) {
    // Agents already running (lab up run again) are left alone: one per node namespace.
    const running = new Set((state.agents ?? []).filter((a) => isAlive(a.pid)).map((a) => a.node));
    // Each agent authenticates as its node (the same token again when the kubeconfig exists).
    ensureNodeKubeconfigs(dataDir, plan.nodes.map((n) => n.name));
    const started = startAgents({ ...plan, nodes: plan.nodes.filter((n) => !running.has(n.name)) }, bin, conn);
    recordAgents(dataDir, started);
  }
  return state;
}

export function labPlanFor(dataDir: string, workers: number, baremetal: number, id?: string): LabPlan {
  const dir = resolve(dataDir);
  return planLab({ id: id ?? readState(dir)?.id ?? defaultLabId(dir), workers, baremetal, dataDir: dir });
}

export { upSummary };

/** The lab users' lines of a summary. */
export function usersSummary(users: readonly LabUser[]): string[] {
  return users.length === 0 ? [] : [
    '  users (kubectl --kubeconfig FILE; admin in their projects, NADs of default readable):',
    ...users.map((u) => `    ${u.name.padEnd(8)} ${u.kubeconfig}  (project ${u.project})`),
  ];
}

/** `--store`, `--api-servers`, `--etcd-members`, `--listen` → scale-out mode or not, refusing what cannot be. */
export function scaleOutFromFlags(o: { store: string; apiServers: number; etcdMembers: number; listen: string }): ScaleOut | undefined {
  if (o.store !== 'sqlite' && o.store !== 'etcd') throw new InvalidArgumentError(`--store: want sqlite or etcd, got ${JSON.stringify(o.store)}`);
  if (o.store === 'sqlite') {
    if (o.apiServers !== 1) throw new InvalidArgumentError('--api-servers above 1 needs --store etcd: several API servers share one etcd (SQLite has one writer)');
    return undefined;
  }
  if (o.apiServers < 1) throw new InvalidArgumentError('--api-servers must be at least 1');
  if (o.etcdMembers < 1 || o.etcdMembers % 2 === 0) throw new InvalidArgumentError(`--etcd-members must be odd (a majority must survive a loss), got ${o.etcdMembers}`);
  parseListen(o.listen);
  return { apiServers: o.apiServers, etcdMembers: o.etcdMembers, listen: o.listen };
}

function upCmd(): Command {
  return new Command('up')
    .description('create the lab network: fabric, router, control-plane and internet hosts, nodes, flat network with DHCP')
    .option('--nodes <n>', 'worker nodes', count, 3)
    .option('--baremetal <m>', 'bare-metal nodes (second NIC on the flat network, in br-flat)', count, 2)
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('--id <id>', 'lab id (names are vn-<id>-…); default derived from --data')
    .option('--dry-run', 'print the plan as JSON and change nothing')
    .option('--no-agents', 'build the network only, without node agents')
    // 0 by default: `virtnet up` makes user1 (the workshop's); a bare lab leaves the projects to its user.
    .option('--users <n>', 'lab users user1..userN with their projects and kubeconfigs (DATA/users/); needs the API server', count, 0)
    .option('--store <kind>', 'sqlite: use the API server already running on DATA (virtnet up/serve); etcd: the lab runs its own etcd cluster, API servers and load balancer, and its agents reach the API over the machine network only', 'sqlite')
    .option('--api-servers <n>', 'with --store etcd: API servers on the one etcd (controllers leader-elected among them)', count, 1)
    .option('--etcd-members <n>', 'with --store etcd: etcd cluster size', count, 3)
    .option('--listen <host:port>', 'with --store etcd: the first API server\'s address; the others take the next ports (port 0: free ports)', DEFAULT_LISTEN)
    .action(async (o: { nodes: number; baremetal: number; data: string; id?: string; dryRun?: boolean; agents: boolean; users: number; store: string; apiServers: number; etcdMembers: number; listen: string }) => {
      const scaleOut = scaleOutFromFlags(o);
      const plan = labPlanFor(o.data, o.nodes, o.baremetal, o.id);
      if (o.dryRun) {
        console.log(JSON.stringify(plan, null, 2));
        return;
      }
      const t0 = Date.now();
      const state = await bringUpLab(plan, o.agents, scaleOut);
      const serverUp = existsSync(join(plan.dataDir, 'api.sock'));
      const users = serverUp ? await ensureLabUsers(plan.dataDir, o.users) : [];
      console.log([upSummary(plan, state, Date.now() - t0), ...usersSummary(users)].join('\n'));
      if (!serverUp && o.users > 0) console.log('  (no API server: lab users not created; virtnet up creates them)');
    });
}

function downCmd(): Command {
  return new Command('down')
    .description('remove every namespace, link, process and file the lab made (works after a crash)')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('--id <id>', 'lab id, when the state file is gone (default derived from --data)')
    .action(async (o: { data: string; id?: string }) => {
      const dataDir = resolve(o.data);
      const t0 = Date.now();
      const id = o.id ?? (readState(dataDir) ? undefined : defaultLabId(dataDir));
      const r = await teardownLab(dataDir, id === undefined ? {} : { id });
      if (!r || (r.namespaces.length === 0 && r.stopped.length === 0 && r.files.length === 0)) {
        console.log('no lab to remove');
        return;
      }
      console.log(`lab ${r.prefix}* removed: ${r.namespaces.length} namespaces, ${r.stopped.length} processes, ` +
        `${r.files.length} files (${((Date.now() - t0) / 1000).toFixed(2)} s)`);
    });
}

function statusCmd(): Command {
  return new Command('status')
    .description('show what of the lab exists and whether nodes reach the router and the control plane')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('--json', 'print JSON')
    .option('--no-probe', 'skip the ping checks')
    .action(async (o: { data: string; json?: boolean; probe: boolean }) => {
      const s = await labStatus(resolve(o.data), { probe: o.probe });
      if (!s) {
        console.log(`no lab recorded in ${resolve(o.data)}`);
        process.exitCode = 1;
        return;
      }
      console.log(o.json ? JSON.stringify(s, null, 2) : statusText(s));
      const healthy = s.phase === 'ready' && s.namespaces.every((n) => n.exists) && s.processes.every((p) => p.alive) &&
        s.nodes.every((n) => n.exists && (n.reach === undefined || (n.reach.router && n.reach.controlPlane)));
      if (!healthy) process.exitCode = 1;
    });
}

export function labCommand(): Command {
  return new Command('lab')
    .description('the lab: nodes as network namespaces behind a router, a flat network with DHCP')
    .addCommand(upCmd())
    .addCommand(downCmd())
    .addCommand(statusCmd());
}

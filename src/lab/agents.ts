// One node agent per lab node, started inside the node's network namespace, so the lab's teardown, which
// stops every process in its namespaces, stops them too. Agents reach the API through the server's unix
// socket in the data directory (or, in scale-out mode, by URL through the lab's load balancer, over the
// machine network only, as on hosts of their own), each with its node's own identity (DATA/nodes/<node>.kubeconfig, written
// by the CLI before the agents start: system:node:<node> in system:nodes). `nsenter --net` rather than
// `ip netns exec`: the latter also gives the process a private (slave) mount namespace, and the namespaces
// an agent then creates for VMs (`ip netns add` bind-mounts them under /run/netns) would be invisible to
// every other process.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPlan } from './lab-plan.js';
import { NETNS_DIR } from '../agent/netns.js';

export interface StartedAgent {
  node: string;
  pid: number;
  log: string;
}

export function agentLogFile(plan: LabPlan, node: string): string {
  return join(plan.dataDir, `${plan.prefix}agent-${node}.log`);
}

/** The kubeconfig of a node's agent. */
export function nodeKubeconfigPath(dataDir: string, node: string): string {
  return join(dataDir, 'nodes', `${node}.kubeconfig`);
}

/** The file holding a node's bearer token, for an agent that reaches the API by URL (scale-out mode). */
export function nodeTokenPath(dataDir: string, node: string): string {
  return join(dataDir, 'nodes', `${node}.token`);
}

/** How agents reach the API: the unix socket with the node's kubeconfig, or by URL over the machine network. */
export type AgentConnection = { mode: 'socket' } | { mode: 'host'; server: string; ca: string };

/**
 * How much lower than the control plane agents of scale-out mode run (nice). Lab hosts share the machine's
 * CPUs with the API servers, etcd and the balancer; on hosts of their own they would not take the control
 * plane's CPU, and a hundred busy agents must not starve it into missing its health checks and leases.
 */
export const AGENT_NICE = 10;

/** The agent's command line for one node, program first (pure; `virtnetBin` is bin/virtnet.js). */
export function agentArgv(plan: LabPlan, node: LabPlan['nodes'][number], virtnetBin: string, nodePath = process.execPath,
  conn: AgentConnection = { mode: 'socket' }): string[] {
  const api = conn.mode === 'socket'
    ? ['--kubeconfig', nodeKubeconfigPath(plan.dataDir, node.name)]
    : ['--server', conn.server, '--ca', conn.ca, '--token-file', nodeTokenPath(plan.dataDir, node.name)];
  return [
    ...(conn.mode === 'host' ? ['nice', '-n', String(AGENT_NICE)] : []),
    'nsenter', `--net=${NETNS_DIR}/${node.netns}`, '--', nodePath, virtnetBin, 'agent',
    '--node', node.name, '--netns', node.netns, '--data', plan.dataDir, ...api,
    '--labels', JSON.stringify(node.labels), '--address', node.address, '--api-address', plan.controlPlane.address,
    '--vm-prefix', plan.prefix,
  ];
}

export function startAgents(plan: LabPlan, virtnetBin: string, conn: AgentConnection = { mode: 'socket' }): StartedAgent[] {
  const out: StartedAgent[] = [];
  for (const node of plan.nodes) {
    const log = agentLogFile(plan, node.name);
    const fd = openSync(log, 'a');
    const [file, ...args] = agentArgv(plan, node, virtnetBin, process.execPath, conn) as [string, ...string[]];
    const child = spawn(file, args, { detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.unref();
    out.push({ node: node.name, pid: child.pid ?? -1, log });
  }
  return out;
}

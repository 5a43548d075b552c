// The lab's control plane in scale-out mode (`lab up --store etcd --api-servers N`), as data: an etcd cluster
// and N API servers on the host's loopback, and haproxy in the control-plane namespace as the API's load
// balancer on the machine network. Node agents run as if on hosts of their own: they reach the API only at
// https://<control-plane address>:6443, through the lab's router, with a node token and the CA.
//
//   node netns ──eth0── machine 10.89.0.0/24 ── router ── control-plane netns: haproxy 10.89.1.10:6443
//                                                              │ unix sockets (reachable from every netns)
//   host: virtnet serve #1 (DATA/api.sock, 127.0.0.1:P)   virtnet serve #2 (DATA/vn-<id>-api-2.sock, :P+1)
//                  └──────────────── etcd members m0…m(k-1) on 127.0.0.1 ────────────────┘
//
// Every process carries the lab prefix in its argv (its pid file or data directory), so teardown finds it
// even without the state file. Pure: ports are chosen by the caller.
import { join } from 'node:path';
import type { LabPlan } from './lab-plan.js';

/** The port haproxy listens on at the control-plane address: kube-apiserver's. */
export const LB_PORT = 6443;

export interface ControlPlaneInput {
  apiServers: number;
  etcdMembers: number;
  /** Loopback ports: two per etcd member (client, peer), in order. */
  etcdPorts: number[];
  /** host:port of the first API server; the others take the following ports (port 0: each picks a free one). */
  listenHost: string;
  listenPort: number;
  /** Absolute path of bin/virtnet.js and of node. */
  virtnetBin: string;
  nodePath: string;
  /** Extra `virtnet serve` flags (e.g. --node-grace-period-ms). */
  serveFlags?: string[];
}

export interface EtcdMemberSpec {
  name: string;
  clientUrl: string;
  dataDir: string;
  log: string;
  argv: string[];
}

export interface ApiServerSpec {
  index: number;
  socket: string;
  pidFile: string;
  log: string;
  kubeconfig: string;
  argv: string[];
}

export interface LoadBalancerSpec {
  netns: string;
  address: string;
  port: number;
  config: string;
  configFile: string;
  pidFile: string;
  statsSocket: string;
  log: string;
  argv: string[];
}

export interface ControlPlanePlan {
  etcd: EtcdMemberSpec[];
  servers: ApiServerSpec[];
  lb: LoadBalancerSpec;
  /** What agents pass as --server. */
  serverUrl: string;
  caFile: string;
  /** Every file of the control plane (removed by teardown; each carries the prefix). */
  files: string[];
  dirs: string[];
}

function controlPlaneFiles(plan: Pick<LabPlan, 'prefix' | 'dataDir'>, i: number): { socket: string; pidFile: string; log: string; kubeconfig: string } {
  const p = `${plan.prefix}api-${i}`;
  return {
    // The first server keeps the usual socket and kubeconfig, so the CLI (`virtnet vm`, lab users) works as ever.
    socket: i === 1 ? join(plan.dataDir, 'api.sock') : join(plan.dataDir, `${p}.sock`),
    pidFile: join(plan.dataDir, `${p}.pid`),
    log: join(plan.dataDir, `${p}.log`),
    kubeconfig: i === 1 ? join(plan.dataDir, 'kubeconfig') : join(plan.dataDir, `${p}.kubeconfig`),
  };
}

/** haproxy in TCP mode: TLS passes through to the servers; a server whose socket refuses is out within a second. */
export function renderHaproxyConfig(bind: string, servers: readonly { name: string; socket: string }[], pidFile: string, statsSocket: string): string {
  return [
    '# written by virtnet lab up: the lab\'s API load balancer (TCP; TLS ends at the API servers)',
    'global',
    `  pidfile ${pidFile}`,
    // Which servers haproxy counts as up (`show stat`): lab up waits for all, lab status shows them.
    `  stats socket ${statsSocket} mode 600 level user`,
    '  maxconn 4096',
    '  log stderr format raw local0 notice',
    'defaults',
    '  mode tcp',
    '  log global',
    '  timeout connect 2s',
    // Watches are long-lived; the servers end them (kube-apiserver's 30–60 min), not the balancer.
    '  timeout client 1h',
    '  timeout server 1h',
    '  timeout tunnel 1h',
    '  retries 3',
    '  option redispatch',
    'frontend api',
    `  bind ${bind}`,
    '  default_backend apiservers',
    'backend apiservers',
    '  balance roundrobin',
    // A dead server's watches are cut at once, so agents resume on a live one instead of waiting on a timeout.
    '  default-server check inter 1s fall 3 rise 2 on-marked-down shutdown-sessions',
    ...servers.map((s) => `  server ${s.name} unix@${s.socket}`),
    '',
  ].join('\n');
}

/** `show stat` CSV → the status (UP, DOWN, …) of each server of a backend. */
export function parseHaproxyStat(csv: string, backend: string): Map<string, string> {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const col = (name: string): number => header.indexOf(name);
  const [px, sv, st] = [col('pxname'), col('svname'), col('status')];
  const out = new Map<string, string>();
  if (px < 0 || sv < 0 || st < 0) return out;
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (f[px] === backend && f[sv] !== 'BACKEND' && f[sv] !== 'FRONTEND') out.set(f[sv] ?? '', f[st] ?? '');
  }
  return out;
}

export function planControlPlane(lab: Pick<LabPlan, 'prefix' | 'dataDir' | 'controlPlane'>, input: ControlPlaneInput): ControlPlanePlan {
  if (input.etcdPorts.length < input.etcdMembers * 2) throw new Error(`need ${input.etcdMembers * 2} etcd ports, got ${input.etcdPorts.length}`);
  const etcdRoot = join(lab.dataDir, `${lab.prefix}etcd`);
  const members = Array.from({ length: input.etcdMembers }, (_, i) => ({
    name: `${lab.prefix}m${i}`,
    clientUrl: `http://127.0.0.1:${input.etcdPorts[2 * i]!}`,
    peerUrl: `http://127.0.0.1:${input.etcdPorts[2 * i + 1]!}`,
    dataDir: join(etcdRoot, `m${i}`),
    log: join(lab.dataDir, `${lab.prefix}etcd-m${i}.log`),
  }));
  const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
  const etcd: EtcdMemberSpec[] = members.map((m) => ({
    name: m.name, clientUrl: m.clientUrl, dataDir: m.dataDir, log: m.log,
    argv: [
      'etcd', '--name', m.name, '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', initialCluster, '--initial-cluster-state', 'new', '--initial-cluster-token', lab.prefix,
      '--logger', 'zap', '--log-outputs', 'stderr',
    ],
  }));
  const store = `etcd:${etcd.map((m) => m.clientUrl).join(',')}`;
  const lbAddress = lab.controlPlane.address;
  const servers: ApiServerSpec[] = Array.from({ length: input.apiServers }, (_, k) => {
    const index = k + 1;
    const f = controlPlaneFiles(lab, index);
    const port = input.listenPort === 0 ? 0 : input.listenPort + k;
    return {
      index, ...f,
      argv: [
        input.nodePath, input.virtnetBin, 'serve', '--data', lab.dataDir, '--store', store,
        '--listen', `${input.listenHost}:${port}`, '--socket', f.socket, `--pid-file=${f.pidFile}`,
        '--tls-san', lbAddress, '--write-kubeconfig', f.kubeconfig,
        '--audit-dir', join(lab.dataDir, 'audit', `${lab.prefix}api-${index}`),
        ...(input.serveFlags ?? []),
      ],
    };
  });
  const lbFiles = {
    configFile: join(lab.dataDir, `${lab.prefix}haproxy.cfg`),
    pidFile: join(lab.dataDir, `${lab.prefix}haproxy.pid`),
    statsSocket: join(lab.dataDir, `${lab.prefix}haproxy.sock`),
    log: join(lab.dataDir, `${lab.prefix}haproxy.log`),
  };
  const lb: LoadBalancerSpec = {
    netns: lab.controlPlane.netns, address: lbAddress, port: LB_PORT, ...lbFiles,
    config: renderHaproxyConfig(`${lbAddress}:${LB_PORT}`, servers.map((s) => ({ name: `api-${s.index}`, socket: s.socket })), lbFiles.pidFile, lbFiles.statsSocket),
    // -db: stay in the foreground (the lab supervises it); -W: master-worker, so a reload never drops the port.
    argv: ['haproxy', '-W', '-db', '-f', lbFiles.configFile],
  };
  return {
    etcd, servers, lb,
    serverUrl: `https://${lbAddress}:${LB_PORT}`,
    caFile: join(lab.dataDir, 'pki', 'ca.crt'),
    files: [
      ...servers.flatMap((s) => [s.pidFile, s.log, ...(s.index === 1 ? [] : [s.socket, s.kubeconfig])]),
      ...etcd.map((m) => m.log),
      lbFiles.configFile, lbFiles.pidFile, lbFiles.statsSocket, lbFiles.log,
    ],
    dirs: [etcdRoot, ...servers.map((s) => join(lab.dataDir, 'audit', `${lab.prefix}api-${s.index}`))],
  };
}

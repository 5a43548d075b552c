// Starts the lab's scale-out control plane (control-plane-plan.ts): etcd members, then the API servers one
// after another (the first creates the PKI, tokens and kubeconfig the others share), then haproxy in the
// control-plane namespace. Each step waits until its part answers, and a failure names the log to read.
import { NETNS_DIR } from '../agent/netns.js';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { LabError } from './lab-error.js';
import { run } from './exec.js';
import { isAlive, stopProcesses } from './process-control.js';
import { parseHaproxyStat, planControlPlane, type ControlPlaneInput, type ControlPlanePlan } from './control-plane-plan.js';
import type { LabPlan } from './lab-plan.js';

export interface ControlPlaneRecord {
  store: string;
  /** The agents' URL: haproxy on the control-plane address. */
  serverUrl: string;
  caFile: string;
  etcd: { name: string; pid: number; clientUrl: string; log: string }[];
  servers: { index: number; pid: number; url: string; socket: string; log: string; kubeconfig: string; pidFile: string; argv: string[] }[];
  lb: { pid: number; netns: string; address: string; port: number; log: string; statsSocket: string };
  files: string[];
  dirs: string[];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function startDetached(argv: readonly string[], log: string): number {
  // A fresh log: start-up is judged by what this process writes, not by a line left from an earlier run.
  const fd = openSync(log, 'w');
  try {
    const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new LabError('exec-failed', `could not start ${argv[0]!}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

function tail(log: string): string {
  return existsSync(log) ? readFileSync(log, 'utf8').slice(-3000) : '(no log)';
}

async function waitFor<T>(what: string, log: string, pid: number, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (!isAlive(pid)) throw new LabError('exec-failed', `${what} exited during start-up; see ${log}:\n${tail(log)}`);
    if (Date.now() > deadline) throw new LabError('timeout', `${what} not ready within ${timeoutMs / 1000} s; see ${log}:\n${tail(log)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function etcdHealthy(url: string): Promise<true | undefined> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return ((await res.json()) as { health?: string }).health === 'true' ? true : undefined;
  } catch {
    return undefined;
  }
}

/** What haproxy thinks of each API server (`show stat` on its stats socket). */
export async function lbServerStates(statsSocket: string): Promise<Map<string, string>> {
  const csv = await new Promise<string>((resolve, reject) => {
    const sock = connect(statsSocket);
    let out = '';
    sock.setEncoding('utf8');
    sock.setTimeout(2000, () => sock.destroy(new Error('haproxy stats socket: no answer')));
    sock.on('data', (d: string) => { out += d; });
    sock.once('error', reject);
    sock.once('end', () => resolve(out));
    sock.end('show stat\n');
  });
  return parseHaproxyStat(csv, 'apiservers');
}

export type ControlPlaneOptions = Omit<ControlPlaneInput, 'etcdPorts'> & { log?: (line: string) => void };

export async function startControlPlane(lab: LabPlan, opts: ControlPlaneOptions): Promise<ControlPlaneRecord> {
  const say = opts.log ?? ((): void => {});
  const etcdPorts: number[] = [];
  while (etcdPorts.length < opts.etcdMembers * 2) {
    const p = await freePort();
    if (!etcdPorts.includes(p)) etcdPorts.push(p);
  }
  const cp: ControlPlanePlan = planControlPlane(lab, { ...opts, etcdPorts });
  for (const d of cp.dirs) mkdirSync(d, { recursive: true });
  const record: ControlPlaneRecord = {
    store: `etcd:${cp.etcd.map((m) => m.clientUrl).join(',')}`, serverUrl: cp.serverUrl, caFile: cp.caFile,
    etcd: [], servers: [], lb: { pid: -1, netns: cp.lb.netns, address: cp.lb.address, port: cp.lb.port, log: cp.lb.log, statsSocket: cp.lb.statsSocket },
    files: cp.files, dirs: cp.dirs,
  };

  try {
    await startParts(cp, record, say);
  } catch (e) {
    // Nothing half-started is left behind: lab up run again starts the control plane afresh.
    await stopProcesses([record.lb.pid, ...record.servers.map((s) => s.pid), ...record.etcd.map((m) => m.pid)].filter((p) => p > 0));
    for (const d of cp.dirs) rmSync(d, { recursive: true, force: true });
    throw e;
  }
  return record;
}

/** Starts one API server from its recorded argv; resolves once it listens, with its pid and URL filled in. */
async function startServer(s: ControlPlaneRecord['servers'][number]): Promise<void> {
  s.pid = startDetached(s.argv, s.log);
  s.url = await waitFor(`API server ${s.index}`, s.log, s.pid, 60_000, async () => /listening on (\S+)/.exec(readFileSync(s.log, 'utf8'))?.[1]);
}

async function startParts(cp: ControlPlanePlan, record: ControlPlaneRecord, say: (line: string) => void): Promise<void> {
  for (const m of cp.etcd) record.etcd.push({ name: m.name, pid: startDetached(m.argv, m.log), clientUrl: m.clientUrl, log: m.log });
  await Promise.all(record.etcd.map((m) => waitFor(`etcd member ${m.name}`, m.log, m.pid, 30_000, () => etcdHealthy(m.clientUrl))));
  say(`etcd: ${record.etcd.length} members healthy (${record.etcd.map((m) => m.clientUrl).join(', ')})`);

  for (const s of cp.servers) {
    const rec = { index: s.index, pid: -1, url: '', socket: s.socket, log: s.log, kubeconfig: s.kubeconfig, pidFile: s.pidFile, argv: s.argv };
    record.servers.push(rec);
    await startServer(rec);
    say(`API server ${s.index}: ${rec.url} (pid ${rec.pid}, socket ${s.socket})`);
  }

  writeFileSync(cp.lb.configFile, cp.lb.config);
  const lbPid = startDetached(['nsenter', `--net=${NETNS_DIR}/${cp.lb.netns}`, '--', ...cp.lb.argv], cp.lb.log);
  record.lb.pid = lbPid;
  await waitFor('haproxy', cp.lb.log, lbPid, 15_000, async () => {
    const r = await run('ss', ['-Hltn', `sport = :${cp.lb.port}`], { netns: cp.lb.netns });
    if (!r.stdout.includes(`${cp.lb.address}:${cp.lb.port}`)) return undefined;
    // haproxy holds a server back until its health checks pass: agents started before that get refused.
    const states = await lbServerStates(cp.lb.statsSocket).catch(() => new Map<string, string>());
    return cp.servers.every((s) => states.get(`api-${s.index}`) === 'UP') ? true : undefined;
  });
  say(`load balancer: haproxy ${cp.serverUrl} in ${cp.lb.netns} → ${cp.servers.length} API servers`);
}

/**
 * Starts again the API servers of a recorded control plane that are no longer running (after a crash or a
 * kill -9), with their recorded command lines (the record gets their new pids and URLs); etcd and haproxy must
 * still run.
 */
export async function restartDeadServers(record: ControlPlaneRecord, log?: (line: string) => void): Promise<void> {
  const dead = [...record.etcd.filter((m) => !isAlive(m.pid)).map((m) => `etcd member ${m.name}`), ...(isAlive(record.lb.pid) ? [] : ['haproxy'])];
  if (dead.length > 0) throw new LabError('conflict', `the lab's control plane lost ${dead.join(', ')}: virtnet lab down, then up again`);
  for (const s of record.servers) {
    if (isAlive(s.pid)) continue;
    await startServer(s);
    log?.(`API server ${s.index} started again: ${s.url} (pid ${s.pid})`);
  }
}

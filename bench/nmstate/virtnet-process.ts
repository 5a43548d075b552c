// The processes of the rollout benchmark: `virtnet serve` (API server + controllers) on a free loopback
// port, and `virtnet lab up/down` (namespaces + one node agent per node). Each is undone through cleanup.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.js';
import { netnsList } from './util.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const virtnetBin = join(repoRoot, 'bin', 'virtnet.js');

export interface ServeProcess {
  url: string;
  pid: number;
  kubeconfig: string;
  stop(): Promise<void>;
}

/** Starts `virtnet serve --listen 127.0.0.1:0 --data DIR` and waits for its `listening on URL` line. */
export async function startServe(dataDir: string, env: Record<string, string> = {}, timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [virtnetBin, 'serve', '--listen', '127.0.0.1:0', '--data', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let output = '';
  // Keep draining both pipes for the whole run (a full pipe would block the server); keep the tail for errors.
  const keep = (d: Buffer): void => {
    output = (output + d.toString()).slice(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const stop = onCleanup({
    name: `virtnet serve (pid ${child.pid})`,
    run: async () => {
      if (!alive()) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
    runSync: () => {
      if (alive()) child.kill('SIGKILL');
    },
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`virtnet serve did not start in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const look = (): void => {
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', look);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`virtnet serve exited before listening:\n${output}`));
    });
  });
  return { url, pid: child.pid ?? -1, kubeconfig: join(dataDir, 'kubeconfig'), stop };
}

const running = new Set<ChildProcess>();

/** Stops `virtnet` commands still running (a `lab up` interrupted by Ctrl-C) before undoing what they made. */
function killRunning(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Runs `node bin/virtnet.js ARGS` to completion (async, so signals are still handled meanwhile). */
export function runVirtnet(args: readonly string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [virtnetBin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    running.add(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => {
      out += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), out });
    });
  });
}

/** The node agents' pids, as lab up recorded them in DIR/lab.json. */
export function agentPids(dataDir: string): number[] {
  try {
    const st = JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8')) as { agents?: { pid: number }[] };
    return (st.agents ?? []).map((a) => a.pid);
  } catch {
    return [];
  }
}

/**
 * An agent probes the kernel's link types in a scratch namespace `vn-cap-<its pid>[-<hex>]` (capabilities.ts)
 * and deletes it itself; an agent stopped in the middle (Ctrl-C during a rollout) leaves it. Only the names
 * of this lab's own agents are considered.
 */
function leftCapabilityNamespaces(pids: readonly number[]): string[] {
  const mine = (n: string): boolean => pids.some((p) => n === `vn-cap-${p}` || new RegExp(`^vn-cap-${p}-[0-9a-f]{6}$`).test(n));
  return netnsList().filter(mine);
}

/**
 * `virtnet lab up --data DIR --nodes N --baremetal 0 --id ID`, with `lab down` registered before it starts
 * (lab up records its state before creating anything, so down can always undo a half-built lab).
 */
export async function labUp(dataDir: string, id: string, nodes: number, timeoutMs: number, env: Record<string, string> = {}):
  Promise<{ down: () => Promise<void>; ms: number }> {
  const downArgs = ['lab', 'down', '--data', dataDir, '--id', id];
  const down = onCleanup({
    name: `lab ${id}`,
    run: async () => {
      killRunning();
      const agents = agentPids(dataDir);
      const r = await runVirtnet(downArgs, 120_000);
      for (const ns of leftCapabilityNamespaces(agents)) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
      if (r.code !== 0) throw new Error(`virtnet ${downArgs.join(' ')} failed (${r.code}):\n${r.out.trim()}`);
    },
    runSync: () => {
      killRunning();
      const agents = agentPids(dataDir);
      spawnSync(process.execPath, [virtnetBin, ...downArgs], { stdio: 'ignore', timeout: 120_000 });
      for (const ns of leftCapabilityNamespaces(agents)) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
    },
  });
  const t0 = performance.now();
  // The agents inherit lab up's environment (NODE_OPTIONS for profiling them).
  const r = await runVirtnet(['lab', 'up', '--data', dataDir, '--nodes', String(nodes), '--baremetal', '0', '--id', id], timeoutMs, env);
  if (r.code !== 0) throw new Error(`virtnet lab up failed (${r.code}):\n${r.out.trim().split('\n').slice(-15).join('\n')}`);
  return { down, ms: performance.now() - t0 };
}

// The agent's side of the node's UDN DHCP daemon (dhcp-daemon.ts): its files, starting it inside the node
// namespace, handing it a network's configuration and waiting until it serves it, stopping it.

import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stopByPidFile } from '../vm-network/daemon.js';
import { VmNetworkError } from '../vm-network/error.js';
import type { DhcpNetworkConfig } from './dhcp-responder.js';
import { logExec } from '../exec-log.js';

export interface DhcpPaths {
  dir: string;
  pidFile: string;
  logFile: string;
  /** In the daemon's argv: how a teardown knows the pid in the pid file is still ours. */
  marker: string;
}

/** The daemon's files carry the prefix and the node, so a lab teardown finds the daemon by its argv. */
export function dhcpPaths(runDir: string, prefix: string, node: string): DhcpPaths {
  const dir = join(runDir, `${prefix}udn-dhcp-${node}`);
  const pidFile = `${dir}.pid`;
  return { dir, pidFile, logFile: `${dir}.log`, marker: `--pid-file=${pidFile}` };
}

const DAEMON = fileURLToPath(new URL('./dhcp-daemon.js', import.meta.url));
const WAIT_MS = 15_000;

async function daemonPid(p: DhcpPaths): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(p.pidFile, 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return argv.includes(p.marker) && !/^\d+ \(.*\) Z /.test(stat) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/** Monotonic across callers: the daemon reports the generation it read, a waiter wants at least its own. */
async function bumpGeneration(p: DhcpPaths): Promise<number> {
  let prev = 0;
  try {
    prev = Number((await readFile(join(p.dir, 'generation'), 'utf8')).trim()) || 0;
  } catch { /* first */ }
  const gen = Math.max(prev + 1, Date.now());
  await writeAtomic(join(p.dir, 'generation'), `${gen}\n`);
  return gen;
}

interface Applied {
  generation: number;
  networks: number[];
  errors: Record<string, string>;
}

async function waitApplied(p: DhcpPaths, gen: number, pid: () => Promise<number | undefined>): Promise<Applied> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      const a = JSON.parse(await readFile(join(p.dir, 'applied'), 'utf8')) as Applied;
      if (a.generation >= gen) return a;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      const alive = (await pid()) !== undefined;
      throw new VmNetworkError(`the UDN DHCP daemon (${p.pidFile}) did not ${alive ? 'apply its configuration' : 'start'} within ${WAIT_MS} ms; see ${p.logFile}`,
        'command-failed');
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

function startDaemon(p: DhcpPaths, nodeNetns: string): void {
  const log = openSync(p.logFile, 'a');
  try {
    // Small heap limits: the daemon holds a few maps and sockets.
    logExec({ argv: ['ip', 'netns', 'exec', nodeNetns, process.execPath, '--max-semi-space-size=1', '--max-old-space-size=64', DAEMON, `--dir=${p.dir}`, p.marker] });
    const child = spawn('ip', ['netns', 'exec', nodeNetns, process.execPath, '--max-semi-space-size=1', '--max-old-space-size=64',
      DAEMON, `--dir=${p.dir}`, p.marker], { detached: true, stdio: ['ignore', log, log] });
    child.unref();
  } finally {
    closeSync(log);
  }
}

// One agent per node: changes to one node's daemon are serialised here (a start racing a start would
// leave two daemons).
const locks = new KeyedSerializer();
function serialised<T>(key: string, fn: () => Promise<T>): Promise<T> {
  return locks.run(key, fn);
}

/**
 * Writes (or, with `cfg` undefined, removes) network `vni`'s configuration, starts the daemon if it does not
 * run, and waits until the daemon serves exactly what the directory says. With no network left the
 * daemon is stopped and its files removed.
 */
export function applyDhcpNetwork(p: DhcpPaths, nodeNetns: string, vni: number, cfg: DhcpNetworkConfig | undefined): Promise<void> {
  return serialised(p.dir, async () => {
    await mkdir(p.dir, { recursive: true });
    const file = join(p.dir, `${vni}.json`);
    if (cfg !== undefined) await writeAtomic(file, JSON.stringify(cfg));
    else await rm(file, { force: true });
    const left = (await readdir(p.dir)).filter((f) => /^\d+\.json$/.test(f));
    const pid = await daemonPid(p);
    if (left.length === 0) {
      if (pid !== undefined) await stopByPidFile(p.pidFile, p.marker);
      await Promise.all([p.dir, p.pidFile, p.logFile].map((f) => rm(f, { recursive: true, force: true })));
      return;
    }
    const gen = await bumpGeneration(p);
    if (pid === undefined) {
      // A fresh daemon loads once at start: no SIGHUP, which could arrive before its handler exists.
      await rm(join(p.dir, 'applied'), { force: true });
      startDaemon(p, nodeNetns);
    } else {
      process.kill(pid, 'SIGHUP');
    }
    const applied = await waitApplied(p, gen, () => daemonPid(p));
    const err = cfg !== undefined ? applied.errors[String(vni)] : undefined;
    if (err !== undefined) throw new VmNetworkError(`UDN DHCP for VNI ${vni}: ${err}`, 'command-failed');
  });
}

/** Stops the daemon and removes its files, whatever it serves (a node's teardown). */
export async function stopDhcpDaemon(p: DhcpPaths): Promise<void> {
  await serialised(p.dir, async () => {
    await stopByPidFile(p.pidFile, p.marker);
    await Promise.all([p.dir, p.pidFile, p.logFile].map((f) => rm(f, { recursive: true, force: true })));
  });
}

export { daemonPid as dhcpDaemonPid };

// The UDN DHCP server of one node: `node dhcp-daemon.js --dir=<dir> --pid-file=<file>`, started by
// dhcp-control.ts inside the node namespace. `<dir>/<vni>.json` configures one network each
// (DhcpNetworkConfig); SIGHUP rereads them and opens or closes sockets (each opened inside its router
// namespace by dhcp-socket-opener.js), then writes `<dir>/applied` with the generation it read, which the
// agent waits for. Reservations change without a restart and without dropping a socket.

import { spawn } from 'node:child_process';
import type dgram from 'node:dgram';
import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildDhcp, parseDhcp } from './dhcp-packet.js';
import { reservationIndex, respond } from './dhcp-responder.js';
import type { DhcpNetworkConfig, Reservation } from './dhcp-responder.js';
import { logExec } from '../exec-log.js';
import { NETNS_DIR } from '../netns.js';

interface Served {
  cfg: DhcpNetworkConfig;
  index: Map<string, Reservation>;
  socket: dgram.Socket;
  /** The router namespace's inode when the socket was opened: a namespace made anew needs a new socket. */
  inode: number;
}

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const dir = arg('dir');
const pidFile = arg('pid-file');
if (dir === undefined || pidFile === undefined) {
  process.stderr.write('usage: dhcp-daemon.js --dir=DIR --pid-file=FILE\n');
  process.exit(2);
}
const opener = fileURLToPath(new URL('./dhcp-socket-opener.js', import.meta.url));
const served = new Map<number, Served>();
const log = (msg: string): void => { process.stderr.write(`${new Date().toISOString()} ${msg}\n`); };

function netnsInode(name: string): number | undefined {
  try {
    return statSync(`${NETNS_DIR}/${name}`).ino;
  } catch {
    return undefined;
  }
}

function openSocket(netns: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    logExec({ argv: ['ip', 'netns', 'exec', netns, process.execPath, opener] });
    const child = spawn('ip', ['netns', 'exec', netns, process.execPath, opener], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`opening the DHCP socket in ${netns} timed out`)); }, 15_000);
    child.on('message', (m: { ok?: boolean; error?: string }, handle: unknown) => {
      if (m.ok === true && handle !== undefined) {
        clearTimeout(timer);
        resolve(handle as dgram.Socket);
      } else if (m.error !== undefined) {
        clearTimeout(timer);
        reject(new Error(`DHCP socket in ${netns}: ${m.error}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`opening the DHCP socket in ${netns} failed (exit ${code}): ${err.trim()}`));
    });
  });
}

function serve(s: Served): void {
  s.socket.on('message', (msg) => {
    const req = parseDhcp(msg);
    if (req === undefined) return;
    const r = respond(req, s.cfg, s.index);
    if (r === undefined) return;
    s.socket.send(buildDhcp(r.message), r.port, r.address, (e) => {
      if (e) log(`vni ${s.cfg.vni}: sending to ${r.address}: ${e.message}`);
    });
  });
  s.socket.on('error', (e) => log(`vni ${s.cfg.vni}: socket error: ${e.message}`));
}

function readConfigs(): Map<number, DhcpNetworkConfig> {
  const out = new Map<number, DhcpNetworkConfig>();
  for (const f of readdirSync(dir!)) {
    if (!/^\d+\.json$/.test(f)) continue;
    try {
      const cfg = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as DhcpNetworkConfig;
      out.set(cfg.vni, cfg);
    } catch (e) {
      log(`${f}: ${(e as Error).message}`);
    }
  }
  return out;
}

function readGeneration(): number {
  try {
    return Number(readFileSync(`${dir}/generation`, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

async function reload(): Promise<void> {
  // The generation is read before the configurations: everything written before it is seen.
  const generation = readGeneration();
  const wanted = readConfigs();
  const errors: Record<string, string> = {};
  for (const [vni, s] of served) {
    const cfg = wanted.get(vni);
    if (cfg === undefined || cfg.routerNetns !== s.cfg.routerNetns || netnsInode(cfg.routerNetns) !== s.inode) {
      s.socket.close();
      served.delete(vni);
    }
  }
  await Promise.all([...wanted].map(async ([vni, cfg]) => {
    const s = served.get(vni);
    if (s !== undefined) {
      s.cfg = cfg;
      s.index = reservationIndex(cfg);
      return;
    }
    const inode = netnsInode(cfg.routerNetns);
    if (inode === undefined) {
      errors[vni] = `router namespace ${cfg.routerNetns} does not exist`;
      return;
    }
    try {
      const n: Served = { cfg, index: reservationIndex(cfg), socket: await openSocket(cfg.routerNetns), inode };
      served.set(vni, n);
      serve(n);
    } catch (e) {
      errors[vni] = (e as Error).message;
      log(errors[vni]);
    }
  }));
  const tmp = `${dir}/applied.tmp`;
  writeFileSync(tmp, JSON.stringify({ generation, networks: [...served.keys()], errors }));
  renameSync(tmp, `${dir}/applied`);
}

let running: Promise<void> = Promise.resolve();
let queued = false;
function scheduleReload(): void {
  if (queued) return;
  queued = true;
  running = running.then(() => {
    queued = false;
    return reload();
  }).catch((e: unknown) => log(`reload: ${(e as Error).message}`));
}

function shutdown(): void {
  for (const s of served.values()) s.socket.close();
  try {
    if (readFileSync(pidFile!, 'utf8').trim() === String(process.pid)) rmSync(pidFile!, { force: true });
  } catch { /* already gone */ }
  process.exit(0);
}

// Handlers first, pid file second: whoever finds the pid file may signal at once.
process.on('SIGHUP', scheduleReload);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
writeFileSync(pidFile, `${process.pid}\n`);
scheduleReload();
// Sockets keep the loop alive; with no network yet, this does.
setInterval(() => undefined, 1 << 30);

// Watches a namespace's links, addresses and routes with `ip -n NS monitor link address route` and emits
// one debounced 'changed' event per burst of netlink messages, at most `maxDelayMs` (200 ms) after the
// first message of the burst, so a state reporter can refresh well within 2 s of a change.
//
// Events: 'changed' (), 'exit' ({code, signal, stderr}) when the monitor stops for a reason other than
// close(); 'error' (Error) only if someone listens for it.
//
// `generation` counts the output the monitor has delivered (every chunk, not the debounced events), and
// `subscribed` tells when its netlink socket has joined the multicast groups (read from /proc): together
// they let a cache tell whether a state it read can be older than the last kernel change (fresh-state.ts).

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { checkNetnsName, formatCommand } from '../netns.js';
import { logExec } from '../exec-log.js';

export interface NetlinkMonitorOptions {
  /** Quiet time that ends a burst; default 50 ms. */
  quietMs?: number;
  /** Upper bound from the first message to the event; default 200 ms. */
  maxDelayMs?: number;
  /** Objects to watch; default link, address, route. */
  objects?: readonly ('link' | 'address' | 'route' | 'rule' | 'neigh')[];
}

export interface MonitorExit { code: number | null; signal: NodeJS.Signals | null; stderr: string }

export class NetlinkMonitor extends EventEmitter {
  readonly argv: readonly string[];
  /** Resolves once the `ip monitor` process has started (its netlink subscription follows within ms). */
  readonly started: Promise<void>;
  /**
   * Resolves true once the process's netlink socket is subscribed (every change after that reaches it),
   * false if it stops first or that cannot be seen within 5 s.
   */
  readonly subscribed: Promise<boolean>;
  private gen = 0;
  private child: ChildProcess | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;
  private stderr = '';
  private closing = false;
  private exited: Promise<void>;
  private readonly quietMs: number;
  private readonly maxDelayMs: number;

  constructor(netns: string | undefined, opts: NetlinkMonitorOptions = {}) {
    super();
    if (netns !== undefined) checkNetnsName(netns);
    this.quietMs = opts.quietMs ?? 50;
    this.maxDelayMs = Math.max(opts.maxDelayMs ?? 200, this.quietMs);
    const objects = opts.objects ?? ['link', 'address', 'route'];
    this.argv = ['ip', ...(netns === undefined ? [] : ['-n', netns]), 'monitor', ...objects];
    const [file, ...args] = this.argv as [string, ...string[]];
    logExec({ argv: this.argv });
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    this.child = child;
    this.started = new Promise((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (e) => reject(new Error(`${formatCommand(this.argv)}: ${e.message}`)));
    });
    this.started.catch(() => { /* reported through 'error'/'exit' as well */ });
    this.subscribed = this.started.then(() => this.waitSubscribed(), () => false);
    child.stdout?.on('data', () => {
      this.gen++;
      this.poke();
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-4096);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.clearTimers();
        this.child = undefined;
        if (!this.closing) {
          const info: MonitorExit = { code, signal, stderr: this.stderr.trim() };
          this.emit('exit', info);
          if (this.listenerCount('error') > 0) {
            this.emit('error', new Error(`${formatCommand(this.argv)} exited (${signal ?? `status ${code}`})` +
              (info.stderr === '' ? '' : `: ${info.stderr}`)));
          }
        }
        resolve();
      });
      child.once('error', (e) => {
        if (this.child === child && child.pid === undefined) {
          // Never started (e.g. ENOENT): there will be no 'close' after some errors.
          this.child = undefined;
          if (this.listenerCount('error') > 0) this.emit('error', e);
          resolve();
        }
      });
    });
  }

  private poke(): void {
    if (this.closing) return;
    if (this.quietTimer !== undefined) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.fire(), this.quietMs);
    this.maxTimer ??= setTimeout(() => this.fire(), this.maxDelayMs);
  }

  private clearTimers(): void {
    if (this.quietTimer !== undefined) clearTimeout(this.quietTimer);
    if (this.maxTimer !== undefined) clearTimeout(this.maxTimer);
    this.quietTimer = undefined;
    this.maxTimer = undefined;
  }

  private fire(): void {
    this.clearTimers();
    if (!this.closing) this.emit('changed');
  }

  /**
   * How many chunks of output the monitor has delivered so far: any kernel change it saw bumps it. A
   * state read while it stayed the same (and the monitor kept running, subscribed) is still current, up to
   * the moment the last change's notice takes to reach this process.
   */
  get generation(): number {
    return this.gen;
  }

  private async waitSubscribed(): Promise<boolean> {
    const deadline = Date.now() + 5000;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      const pid = this.child?.pid;
      if (pid === undefined || this.closing) return false;
      if (await hasSubscribedNetlinkSocket(pid)) return true;
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  /** The `ip monitor` process id while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Stops the monitor process and waits for it to exit; pending events are dropped. */
  async close(): Promise<void> {
    this.closing = true;
    this.clearTimers();
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      await this.exited;
      clearTimeout(force);
    } else {
      await this.exited;
    }
    this.removeAllListeners('changed');
  }
}

/**
 * Whether process `pid` holds a NETLINK_ROUTE socket bound to some multicast group: /proc/PID/net/netlink
 * (the sockets of the namespace the process is in) lists each socket's protocol, groups and inode, and
 * the process's fds name the inodes of its own sockets.
 */
export async function hasSubscribedNetlinkSocket(pid: number): Promise<boolean> {
  try {
    const own = new Set<string>();
    for (const fd of await readdir(`/proc/${pid}/fd`)) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (m) own.add(m[1]!);
    }
    // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode
    for (const line of (await readFile(`/proc/${pid}/net/netlink`, 'utf8')).split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[1] === '0' && f[3] !== undefined && /[1-9a-f]/i.test(f[3]) && f[9] !== undefined && own.has(f[9])) return true;
    }
  } catch {
    // The process is gone.
  }
  return false;
}

/** Starts watching `netns`; call `close()` when done. */
export function watchNetlink(netns: string | undefined, opts: NetlinkMonitorOptions = {}): NetlinkMonitor {
  return new NetlinkMonitor(netns, opts);
}

// Runs an apply plan (a list of `PlanStep`s) inside one network namespace, in order, stopping at the first
// failure. The error names the step (`why`), the command line and its stderr, and carries the steps that
// were done so the caller can roll them back. DNS is a file, not a command: `writeDns`.

import { access, constants, mkdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import type { PlanStep } from './plan-step.js';
import { CommandError, checkNetnsName, formatCommand, run } from '../netns.js';
import type { RunResult } from '../netns.js';

export interface StepProgress {
  step: PlanStep;
  index: number;
  total: number;
  phase: 'start' | 'done';
}

export interface ExecuteOptions {
  /** Per step; default 10 s (a DHCP start waits for its first lease up to `dhcpTimeoutMs`). */
  timeoutMs?: number;
  dhcpTimeoutMs?: number;
  onProgress?: (p: StepProgress) => void;
  /** Where DHCP clients keep pid, lease and script files; default /run/virtnet. */
  runDir?: string;
  /** The DHCP client to use; default: found on PATH (`findDhcpClient`); null: none (tests). */
  dhcpClient?: DhcpClient | null;
  /**
   * `ip` dump commands (e.g. `link show`) to run right after the last step, in the same
   * `ip -json -details -batch` process, when the plan ends with `ip` steps: the state after the apply
   * without starting another process. Their parsed output comes back as `dumps`.
   */
  trailingDumps?: readonly string[];
  /** A batch process started ahead (`startBatch`): runs the first run of `ip` steps; closed unused otherwise. */
  early?: EarlyBatch;
}

export interface ExecuteResult {
  done: PlanStep[];
  /**
   * One JSON array per `trailingDumps` command, taken after the last step; absent when the plan did not
   * end with a batch of `ip` steps or the output could not be lined up (then read the state yourself).
   */
  dumps?: unknown[][];
}

/** A step failed. `done` are the steps that completed before it, in order. */
export class StepError extends Error {
  override readonly name = 'StepError';
  readonly step: PlanStep;
  readonly index: number;
  readonly done: PlanStep[];
  readonly argv: readonly string[] | undefined;
  readonly stderr: string;
  constructor(step: PlanStep, index: number, done: PlanStep[], cause: Error) {
    const argv = cause instanceof CommandError ? cause.argv : undefined;
    super(`step ${index + 1} (${step.why}) failed: ${cause.message}`, { cause });
    this.step = step;
    this.index = index;
    this.done = done;
    this.argv = argv;
    this.stderr = cause instanceof CommandError ? cause.stderr.trim() : '';
  }
}

/** The host lacks what a step needs (a DHCP client, nft…); retrying will not help. */
export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
  readonly kind = 'NotSupportedError';
}

const DEFAULT_STEP_TIMEOUT_MS = 10_000;
const DEFAULT_DHCP_TIMEOUT_MS = 30_000;

/** Finds an executable on PATH (plus the sbin directories root normally has), like `which`. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin']
    .filter((d) => d !== '');
  for (const d of new Set(dirs)) {
    const p = join(d, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch { /* not here */ }
  }
  return undefined;
}

export type DhcpClient = { kind: 'udhcpc' | 'dhclient'; path: string; via?: 'busybox' };

/** busybox `udhcpc` if present, else ISC `dhclient`; undefined if neither. */
export async function findDhcpClient(): Promise<DhcpClient | undefined> {
  const udhcpc = await findExecutable('udhcpc');
  if (udhcpc !== undefined) return { kind: 'udhcpc', path: udhcpc };
  const busybox = await findExecutable('busybox');
  if (busybox !== undefined) return { kind: 'udhcpc', path: busybox, via: 'busybox' };
  const dhclient = await findExecutable('dhclient');
  if (dhclient !== undefined) return { kind: 'dhclient', path: dhclient };
  return undefined;
}

// busybox ships no default lease script on Debian (/usr/share/udhcpc/default.script is absent): this one
// applies the lease with iproute2. Addresses carry the lease time as their lifetime, so the current state
// shows them as dynamic (dhcp: true), and the default route is `proto dhcp` (running, not config).
const UDHCPC_SCRIPT = `#!/bin/sh
# Written by virtnet's executor: applies a busybox udhcpc lease with iproute2.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface" scope global
    ip link set dev "$interface" up
    ;;
  bound|renew)
    [ "$1" = bound ] && ip -4 addr flush dev "$interface" scope global
    ip addr replace "$ip/\${mask:-$subnet}" dev "$interface" valid_lft "\${lease:-forever}" preferred_lft "\${lease:-forever}"
    for r in $router; do
      ip route replace default via "$r" dev "$interface" proto dhcp
      break
    done
    ;;
esac
exit 0
`;

function safeFileName(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/**
 * A `dhcp` step (as plan-ip.ts emits it): args `['start' | 'stop', IFACE, 'ipv4' | 'ipv6']` (family
 * optional, default ipv4; DHCPv6 needs dhclient). The client keeps running in the namespace, renewing its lease; its pid file is
 * `<runDir>/dhcp-<ns>-<iface>[-6].pid`.
 */
async function runDhcp(step: PlanStep, netns: string, opts: ExecuteOptions): Promise<RunResult> {
  const [action, iface, fam] = step.args;
  const families = [undefined, 'ipv4', 'ipv6', '-4', '-6'];
  if ((action !== 'start' && action !== 'stop') || iface === undefined || !families.includes(fam)) {
    throw new Error(`invalid dhcp step arguments ${JSON.stringify(step.args)}: want [start|stop, IFACE, ipv4|ipv6]`);
  }
  const v6 = fam === 'ipv6' || fam === '-6';
  const runDir = opts.runDir ?? '/run/virtnet';
  const base = join(runDir, safeFileName(`dhcp-${netns}-${iface}${v6 ? '-6' : ''}`));
  const pidFile = `${base}.pid`;
  if (action === 'stop') {
    let pid: number;
    try {
      pid = Number((await readFile(pidFile, 'utf8')).trim());
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { stdout: '', stderr: '', code: 0 };
      throw e;
    }
    // A stale pid file may name a reused pid: only signal a DHCP client.
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (Number.isInteger(pid) && pid > 1 && /udhcpc|dhclient/.test(cmdline)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
      }
    }
    await rm(pidFile, { force: true });
    return { stdout: '', stderr: '', code: 0 };
  }
  const client = opts.dhcpClient === undefined ? await findDhcpClient() : opts.dhcpClient ?? undefined;
  if (client === undefined) {
    throw new NotSupportedError(`cannot start a DHCP client on ${iface}: neither udhcpc (busybox) nor dhclient ` +
      '(isc-dhcp-client) is installed on this host');
  }
  if (v6 && client.kind !== 'dhclient') {
    throw new NotSupportedError(`cannot start DHCPv6 on ${iface}: udhcpc does only DHCPv4; install dhclient`);
  }
  await mkdir(runDir, { recursive: true });
  const timeoutMs = opts.dhcpTimeoutMs ?? DEFAULT_DHCP_TIMEOUT_MS;
  if (client.kind === 'udhcpc') {
    const script = join(runDir, 'udhcpc.script');
    await writeFile(script, UDHCPC_SCRIPT, { mode: 0o755 });
    // Daemonizes once it has a lease; -b: also when the -t retries run out (it keeps trying in background).
    const args = [...(client.via === 'busybox' ? ['udhcpc'] : []), '-i', iface, '-p', pidFile, '-s', script,
      '-b', '-t', '5', '-T', '2'];
    return run(client.path, args, { netns, timeoutMs });
  }
  return run(client.path, [v6 ? '-6' : '-4', '-nw', '-pf', pidFile, '-lf', `${base}.leases`, iface],
    { netns, timeoutMs });
}

async function runStep(step: PlanStep, netns: string, opts: ExecuteOptions): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  switch (step.cmd) {
    case 'ip':
    case 'bridge':
    case 'sysctl':
      return run(step.cmd, step.args, { netns, timeoutMs });
    case 'nft':
      try {
        return await run('nft', step.args, { netns, timeoutMs });
      } catch (e) {
        if (e instanceof CommandError && e.failure === 'not-found') {
          throw new NotSupportedError(`${formatCommand(e.argv)}: nft (nftables) is not installed on this host`);
        }
        throw e;
      }
    case 'dhcp':
      return runDhcp(step, netns, opts);
    default: {
      const never: never = step.cmd;
      throw new Error(`unknown plan step command ${String(never)}`);
    }
  }
}

/**
 * A step `ip -batch` runs exactly as `ip ARGS` would: an `ip` command whose first word is an object (a
 * leading option such as `-4` is not allowed on a batch line) and with no argument the batch reader would
 * split or treat as a comment. Other steps run on their own.
 */
export function batchable(step: PlanStep): boolean {
  return step.cmd === 'ip' && step.args.length > 0 && !step.args[0]!.startsWith('-')
    && step.args.every((a) => a !== '' && !/[\s"'#\\]/.test(a));
}

/**
 * The JSON arrays the dump commands at the end of an `ip -json -batch` printed. The steps before them
 * print nothing with `-json`; anything that does not line up (another count of lines, a line that is not
 * a JSON array) gives undefined, and the caller reads the state the ordinary way.
 */
export function trailingJson(stdout: string, count: number): unknown[][] | undefined {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== count) return undefined;
  const out: unknown[][] = [];
  for (const l of lines) {
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch {
      return undefined;
    }
    if (!Array.isArray(v)) return undefined;
    out.push(v);
  }
  return out;
}

/** Global options of every batch that may carry dumps; harmless to the steps, which print nothing with them. */
const DUMP_GLOBALS = ['-json', '-details'];

/** How long a batch started ahead may live: it waits for the plan, then runs it. */
const EARLY_BATCH_TIMEOUT_MS = 600_000;

/**
 * An `ip -json -details -batch -` started before the plan is known, so that starting it (exec, joining the
 * namespace, opening netlink) overlaps the planning instead of following it. `execute` feeds it the first
 * run of `ip` steps; `close()` ends it unused (no input: it exits at once). Always close it when done.
 */
export class EarlyBatch {
  private give!: (input: string) => void;
  private used = false;
  readonly result: Promise<RunResult>;

  constructor(readonly netns: string) {
    checkNetnsName(netns);
    const input = new Promise<string>((resolve) => { this.give = resolve; });
    this.result = run('ip', [...DUMP_GLOBALS, '-batch', '-'], { netns, input, timeoutMs: EARLY_BATCH_TIMEOUT_MS });
    this.result.catch(() => { /* seen by whoever feeds it; unused, nobody cares */ });
  }

  /** Whether it can still take a batch. */
  get available(): boolean {
    return !this.used;
  }

  feed(input: string): Promise<RunResult> {
    if (this.used) throw new Error('this early batch was already used');
    this.used = true;
    this.give(input);
    return this.result;
  }

  close(): void {
    if (this.used) return;
    this.used = true;
    this.give('');
  }
}

export function startBatch(netns: string): EarlyBatch {
  return new EarlyBatch(netns);
}

interface BatchResult {
  /** How many steps succeeded. */
  ok: number;
  dumps?: unknown[][];
}

/**
 * Runs consecutive `ip` steps as one `ip -batch` process (one fork instead of one per step: 100 bridges
 * are ~300 steps), followed by `dumps` (with `-json -details`) when given. iproute2 stops at the first
 * failing line and names it (`Command failed -:N`); the failing step is then run again on its own by the
 * caller, so its error (command line, stderr) is exactly the one a single step gives. A failing dump
 * line leaves every step done and no dumps.
 */
async function runBatch(steps: readonly PlanStep[], netns: string, opts: ExecuteOptions,
  dumps: readonly string[] = [], early?: EarlyBatch): Promise<BatchResult> {
  const input = [...steps.map((s) => s.args.join(' ')), ...dumps].join('\n') + '\n';
  const globals = dumps.length > 0 ? DUMP_GLOBALS : [];
  try {
    const r = early ? await early.feed(input) : await run('ip', [...globals, '-batch', '-'], { netns, input,
      timeoutMs: (opts.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS) * Math.max(1, Math.ceil((steps.length + dumps.length) / 10)) });
    if (dumps.length === 0) return { ok: steps.length };
    const parsed = trailingJson(r.stdout, dumps.length);
    return parsed === undefined ? { ok: steps.length } : { ok: steps.length, dumps: parsed };
  } catch (e) {
    const m = /Command failed -:(\d+)/.exec(e instanceof CommandError ? e.stderr : '');
    if (m && Number(m[1]) > steps.length) return { ok: steps.length };
    return { ok: m ? Math.min(steps.length - 1, Math.max(0, Number(m[1]) - 1)) : 0 };
  }
}

/** Runs `steps` in order inside `netns`; throws `StepError` (with `done`) at the first failure. */
export async function execute(steps: readonly PlanStep[], netns: string, opts: ExecuteOptions = {}):
  Promise<ExecuteResult> {
  checkNetnsName(netns);
  const early = opts.early?.netns === netns && opts.early.available ? opts.early : undefined;
  try {
    return await executeSteps(steps, netns, opts, early);
  } finally {
    early?.close();
  }
}

async function executeSteps(steps: readonly PlanStep[], netns: string, opts: ExecuteOptions, early: EarlyBatch | undefined):
  Promise<ExecuteResult> {
  const done: PlanStep[] = [];
  let dumps: unknown[][] | undefined;
  const trailing = opts.trailingDumps ?? [];
  const progress = (index: number, phase: 'start' | 'done'): void =>
    opts.onProgress?.({ step: steps[index]!, index, total: steps.length, phase });
  for (let index = 0; index < steps.length;) {
    let end = index;
    while (end < steps.length && batchable(steps[end]!)) end++;
    // The last run of ip steps carries the dumps, even a run of one step (still one process fewer); a
    // run of one step also goes through the process started ahead while that is unused.
    const withDumps = end === steps.length && trailing.length > 0;
    const ahead = early?.available === true ? early : undefined;
    if (end - index >= 2 || ((withDumps || ahead) && end > index)) {
      const r = await runBatch(steps.slice(index, end), netns, opts, withDumps ? trailing : [], ahead);
      for (let i = index; i < index + r.ok; i++) {
        progress(i, 'start');
        done.push(steps[i]!);
        progress(i, 'done');
      }
      index += r.ok;
      if (index === end) {
        dumps = r.dumps;
        continue;
      }
    }
    const step = steps[index]!;
    progress(index, 'start');
    try {
      await runStep(step, netns, opts);
    } catch (e) {
      throw new StepError(step, index, [...done], e instanceof Error ? e : new Error(String(e)));
    }
    done.push(step);
    progress(index, 'done');
    index++;
    // A step run on its own after the last batch: the dumps were taken before it.
    dumps = undefined;
  }
  return dumps === undefined ? { done } : { done, dumps };
}

export interface DnsSettings { server?: readonly string[]; search?: readonly string[]; options?: readonly string[] }

/** resolv.conf text as nmstate writes it: options, search, then one nameserver line per server. */
export function renderResolvConf(dns: DnsSettings): string {
  let s = '';
  if (dns.options !== undefined && dns.options.length > 0) s += `options ${dns.options.join(' ')}\n`;
  if (dns.search !== undefined && dns.search.length > 0) s += `search ${dns.search.join(' ')}\n`;
  for (const srv of dns.server ?? []) if (srv !== '') s += `nameserver ${srv}\n`;
  return s;
}

/**
 * Writes the namespace's resolver configuration, /etc/netns/<ns>/resolv.conf (which `ip netns exec`
 * mounts over /etc/resolv.conf); atomically, mode 0644. `netns: null` writes the host's /etc/resolv.conf.
 */
export async function writeDns(netns: string | null, dns: DnsSettings, opts: { etcDir?: string } = {}):
  Promise<string> {
  const etc = opts.etcDir ?? '/etc';
  if (netns !== null) checkNetnsName(netns);
  const path = netns === null ? join(etc, 'resolv.conf') : join(etc, 'netns', netns, 'resolv.conf');
  for (const v of [...(dns.server ?? []), ...(dns.search ?? []), ...(dns.options ?? [])]) {
    if (/\s/.test(v) || v === '') throw new Error(`invalid DNS setting ${JSON.stringify(v)}: empty or contains space`);
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.virtnet-${process.pid}.tmp`;
  await writeFile(tmp, renderResolvConf(dns), { mode: 0o644 });
  await rename(tmp, path);
  return path;
}

/** Removes /etc/netns/<ns>/resolv.conf (and the directory when empty). */
export async function removeDns(netns: string, opts: { etcDir?: string } = {}): Promise<void> {
  checkNetnsName(netns);
  const dir = join(opts.etcDir ?? '/etc', 'netns', netns);
  await rm(join(dir, 'resolv.conf'), { force: true });
  try {
    await rmdir(dir);
  } catch { /* not empty or gone: leave it */ }
}

// The `netns` VM runtime: a VM is a network namespace `<netnsPrefix>vm-<id>` holding one veth end per NIC
// (`eth0`, `eth1`, … with the NIC's MAC), the other end on the NIC's bridge in the host-side namespace.
// DHCP NICs run busybox udhcpc inside the namespace; the serial console is a socat-served unix socket
// giving a busybox shell there. Everything needed to find the VM again lives in `<stateRoot>/<id>/`, and
// the kernel objects are the truth for `state()`, so a second instance (a restarted agent) re-adopts it.
// Processes are what a start costs (milliseconds each), so there are few: the namespace and the host-side
// links come from `ip -batch` runs shared with the VMs starting at the same time (ip-batcher.ts), DHCP NICs
// are brought up by their lease script, and what is left per VM is one udhcpc per DHCP NIC and one socat.

import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NETNS_DIR, checkNetnsName, run, runJson } from '../../agent/netns.js';
import { findExecutable } from '../../agent/nmstate/executor.js';
import { checkVmId } from '../runtime.js';
import type { ExecResult, GuestInterface, MigrationTarget, NicLaunch, RuntimeOptions, VmLaunch, VmRuntime, VmState }
  from '../runtime.js';
import {
  checkDistinctHostLinks, checkNic, consoleArgs, deleteLinkLines, guestBatch, hostLinkLines, nextGuestName,
  placeNics, routeMetric, safeHostname, toGuestInterfaces, udhcpcArgs, vmNetnsName,
} from './plan.js';
import { migrationTempName, rehomeBatch, type IpAddrJson, type IpRouteJson } from './migrate-plan.js';
import type { PlacedNic } from './plan.js';
import { IpBatcher } from './ip-batcher.js';
import { Semaphore } from '../../common/semaphore.js';
import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { isRunning, killPidFile, netnsPids, reap, signal, spawnDetached } from './processes.js';
import { UDHCPC_SCRIPT } from './udhcpc-script.js';
import {
  CONSOLE_LOG, CONSOLE_PID, CONSOLE_SOCKET, HOSTNAME_FILE, SCRIPT_FILE, readRecord, udhcpcLogFile,
  udhcpcPidFile, writeRecord,
} from './vm-record.js';
import type { VmRecord } from './vm-record.js';

const DEFAULT_GRACE_MS = 2_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** sockaddr_un.sun_path is 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
const SOCKET_TIMEOUT_MS = 10_000;

interface Tools { busybox: string; socat: string }

export interface NetnsRuntimeTuning {
  /**
   * How many VMs set up their links and processes at once (default 16). Each step is a process, and
   * processes are what a start costs: with a hundred VMs started together and no limit, every VM would
   * wait for all the others' processes and all would get their addresses at the end; first come first
   * served, half of them are up in half the time.
   */
  startConcurrency?: number;
}

const netnsExists = (name: string): boolean => existsSync(join(NETNS_DIR, name));

export class NetnsRuntime implements VmRuntime {
  readonly kind = 'netns' as const;
  private readonly stateRoot: string;
  private readonly netnsPrefix: string;
  private tools: Promise<Tools> | undefined;
  /** Start, stop and hot plug of one VM run one at a time within this instance. */
  private readonly locks = new KeyedSerializer();
  private readonly starting: Semaphore;
  private readonly ip = new IpBatcher();

  constructor(opts: RuntimeOptions, tuning: NetnsRuntimeTuning = {}) {
    this.stateRoot = opts.stateRoot;
    this.netnsPrefix = opts.netnsPrefix;
    this.starting = new Semaphore(tuning.startConcurrency ?? 16);
    checkNetnsName(vmNetnsName(opts.netnsPrefix, 'x'));
  }

  async start(launch: VmLaunch): Promise<void> {
    const { id } = launch;
    checkVmId(id);
    if (launch.hostNetns !== undefined) checkNetnsName(launch.hostNetns);
    for (const nic of launch.nics) checkNic(nic);
    checkDistinctHostLinks(launch.nics);
    const dir = this.dir(id);
    const socket = join(dir, CONSOLE_SOCKET);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      throw new Error(`console socket path ${socket} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter stateRoot`);
    }
    const tools = await this.findTools();
    await this.locked(id, async () => {
      const consolePid = await this.starting.use(() => this.create(launch, tools));
      // Outside the start slot: the next VM's links need not wait for this socat to bind.
      try {
        await waitForSocket(socket, consolePid, join(dir, CONSOLE_LOG));
      } catch (e) {
        await this.teardown(id, 0).catch(() => undefined);
        throw e;
      }
    });
  }

  /** The state dir, links and helper processes of a new VM; returns the console server's pid. */
  private async create(launch: VmLaunch, tools: Tools): Promise<number> {
    const { id } = launch;
    const dir = this.dir(id);
    const vmNetns = this.vmNetns(id);
    await mkdir(this.stateRoot, { recursive: true });
    try {
      await mkdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`VM ${id} already exists (${dir})`);
      throw e;
    }
    if (netnsExists(vmNetns)) {
      await rm(dir, { recursive: true, force: true });
      throw new Error(`cannot start VM ${id}: network namespace ${vmNetns} already exists`);
    }
    const record: VmRecord = {
      version: 1, id, vmNetns, hostNetns: launch.hostNetns ?? null, hostname: launch.hostname,
      nics: placeNics(launch.nics),
    };
    try {
      await Promise.all([
        writeRecord(dir, record),
        writeFile(join(dir, HOSTNAME_FILE), `${launch.hostname}\n`),
        writeFile(join(dir, SCRIPT_FILE), UDHCPC_SCRIPT, { mode: 0o755 }),
      ]);
      await this.createLinks(record.nics, vmNetns, launch.hostNetns, true);
      const [consolePid] = await Promise.all([
        this.startConsole(dir, record, tools),
        ...record.nics.filter((p) => p.nic.ip.mode === 'dhcp').map((p) => this.startDhcp(dir, record, p, tools)),
      ]);
      return consolePid;
    } catch (e) {
      await this.teardown(id, 0).catch(() => undefined);
      throw e;
    }
  }

  stop(id: string, opts: { graceMs?: number } = {}): Promise<void> {
    checkVmId(id);
    return this.locked(id, () => this.teardown(id, opts.graceMs ?? DEFAULT_GRACE_MS));
  }

  async state(id: string): Promise<VmState> {
    checkVmId(id);
    const vmNetns = await this.vmNetnsOf(id);
    if (netnsExists(vmNetns)) return { running: true, accelerator: 'netns' };
    if (existsSync(this.dir(id))) {
      return { running: false, accelerator: 'netns', exitReason: `network namespace ${vmNetns} is gone` };
    }
    return { running: false };
  }

  async list(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.stateRoot, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return entries.filter((e) => e.isDirectory() && isVmId(e.name)).map((e) => e.name).sort();
  }

  async guestInterfaces(id: string): Promise<GuestInterface[]> {
    const vmNetns = await this.runningNetns(id);
    return toGuestInterfaces(await runJson('ip', ['addr', 'show'], { netns: vmNetns }));
  }

  async exec(id: string, argv: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
    const vmNetns = await this.runningNetns(id);
    const [cmd] = argv;
    if (cmd === undefined || cmd === '') throw new Error('exec: empty command');
    // `env` would take a first word with `=` for an assignment, not a command.
    if (cmd.includes('=')) throw new Error(`exec: invalid command name ${JSON.stringify(cmd)}`);
    const hostname = await readFile(join(this.dir(id), HOSTNAME_FILE), 'utf8').then((s) => s.trim(), () => id);
    // No UTS namespace: the recorded hostname reaches the command as $HOSTNAME.
    const r = await run('env', [`HOSTNAME=${hostname}`, ...argv], {
      netns: vmNetns, timeoutMs: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS, input: opts.input, allowFailure: true,
    });
    return { exitCode: r.code, stdout: r.stdout, stderr: r.stderr };
  }

  consoleSocket(id: string): string {
    checkVmId(id);
    return join(this.dir(id), CONSOLE_SOCKET);
  }

  async hotplugNic(id: string, nic: NicLaunch): Promise<void> {
    checkVmId(id);
    checkNic(nic);
    const tools = await this.findTools();
    await this.locked(id, async () => {
      const dir = this.dir(id);
      const record = await readRecord(dir);
      if (record === undefined) throw new Error(`hot plug: unknown VM ${id}`);
      await this.runningNetns(id);
      if (record.nics.some((p) => p.nic.name === nic.name)) throw new Error(`hot plug: VM ${id} already has a NIC ${nic.name}`);
      checkDistinctHostLinks([...record.nics.map((p) => p.nic), nic]);
      const placed: PlacedNic = { nic, guestName: nextGuestName(record.nics.map((p) => p.guestName)) };
      const before = record.nics;
      // Recorded first: a crash half-way leaves a link that stop() knows to delete.
      const updated: VmRecord = { ...record, nics: [...before, placed] };
      await writeRecord(dir, updated);
      try {
        await this.createLinks([placed], record.vmNetns, record.hostNetns ?? undefined, false);
        if (nic.ip.mode === 'dhcp') await this.startDhcp(dir, updated, placed, tools);
      } catch (e) {
        await this.deleteHostLinks(record.hostNetns, [nic.hostIfName]).catch(() => undefined);
        await writeRecord(dir, { ...record, nics: before });
        throw e;
      }
    });
  }

  /**
   * Re-homes the VM's namespace onto another launcher: per NIC a new veth from the target's bridge into
   * the VM under a temporary name, then in one `ip -batch` inside the VM the old veth goes and the new
   * one takes its name, addresses and routes (same MAC; the gap is that batch: milliseconds). udhcpc is
   * bound to the old link, so it is killed without a release and started again on the new one, keeping
   * the address (same MAC, same reservation). The state dir then moves to the target's stateRoot, the
   * console server (cwd-relative socket) with it.
   */
  async migrate(id: string, target: MigrationTarget): Promise<void> {
    checkVmId(id);
    if (target.hostNetns !== undefined) checkNetnsName(target.hostNetns);
    for (const nic of target.nics) checkNic(nic);
    const tools = await this.findTools();
    await this.locked(id, async () => {
      const dir = this.dir(id);
      const record = await readRecord(dir);
      if (record === undefined) throw new Error(`migrate: unknown VM ${id}`);
      const vmNetns = await this.runningNetns(id);
      const moves = record.nics.map((p) => {
        const t = target.nics.find((n) => n.name === p.nic.name);
        if (!t) throw new Error(`migrate: the target has no NIC ${p.nic.name}`);
        if (t.mac !== p.nic.mac) throw new Error(`migrate: NIC ${p.nic.name} has MAC ${t.mac} on the target, ${p.nic.mac} here`);
        return { from: p, to: { nic: t, guestName: p.guestName } };
      });
      const temps = moves.map((m) => ({ ...m.to, guestName: migrationTempName(m.to.guestName) }));
      // The new links beside the old ones (the VM's ends down): the VM is still wholly on the source.
      await this.ip.run(target.hostNetns, hostLinkLines(temps, vmNetns));
      let swapped = false;
      try {
        const state = await Promise.all(moves.map(async (m) => ({
          guestName: m.from.guestName, tempName: migrationTempName(m.from.guestName),
          addrs: await runJson<IpAddrJson[]>('ip', ['addr', 'show', 'dev', m.from.guestName], { netns: vmNetns }),
          routes: await runJson<IpRouteJson[]>('ip', ['route', 'show', 'dev', m.from.guestName], { netns: vmNetns }),
        })));
        await Promise.all(moves.filter((m) => m.from.nic.ip.mode === 'dhcp').map((m) =>
          killPidFile(join(dir, udhcpcPidFile(m.from.guestName)), (argv) => argv.includes('udhcpc'), { signal: 'SIGKILL' })));
        await run('ip', ['-batch', '-'], { netns: vmNetns, input: rehomeBatch(state) });
        swapped = true;
      } finally {
        if (!swapped) await this.deleteHostLinks(target.hostNetns ?? null, temps.map((t) => t.nic.hostIfName)).catch(() => undefined);
      }
      const newDir = join(target.stateRoot, id);
      await mkdir(target.stateRoot, { recursive: true });
      await rename(dir, newDir);
      const moved: VmRecord = { ...record, hostNetns: target.hostNetns ?? null, nics: moves.map((m) => m.to) };
      await writeRecord(newDir, moved);
      await Promise.all(moved.nics.filter((p) => p.nic.ip.mode === 'dhcp').map((p) => this.startDhcp(newDir, moved, p, tools, true)));
      // Switches learn the VM's new port from its first frame: announce it (best effort, not awaited).
      for (const m of moves) {
        void run('ip', ['netns', 'exec', vmNetns, tools.busybox, 'arping', '-U', '-c', '1', '-I', m.from.guestName, '0.0.0.0'],
          { allowFailure: true, timeoutMs: 3000 }).catch(() => undefined);
      }
    });
  }

  private dir(id: string): string {
    return join(this.stateRoot, id);
  }

  private vmNetns(id: string): string {
    return vmNetnsName(this.netnsPrefix, id);
  }

  /** The VM's namespace as its record names it (an instance with another prefix still finds it). */
  private async vmNetnsOf(id: string): Promise<string> {
    const recorded = (await readRecord(this.dir(id)).catch(() => undefined))?.vmNetns;
    if (recorded === undefined) return this.vmNetns(id);
    checkNetnsName(recorded);
    return recorded;
  }

  private async runningNetns(id: string): Promise<string> {
    checkVmId(id);
    const vmNetns = await this.vmNetnsOf(id);
    if (!netnsExists(vmNetns)) throw new Error(`VM ${id} is not running (no network namespace ${vmNetns})`);
    return vmNetns;
  }

  private findTools(): Promise<Tools> {
    this.tools ??= (async () => {
      const [busybox, socat] = await Promise.all([findExecutable('busybox'), findExecutable('socat')]);
      if (busybox === undefined) throw new Error('the netns runtime needs busybox (Debian package busybox) for udhcpc and the console shell');
      if (socat === undefined) throw new Error('the netns runtime needs socat (Debian package socat) for the console socket');
      return { busybox, socat };
    })();
    this.tools.catch(() => { this.tools = undefined; });
    return this.tools;
  }

  private async createLinks(nics: PlacedNic[], vmNetns: string, hostNetns: string | undefined,
    createNetns: boolean): Promise<void> {
    const add = createNetns ? [`netns add ${vmNetns}`] : [];
    // `ip -n X netns add` would mount the new namespace in ip's private mount namespace, where nobody
    // else sees it: namespaces are added from the caller's namespace.
    if (hostNetns === undefined) {
      await this.ip.run(undefined, [...add, ...hostLinkLines(nics, vmNetns)]);
    } else {
      await this.ip.run(undefined, add);
      await this.ip.run(hostNetns, hostLinkLines(nics, vmNetns));
    }
    const guest = guestBatch(nics, createNetns);
    if (guest !== '') await run('ip', ['-batch', '-'], { netns: vmNetns, input: guest });
  }

  private async startDhcp(dir: string, record: VmRecord, p: PlacedNic, tools: Tools, keepAddress = false): Promise<void> {
    await spawnDetached({
      file: 'ip',
      args: ['netns', 'exec', record.vmNetns, ...udhcpcArgs(tools.busybox, p.guestName, join(dir, SCRIPT_FILE), record.hostname)],
      cwd: dir,
      env: { PATH: helperPath(), LC_ALL: 'C', VN_ROUTE_METRIC: String(routeMetric(p.guestName)), ...(keepAddress ? { VN_KEEP_ADDRESS: '1' } : {}) },
      logFile: join(dir, udhcpcLogFile(p.guestName)),
      pidFile: join(dir, udhcpcPidFile(p.guestName)),
    });
  }

  private async startConsole(dir: string, record: VmRecord, tools: Tools): Promise<number> {
    return spawnDetached({
      file: tools.socat,
      args: consoleArgs(record.vmNetns, tools.busybox, CONSOLE_SOCKET),
      cwd: dir,
      env: { PATH: helperPath(), HOME: '/root', TERM: 'linux', PS1: `${safeHostname(record.hostname)}# ` },
      logFile: join(dir, CONSOLE_LOG),
      pidFile: join(dir, CONSOLE_PID),
    });
  }

  private async deleteHostLinks(hostNetns: string | null, names: string[]): Promise<void> {
    // The launcher namespace may already be gone, and its links with it.
    if (hostNetns !== null && !netnsExists(hostNetns)) return;
    await this.ip.run(hostNetns ?? undefined, deleteLinkLines(names), { ignore: /^Cannot find device "[^"]*"$/ });
  }

  /** Everything of the VM, in the order that lets each part go cleanly; safe on partial or absent state. */
  private async teardown(id: string, graceMs: number): Promise<void> {
    const dir = this.dir(id);
    const record = await readRecord(dir).catch(() => undefined);
    const vmNetns = await this.vmNetnsOf(id);
    const script = join(dir, SCRIPT_FILE);
    const files = await readdir(dir).catch(() => [] as string[]);
    const stopped = await Promise.all([
      killPidFile(join(dir, CONSOLE_PID),
        (argv) => (argv[0] ?? '').endsWith('socat') && argv.some((a) => a.includes(` ${vmNetns} `)), { group: true }),
      ...files.filter((f) => /^udhcpc-.+\.pid$/.test(f)).map((f) =>
        killPidFile(join(dir, f), (argv) => argv.includes('udhcpc') && argv.includes(script))),
    ]);
    // Console shells and anything exec left behind: whatever runs in the VM's namespace is the VM's.
    const known = stopped.filter((p): p is number => p !== undefined);
    const inside = (await netnsPids(vmNetns)).filter((p) => !known.includes(p));
    for (const pid of inside) {
      signal(pid, 'SIGTERM');
      signal(pid, 'SIGHUP'); // an interactive shell ignores SIGTERM; its terminal going away ends it
    }
    await reap([...known, ...inside], graceMs);
    await this.deleteHostLinks(record?.hostNetns ?? null, record?.nics.map((p) => p.nic.hostIfName) ?? []);
    if (netnsExists(vmNetns)) await this.ip.run(undefined, [`netns del ${vmNetns}`]);
    await rm(dir, { recursive: true, force: true });
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(id, fn);
  }
}

/** Waits until the console server has bound its socket (a client connecting right after start() finds it). */
async function waitForSocket(socket: string, pid: number, logFile: string): Promise<void> {
  const deadline = Date.now() + SOCKET_TIMEOUT_MS;
  while (!existsSync(socket)) {
    if (!(await isRunning(pid)) || Date.now() > deadline) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`the console server (socat, pid ${pid}) did not create ${socket}` +
        `${log.trim() === '' ? '' : `: ${log.trim().split('\n').slice(-5).join('; ')}`}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

function isVmId(name: string): boolean {
  try {
    checkVmId(name);
    return true;
  } catch {
    return false;
  }
}

/** Helpers run iproute2 from the lease script and the console shell: sbin directories must be on PATH. */
function helperPath(): string {
  const dirs = (process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin').split(':');
  for (const d of ['/usr/local/sbin', '/usr/sbin', '/sbin']) if (!dirs.includes(d)) dirs.push(d);
  return dirs.join(':');
}

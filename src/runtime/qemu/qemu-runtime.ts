// The `qemu` VM runtime: a real VM per VmLaunch. QEMU runs daemonized inside the launch's hostNetns with one
// tap per NIC on the NIC's bridge; its serial console, QMP monitor and guest-agent port are unix sockets in
// `<stateRoot>/<id>/`, next to the launch record and pid file, so any instance over the same stateRoot
// (a restarted agent) finds and controls the VM. The built-in guest boots the image `make build` made;
// a qcow2 disk boots whatever it holds, with the same NoCloud seed.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNetnsName } from '../../agent/netns.js';
import { cacheDir as defaultCacheDir, guestImagePaths } from '../image/paths.js';
import type { GuestImageManifest } from '../image/paths.js';
import { checkIfName, checkVmId } from '../runtime.js';
import type { ExecResult, GuestInterface, NicLaunch, RuntimeOptions, VmLaunch, VmRuntime, VmState } from '../runtime.js';
import { chooseAccelerator } from './accelerator.js';
import type { AcceleratorChoice } from './accelerator.js';
import { seedFiles, writeSeedIso } from './nocloud-seed.js';
import { type BootImage, guestNicMode, nicDevices, optValue, renderQemuArgv } from './qemu-argv.js';
import { parseExecPid, parseExecStatus, parseGuestInterfaces } from './qemu-protocol.js';
import { GuestAgentSession, qmp } from './qemu-session.js';
import type { QemuCommand } from './qemu-session.js';
import { createTap, deleteTap } from './tap.js';
import {
  MAX_SOCKET_PATH, SEED_DIR, exitReasonFromLog, readPid, readRecord, vmFiles, writeRecord,
} from './vm-files.js';
import type { VmRecord } from './vm-files.js';

const QEMU = 'qemu-system-x86_64';
const DEFAULT_GRACE_MS = 5_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** QEMU returns from -daemonize once the kernel is loaded and every socket and tap is open. */
const START_TIMEOUT_MS = 60_000;

export interface QemuRuntimeOptions extends RuntimeOptions {
  /** Where the guest image and the KVM probe result live (default: `$VIRTNET_CACHE` or `<repo>/.virtnet-cache`). */
  cacheDir?: string;
  /** Extra kernel command line for the built-in guest, e.g. `virtnet.debug` (boot step timestamps). */
  kernelArgs?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Alive (not a zombie) and really this VM's QEMU: pids are reused. */
function isOurQemu(pid: number, processName: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return false;
    const marker = `guest=${optValue(processName)},`;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((a) => a.startsWith(marker));
  } catch {
    return false;
  }
}

async function waitGone(pid: number, processName: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isOurQemu(pid, processName)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

function checkDistinct(nics: readonly NicLaunch[]): void {
  for (const key of ['name', 'mac', 'hostIfName'] as const) {
    const seen = new Set<string>();
    for (const n of nics) {
      if (seen.has(n[key])) throw new Error(`two NICs share the ${key} ${JSON.stringify(n[key])}`);
      seen.add(n[key]);
    }
  }
}

function checkNic(nic: NicLaunch): void {
  checkIfName(nic.hostIfName);
  checkIfName(nic.bridge);
  nicDevices(nic);
  guestNicMode(nic);
}

/** Runs QEMU (inside `netns` when given) and waits for its -daemonize parent to return. */
function launchQemu(argv: string[], netns: string | undefined, log: string): Promise<number> {
  const fd = openSync(log, 'a');
  try {
    const [cmd, args] = netns === undefined ? [QEMU, argv] : ['ip', ['netns', 'exec', netns, QEMU, ...argv]];
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd] });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${QEMU} did not finish starting within ${START_TIMEOUT_MS} ms`));
      }, START_TIMEOUT_MS);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${cmd}: ${e.message}`));
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(code ?? (signal === null ? -1 : 128));
      });
    });
  } finally {
    closeSync(fd);
  }
}

export class QemuRuntime implements VmRuntime {
  readonly kind = 'qemu' as const;
  private readonly stateRoot: string;
  private readonly netnsPrefix: string;
  private readonly cache: string;
  private readonly kernelArgs: string | undefined;
  /** Per key (`<id>:life`, `<id>:qmp`, `<id>:qga`): QEMU serves one client per socket, and one lifecycle change at a time. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(opts: QemuRuntimeOptions) {
    this.stateRoot = opts.stateRoot;
    this.netnsPrefix = opts.netnsPrefix;
    this.cache = opts.cacheDir ?? defaultCacheDir();
    this.kernelArgs = opts.kernelArgs;
  }

  private dir(id: string): string {
    return join(this.stateRoot, id);
  }

  private locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    this.locks.set(key, tail);
    void tail.then(() => {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    });
    return next;
  }

  /** The built-in guest image, as `make build` left it. */
  private async bootImage(): Promise<BootImage> {
    const paths = guestImagePaths(this.cache);
    let manifest: GuestImageManifest;
    try {
      manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as GuestImageManifest;
    } catch {
      throw new Error(`the built-in guest image is not built (no ${paths.manifest}): run \`make build\``);
    }
    const image = { kernel: join(paths.image, manifest.kernelFile), initrd: paths.initrd };
    for (const f of [image.kernel, image.initrd]) {
      if (!existsSync(f)) throw new Error(`the built-in guest image is incomplete (no ${f}): run \`make build\``);
    }
    return image;
  }

  /** The accelerator for new VMs (probing KVM once per host boot). */
  async accelerator(): Promise<AcceleratorChoice> {
    let image: BootImage;
    try {
      image = await this.bootImage();
    } catch (e) {
      return { accelerator: 'tcg', reason: `no guest image to probe KVM with (${(e as Error).message})` };
    }
    return chooseAccelerator(this.cache, image);
  }

  async start(launch: VmLaunch): Promise<void> {
    const { id } = launch;
    checkVmId(id);
    if (launch.hostNetns !== undefined) checkNetnsName(launch.hostNetns);
    for (const nic of launch.nics) checkNic(nic);
    checkDistinct(launch.nics);
    const dir = this.dir(id);
    const files = vmFiles(dir);
    for (const sock of [files.consoleSock, files.qmpSock, files.qgaSock]) {
      if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) {
        throw new Error(`socket path ${sock} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter stateRoot`);
      }
    }
    const image = launch.disk.kind === 'builtin' ? await this.bootImage() : undefined;
    const accel = await this.accelerator();
    const processName = `${this.netnsPrefix}${id}`;
    // Rendered before anything exists: a launch QEMU cannot take is refused with nothing to undo.
    const argv = renderQemuArgv({
      launch, files, accelerator: accel.accelerator, processName,
      ...(image === undefined ? {} : { image }), ...(this.kernelArgs === undefined ? {} : { kernelArgs: this.kernelArgs }),
    });
    await this.locked(`${id}:life`, async () => {
      await mkdir(this.stateRoot, { recursive: true });
      try {
        await mkdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`VM ${id} already exists (${dir})`);
        throw e;
      }
      const record: VmRecord = {
        version: 1, launch, processName, accelerator: accel.accelerator,
        acceleratorReason: accel.reason, hotplugged: [],
      };
      try {
        await writeRecord(dir, record);
        await mkdir(join(dir, SEED_DIR));
        await writeSeedIso(join(dir, SEED_DIR), files.seedIso, seedFiles(launch));
        for (const nic of launch.nics) await createTap(launch.hostNetns, nic.hostIfName, nic.bridge);
        const code = await launchQemu(argv, launch.hostNetns, files.log);
        const pid = await readPid(dir);
        if (code !== 0 || pid === undefined || !isOurQemu(pid, record.processName)) {
          const log = await readFile(files.log, 'utf8').catch(() => '');
          throw new Error(`${QEMU} failed to start VM ${id} (exit ${code}): ${log.trim().split('\n').slice(-5).join('\n')}`);
        }
        await writeRecord(dir, { ...record, pid, logBytesAtStart: (await stat(files.log)).size });
      } catch (e) {
        await this.teardown(id, 0).catch(() => undefined);
        throw e;
      }
    });
  }

  stop(id: string, opts: { graceMs?: number } = {}): Promise<void> {
    checkVmId(id);
    return this.locked(`${id}:life`, () => this.teardown(id, opts.graceMs ?? DEFAULT_GRACE_MS));
  }

  /** Power button, then QMP quit, then SIGKILL; then the taps and the state directory. */
  private async teardown(id: string, graceMs: number): Promise<void> {
    const dir = this.dir(id);
    const record = await readRecord(dir).catch(() => undefined);
    const pid = record?.pid ?? await readPid(dir);
    if (record !== undefined && pid !== undefined && isOurQemu(pid, record.processName)) {
      let gone = false;
      if (graceMs > 0) {
        await this.qmp(id, [{ execute: 'system_powerdown' }], 2_000).catch(() => undefined);
        gone = await waitGone(pid, record.processName, graceMs);
      }
      if (!gone) {
        await this.qmp(id, [{ execute: 'quit' }], 2_000).catch(() => undefined);
        gone = await waitGone(pid, record.processName, 2_000);
      }
      if (!gone) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* exited meanwhile */ }
        if (!await waitGone(pid, record.processName, 5_000)) throw new Error(`QEMU of VM ${id} (pid ${pid}) survives SIGKILL`);
      }
    }
    if (record !== undefined) {
      for (const nic of [...record.launch.nics, ...record.hotplugged]) {
        await deleteTap(record.launch.hostNetns, nic.hostIfName);
      }
    }
    await rm(dir, { recursive: true, force: true });
  }

  async state(id: string): Promise<VmState> {
    checkVmId(id);
    const dir = this.dir(id);
    const record = await readRecord(dir);
    if (record === undefined) return { running: false };
    const pid = record.pid ?? await readPid(dir);
    if (pid !== undefined && isOurQemu(pid, record.processName)) return { running: true, accelerator: record.accelerator };
    const log = await readFile(vmFiles(dir).log).catch(() => Buffer.alloc(0));
    return {
      running: false,
      exitReason: exitReasonFromLog(log.subarray(record.logBytesAtStart ?? 0).toString('utf8'), pid !== undefined),
      accelerator: record.accelerator,
    };
  }

  async list(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.stateRoot);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const ids: string[] = [];
    for (const n of names.sort()) if (existsSync(join(this.stateRoot, n, 'vm.json'))) ids.push(n);
    return ids;
  }

  private async running(id: string): Promise<VmRecord> {
    checkVmId(id);
    const dir = this.dir(id);
    const record = await readRecord(dir);
    const pid = record?.pid ?? await readPid(dir);
    if (record === undefined || pid === undefined || !isOurQemu(pid, record.processName)) {
      const why = record === undefined ? 'no such VM' : (await this.state(id)).exitReason;
      throw new Error(`VM ${id} is not running${why === undefined ? '' : ` (${why})`}`);
    }
    return record;
  }

  private qmp(id: string, commands: QemuCommand[], timeoutMs = 10_000): Promise<unknown[]> {
    return this.locked(`${id}:qmp`, () => qmp(vmFiles(this.dir(id)).qmpSock, commands, timeoutMs));
  }

  private withAgent<T>(id: string, fn: (s: GuestAgentSession) => Promise<T>): Promise<T> {
    return this.locked(`${id}:qga`, async () => {
      const session = await GuestAgentSession.open(vmFiles(this.dir(id)).qgaSock).catch(async (e: unknown) => {
        await this.running(id); // a VM that stopped meanwhile says so rather than "cannot connect"
        throw e;
      });
      try {
        return await fn(session);
      } finally {
        session.close();
      }
    });
  }

  async guestInterfaces(id: string): Promise<GuestInterface[]> {
    await this.running(id);
    return this.withAgent(id, async (s) => parseGuestInterfaces(await s.call('guest-network-get-interfaces')));
  }

  async exec(id: string, argv: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<ExecResult> {
    const [path, ...args] = argv;
    if (path === undefined) throw new Error('exec: empty command');
    await this.running(id);
    const deadline = Date.now() + (opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
    const request: Record<string, unknown> = { path, arg: args, 'capture-output': true };
    if (opts.input !== undefined) request['input-data'] = Buffer.from(opts.input, 'utf8').toString('base64');
    const timedOut = (): Error => new Error(`exec in VM ${id}: ${JSON.stringify(argv)} did not finish within ${opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS} ms`);
    // Short commands are polled on the session that started them; longer ones release the agent between
    // polls so guestInterfaces() and other execs of the VM are not held up.
    const { pid, status } = await this.withAgent(id, async (s) => {
      const pid = parseExecPid(await s.call('guest-exec', request));
      for (let delay = 20; ; delay = Math.min(delay * 2, 320)) {
        const status = parseExecStatus(await s.call('guest-exec-status', { pid }));
        if (status.exited || delay >= 320 || Date.now() > deadline) return { pid, status };
        await sleep(delay);
      }
    });
    let last = status;
    while (!last.exited) {
      if (Date.now() > deadline) throw timedOut();
      await sleep(500);
      last = await this.withAgent(id, async (s) => parseExecStatus(await s.call('guest-exec-status', { pid })));
    }
    return { exitCode: last.exitCode, stdout: last.stdout, stderr: last.stderr };
  }

  consoleSocket(id: string): string {
    checkVmId(id);
    return vmFiles(this.dir(id)).consoleSock;
  }

  async hotplugNic(id: string, nic: NicLaunch): Promise<void> {
    checkNic(nic);
    await this.locked(`${id}:life`, async () => {
      const record = await this.running(id);
      checkDistinct([...record.launch.nics, ...record.hotplugged, nic]);
      const dir = this.dir(id);
      const mode = guestNicMode(nic);
      if (record.launch.disk.kind === 'builtin' && mode !== 'dhcp') {
        // The built-in guest reads a NIC's mode when the NIC appears; tell it before plugging.
        const r = await this.exec(id, ['sh', '-c', 'mkdir -p /run/virtnet/nic && echo "$1" >"/run/virtnet/nic/$0"', nic.mac, mode]);
        if (r.exitCode !== 0) throw new Error(`VM ${id}: cannot record the mode of NIC ${nic.name}: ${r.stderr}`);
      }
      await writeRecord(dir, { ...record, hotplugged: [...record.hotplugged, nic] });
      const { netdev, device } = nicDevices(nic);
      try {
        await createTap(record.launch.hostNetns, nic.hostIfName, nic.bridge);
        await this.qmp(id, [{ execute: 'netdev_add', arguments: { ...netdev } }]);
        try {
          await this.qmp(id, [{ execute: 'device_add', arguments: { ...device } }]);
        } catch (e) {
          await this.qmp(id, [{ execute: 'netdev_del', arguments: { id: netdev.id } }]).catch(() => undefined);
          throw e;
        }
      } catch (e) {
        await deleteTap(record.launch.hostNetns, nic.hostIfName).catch(() => undefined);
        await writeRecord(dir, record).catch(() => undefined);
        throw e;
      }
    });
  }
}

// The `qemu` VM runtime: a real VM per VmLaunch. QEMU runs daemonized inside the launch's hostNetns with one
// tap per NIC on the NIC's bridge; its serial console, QMP monitor and guest-agent port are unix sockets in
// `<stateRoot>/<id>/`, next to the launch record and pid file, so any instance over the same stateRoot
// (a restarted agent) finds and controls the VM. The built-in guest boots the image `make build` made;
// a qcow2 disk boots whatever it holds, with the same NoCloud seed.

import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkNetnsName } from '../../agent/netns.js';
import { cacheDir as defaultCacheDir, guestImagePaths } from '../image/paths.js';
import type { GuestImageManifest } from '../image/paths.js';
import { checkIfName, checkVmId } from '../runtime.js';
import type {
  ExecResult, GuestInterface, MigrationTarget, NicLaunch, RuntimeOptions, VmLaunch, VmRuntime, VmState,
} from '../runtime.js';
import { chooseAccelerator } from './accelerator.js';
import { incomingLaunch, parseMigrateStatus } from './migrate-plan.js';
import type { AcceleratorChoice } from './accelerator.js';
import { seedFiles, writeSeedIso } from './nocloud-seed.js';
import { type BootImage, guestNicMode, nicDevices, optValue, renderQemuArgv } from './qemu-argv.js';
import { parseExecPid, parseExecStatus, parseGuestInterfaces } from './qemu-protocol.js';
import { GuestAgentSession, qmp } from './qemu-session.js';
import type { QemuCommand } from './qemu-session.js';
import { createTap, deleteTap } from './tap.js';
import {
  INCOMING_RECORD, MAX_SOCKET_PATH, SEED_DIR, exitReasonFromLog, migrateSocket, readPid, readRecord, vmFiles, writeRecord,
} from './vm-files.js';
import type { IncomingRecord, VmRecord } from './vm-files.js';
import { logExec } from '../../agent/exec-log.js';

const QEMU = 'qemu-system-x86_64';
const DEFAULT_GRACE_MS = 5_000;
const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
/** QEMU returns from -daemonize once the kernel is loaded and every socket and tap is open. */
const START_TIMEOUT_MS = 60_000;
/** A migration still not done after this is cancelled (the VM keeps running on the source). */
const MIGRATE_TIMEOUT_MS = 180_000;
/** Both QEMUs are on one machine: the default 128 MiB/s cap only slows the copy down. */
const MIGRATE_MAX_BANDWIDTH = 8 * 1024 ** 3;

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

function checkSocketPaths(paths: readonly string[]): void {
  for (const sock of paths) {
    if (Buffer.byteLength(sock) > MAX_SOCKET_PATH) {
      throw new Error(`socket path ${sock} is longer than ${MAX_SOCKET_PATH} bytes: use a shorter stateRoot`);
    }
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch { /* exited meanwhile */ }
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
    logExec({ argv: [cmd, ...args] });
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
  private readonly locks = new KeyedSerializer();

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
    return this.locks.run(key, fn);
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
    checkSocketPaths([files.consoleSock, files.qmpSock, files.qgaSock]);
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

  /**
   * Target side of a live migration: the VM's state dir under the target's stateRoot (where this node's
   * runtime finds it by id afterwards), the taps on the target launcher's bridges, and `incoming.json`
   * naming them. The incoming QEMU itself is started by the source's migrate(): only the source knows the
   * VM's machine (memory, CPUs, disk, seed), and both nodes are this machine.
   */
  async prepareIncoming(id: string, target: MigrationTarget): Promise<MigrationTarget> {
    checkVmId(id);
    if (target.hostNetns !== undefined) checkNetnsName(target.hostNetns);
    for (const nic of target.nics) checkNic(nic);
    checkDistinct(target.nics);
    const dir = join(target.stateRoot, id);
    const files = vmFiles(dir);
    checkSocketPaths([files.consoleSock, files.qmpSock, files.qgaSock, migrateSocket(dir)]);
    return this.locked(`${id}:life`, async () => {
      await mkdir(target.stateRoot, { recursive: true });
      try {
        await mkdir(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`VM ${id} already exists here (${dir})`);
        throw e;
      }
      const incoming: IncomingRecord = { hostNetns: target.hostNetns, nics: target.nics };
      const made: NicLaunch[] = [];
      try {
        await writeFile(join(dir, INCOMING_RECORD), `${JSON.stringify(incoming, null, 2)}\n`);
        for (const nic of target.nics) {
          await createTap(target.hostNetns, nic.hostIfName, nic.bridge);
          made.push(nic);
        }
      } catch (e) {
        for (const nic of made) await deleteTap(target.hostNetns, nic.hostIfName).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
      return { ...target, uri: `unix:${migrateSocket(dir)}` };
    });
  }

  /**
   * Source side: starts the incoming QEMU in the target launcher (same machine and devices, the target's
   * taps, its state dir), streams the VM to it over the unix socket (QMP `migrate`, `query-migrate` until
   * completed), then quits this QEMU and removes its taps and state dir. On completion QEMU announces the
   * NICs' MACs from the target (RARP self-announce; virtio-net also asks the guest for gratuitous ARPs), so
   * the bridges learn the new port. On failure the target QEMU is killed and the VM runs on here.
   */
  async migrate(id: string, target: MigrationTarget): Promise<void> {
    checkVmId(id);
    if (target.hostNetns !== undefined) checkNetnsName(target.hostNetns);
    for (const nic of target.nics) checkNic(nic);
    await this.locked(`${id}:life`, async () => {
      const record = await this.running(id);
      const tdir = join(target.stateRoot, id);
      if (resolve(tdir) === resolve(this.dir(id))) throw new Error(`migrate: VM ${id} already lives in ${tdir}`);
      const prepared = await readFile(join(tdir, INCOMING_RECORD), 'utf8').catch(() => undefined);
      if (prepared === undefined) throw new Error(`migrate: the target ${tdir} is not prepared (no ${INCOMING_RECORD})`);
      if (await readRecord(tdir) !== undefined) throw new Error(`migrate: the target ${tdir} already holds a VM`);
      const launch = incomingLaunch(record.launch, record.hotplugged, target);
      const uri = target.uri ?? `unix:${migrateSocket(tdir)}`;
      const files = vmFiles(tdir);
      const image = launch.disk.kind === 'builtin' ? await this.bootImage() : undefined;
      const argv = renderQemuArgv({
        launch, files, accelerator: record.accelerator, processName: record.processName, incoming: uri,
        ...(image === undefined ? {} : { image }), ...(this.kernelArgs === undefined ? {} : { kernelArgs: this.kernelArgs }),
      });
      const incoming: VmRecord = {
        version: 1, launch, processName: record.processName, accelerator: record.accelerator,
        acceleratorReason: record.acceleratorReason, hotplugged: [], incoming: true,
      };
      let targetPid: number | undefined;
      try {
        await writeRecord(tdir, incoming);
        await mkdir(join(tdir, SEED_DIR), { recursive: true });
        await writeSeedIso(join(tdir, SEED_DIR), files.seedIso, seedFiles(launch));
        const code = await launchQemu(argv, launch.hostNetns, files.log);
        targetPid = await readPid(tdir);
        if (code !== 0 || targetPid === undefined || !isOurQemu(targetPid, record.processName)) {
          const log = await readFile(files.log, 'utf8').catch(() => '');
          throw new Error(`${QEMU} failed to start the incoming VM ${id} (exit ${code}): ${log.trim().split('\n').slice(-5).join('\n')}`);
        }
        await writeRecord(tdir, { ...incoming, pid: targetPid, logBytesAtStart: (await stat(files.log)).size });
        await this.streamTo(id, uri);
      } catch (e) {
        if (targetPid !== undefined) {
          killPid(targetPid);
          await waitGone(targetPid, record.processName, 5_000);
        }
        // Back to what prepareIncoming left: abortIncoming (or a retry) finds the taps through incoming.json.
        for (const f of ['vm.json', 'qemu.pid']) await unlink(join(tdir, f)).catch(() => undefined);
        throw e;
      }
      const done = await readRecord(tdir);
      if (done !== undefined) {
        const { incoming: _dropped, ...owned } = done;
        await writeRecord(tdir, owned);
      }
      await unlink(join(tdir, INCOMING_RECORD)).catch(() => undefined);
      // This QEMU is paused (postmigrate) and its guest lives on in the target: no power button, just quit.
      await this.teardown(id, 0);
    });
  }

  /** QMP migrate on the source QEMU and waits for the outcome; a failed or overdue migration rejects. */
  private async streamTo(id: string, uri: string): Promise<void> {
    await this.qmp(id, [
      { execute: 'migrate-set-parameters', arguments: { 'max-bandwidth': MIGRATE_MAX_BANDWIDTH } },
      { execute: 'migrate', arguments: { uri } },
    ]);
    const deadline = Date.now() + MIGRATE_TIMEOUT_MS;
    for (;;) {
      const [answer] = await this.qmp(id, [{ execute: 'query-migrate' }]);
      const p = parseMigrateStatus(answer);
      if (p.state === 'completed') return;
      if (p.state === 'failed') throw new Error(`migration of VM ${id} failed: ${p.reason}`);
      if (Date.now() > deadline) {
        await this.qmp(id, [{ execute: 'migrate_cancel' }]).catch(() => undefined);
        throw new Error(`migration of VM ${id} did not complete within ${MIGRATE_TIMEOUT_MS} ms (last status ${p.status}); cancelled`);
      }
      await sleep(20);
    }
  }

  /**
   * Target side after a failed migration: the incoming QEMU (only while it is still marked incoming: a VM
   * that arrived is left alone), its taps and its state dir.
   */
  async abortIncoming(id: string): Promise<void> {
    checkVmId(id);
    await this.locked(`${id}:life`, async () => {
      const dir = this.dir(id);
      const record = await readRecord(dir).catch(() => undefined);
      if (record !== undefined && record.incoming !== true) return;
      if (record?.pid !== undefined && isOurQemu(record.pid, record.processName)) {
        killPid(record.pid);
        if (!await waitGone(record.pid, record.processName, 5_000)) throw new Error(`incoming QEMU of VM ${id} (pid ${record.pid}) survives SIGKILL`);
      }
      const prepared = await readFile(join(dir, INCOMING_RECORD), 'utf8').then((t) => JSON.parse(t) as IncomingRecord).catch(() => undefined);
      const launcher = prepared ?? (record === undefined ? undefined : { hostNetns: record.launch.hostNetns, nics: record.launch.nics });
      if (record === undefined && prepared === undefined) return;
      for (const nic of launcher?.nics ?? []) await deleteTap(launcher?.hostNetns, nic.hostIfName);
      await rm(dir, { recursive: true, force: true });
    });
  }
}

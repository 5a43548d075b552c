// Builds the built-in guest image (a Debian kernel + a busybox initramfs) from Debian packages, without
// installing them on the host: `apt-get download` into the cache, `dpkg-deb -x` into a scratch directory,
// then an initramfs written by our own cpio writer. Nothing is rebuilt while the inputs hash is unchanged.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type AptPackage, debFileName, kernelDependency, parseAptShow } from './apt.js';
import { bzImagePayload, hasPvhEntry } from './bzimage.js';
import { type CpioEntry, missingParents, writeCpio } from './cpio.js';
import { loadOrder, moduleDepends, moduleName, readModinfo } from './kmod.js';
import { type GuestImageManifest, type GuestImagePaths, cacheDir, guestImagePaths } from './paths.js';

/** Bump when the way the image is assembled changes (it is part of the inputs hash). */
const BUILDER_VERSION = 2;

const KERNEL_METAPACKAGE = 'linux-image-amd64';
const BUSYBOX_PACKAGE = 'busybox-static';

/**
 * Modules the guest loads, in this order after their dependencies: PCI virtio transport, NICs (virtio and
 * the emulated models KubeVirt offers), the guest-agent port, the NoCloud seed disk, and the ACPI power
 * button (QMP system_powerdown) read by busybox acpid through evdev. AF_PACKET (udhcpc) is built in.
 */
export const GUEST_MODULES = [
  'virtio_pci', 'virtio_net', 'e1000', 'e1000e', 'virtio_console', 'virtio_blk', 'isofs', 'button', 'evdev',
];

const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['sbin', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755], ['etc', 0o755], ['proc', 0o555],
  ['sys', 0o555], ['dev', 0o755], ['run', 0o755], ['tmp', 0o1777], ['mnt', 0o755], ['root', 0o700],
  ['home', 0o755], ['var', 0o755], ['lib/modules', 0o755],
];

/** Guest files whose mode git cannot carry. */
const MODE_OVERRIDES: Record<string, number> = { 'etc/shadow': 0o600 };

export interface BuildOptions {
  cache?: string;
  /** Rebuild even when the inputs hash matches. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  manifest: GuestImageManifest;
  paths: GuestImagePaths;
  rebuilt: boolean;
}

interface CommandOutput {
  stdout: Buffer;
  stderr: string;
}

/** execFile with an argument array, a cwd and binary stdout; rejects with stderr in the message. */
function command(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, {
      cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, killSignal: 'SIGKILL', encoding: 'buffer',
      maxBuffer: 512 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' },
    }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `${cmd} is not installed` : err.message;
        reject(new Error(`${[cmd, ...args].join(' ')}: ${why}\n${stderr.toString('utf8').trim()}`));
        return;
      }
      resolve({ stdout, stderr: stderr.toString('utf8') });
    });
  });
}

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

type Pkg = Pick<AptPackage, 'name' | 'version' | 'architecture'>;

async function aptShow(...names: string[]): Promise<AptPackage[]> {
  const all = parseAptShow((await command('apt-cache', ['show', '--no-all-versions', ...names])).stdout.toString('utf8'));
  return names.map((n) => {
    const p = all.find((x) => x.name === n);
    if (p === undefined) throw new Error(`apt-cache show: no candidate for ${n}`);
    return p;
  });
}

/** The kernel and busybox packages apt would install now; refreshes apt's lists once if it knows neither. */
async function resolvePackages(log: (l: string) => void): Promise<{ kernel: Pkg; busybox: Pkg }> {
  // One apt-cache run when the metapackage pins its kernel's version (each run parses apt's whole cache).
  const attempt = async (): Promise<{ kernel: Pkg; busybox: Pkg }> => {
    const [meta, busybox] = await aptShow(KERNEL_METAPACKAGE, BUSYBOX_PACKAGE);
    const dep = kernelDependency(meta!);
    const kernel = dep.version === undefined ? (await aptShow(dep.name))[0]!
      : { name: dep.name, version: dep.version, architecture: meta!.architecture };
    return { kernel, busybox: busybox! };
  };
  try {
    return await attempt();
  } catch (first) {
    log(`apt does not know the packages yet (${(first as Error).message.split('\n')[0]}); running apt-get update`);
    await command('apt-get', ['update', '-qq'], { timeoutMs: 300_000 });
    return attempt();
  }
}

async function download(p: Pkg, debs: string, log: (l: string) => void): Promise<string> {
  const file = join(debs, debFileName(p));
  if (existsSync(file) && (await stat(file)).size > 0) return file;
  log(`downloading ${p.name} ${p.version}`);
  // apt drops privileges to _apt for downloads, which cannot write into a root-owned cache directory.
  const sandbox = process.getuid?.() === 0 ? ['-o', 'APT::Sandbox::User=root'] : [];
  await command('apt-get', [...sandbox, 'download', '-q', `${p.name}=${p.version}`], { cwd: debs, timeoutMs: 600_000 });
  if (!existsSync(file)) throw new Error(`apt-get download ${p.name}=${p.version} did not write ${file}`);
  return file;
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await walk(p));
    else out.push(p);
  }
  return out;
}

interface RootfsFile {
  path: string;
  mode: number;
  data: Buffer;
}

async function readRootfs(rootfs: string): Promise<RootfsFile[]> {
  const files: RootfsFile[] = [];
  for (const abs of (await walk(rootfs)).sort()) {
    const path = relative(rootfs, abs);
    const exec = ((await stat(abs)).mode & 0o111) !== 0;
    files.push({ path, mode: MODE_OVERRIDES[path] ?? (exec ? 0o755 : 0o644), data: await readFile(abs) });
  }
  return files;
}

function inputsHash(kernelDeb: string, busyboxDeb: string, rootfs: RootfsFile[]): string {
  return sha256(JSON.stringify({
    builder: BUILDER_VERSION,
    kernelDeb,
    busyboxDeb,
    modules: GUEST_MODULES,
    rootfs: rootfs.map((f) => [f.path, f.mode, sha256(f.data)]),
  }));
}

async function decompressModule(file: string): Promise<Buffer> {
  if (file.endsWith('.ko')) return readFile(file);
  if (file.endsWith('.ko.gz')) return gunzipSync(await readFile(file));
  if (file.endsWith('.ko.xz')) return (await command('xz', ['-dc', file])).stdout;
  if (file.endsWith('.ko.zst')) return (await command('zstd', ['-dc', file])).stdout;
  throw new Error(`unknown module file type: ${file}`);
}

async function findOne(dir: string, pattern: RegExp, what: string): Promise<string> {
  const names = existsSync(dir) ? (await readdir(dir)).filter((n) => pattern.test(n)) : [];
  if (names.length !== 1) throw new Error(`expected one ${what} in ${dir}, found ${names.length}: ${names.join(', ')}`);
  return join(dir, names[0]!);
}

interface KernelModules {
  version: string;
  order: string[];
  data: Map<string, Buffer>;
}

async function collectModules(kernelRoot: string): Promise<KernelModules> {
  // Debian 13 ships modules under /usr/lib (merged /usr), Debian 12 under /lib.
  const base = [join(kernelRoot, 'usr/lib/modules'), join(kernelRoot, 'lib/modules')].find((d) => existsSync(d));
  if (base === undefined) throw new Error(`no lib/modules in the kernel package (${kernelRoot})`);
  const version = relative(base, await findOne(base, /./, 'kernel version directory'));
  const byName = new Map<string, string>();
  for (const f of await walk(join(base, version, 'kernel'))) {
    if (/\.ko(\.(xz|zst|gz))?$/.test(f)) byName.set(moduleName(f), f);
  }
  const data = new Map<string, Buffer>();
  const deps = new Map<string, string[]>();
  // loadOrder asks synchronously; read the whole dependency closure first.
  const pending = GUEST_MODULES.map(moduleName);
  while (pending.length > 0) {
    const name = pending.pop()!;
    const file = byName.get(name);
    if (deps.has(name) || file === undefined) continue;
    const ko = await decompressModule(file);
    data.set(name, ko);
    const d = moduleDepends(readModinfo(ko));
    deps.set(name, d);
    pending.push(...d);
  }
  const order = loadOrder(GUEST_MODULES, (n) => deps.get(n));
  return { version, order, data };
}

async function busyboxApplets(busybox: string): Promise<string[]> {
  const out = (await command(busybox, ['--list-full'])).stdout.toString('utf8');
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

function initramfsEntries(rootfs: RootfsFile[], busybox: Buffer, applets: string[], modules: KernelModules): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const taken = new Set<string>();
  const add = (e: CpioEntry): void => {
    if (taken.has(e.path)) return;
    taken.add(e.path);
    entries.push(e);
  };
  // Guest files first: they win over applet links of the same name.
  for (const f of rootfs) add({ kind: 'file', path: f.path, data: f.data, mode: f.mode });
  for (const [path, mode] of DIRS) add({ kind: 'dir', path, mode });
  add({ kind: 'chardev', path: 'dev/console', major: 5, minor: 1, mode: 0o600 });
  // Set-uid root, as cloud images give their default user root (sudo): busybox keeps root only for the
  // applets that need it (ping for the console user) and drops it for the others.
  add({ kind: 'file', path: 'bin/busybox', data: busybox, mode: 0o4755 });
  for (const a of applets) add({ kind: 'symlink', path: a, target: '/bin/busybox' });
  for (const name of modules.order) add({ kind: 'file', path: `lib/modules/${name}.ko`, data: modules.data.get(name)!, mode: 0o644 });
  add({ kind: 'file', path: 'lib/modules/load-order', data: Buffer.from(`${modules.order.join('\n')}\n`), mode: 0o644 });
  for (const dir of missingParents(entries.map((e) => e.path))) add({ kind: 'dir', path: dir, mode: 0o755 });
  // A plain sort puts every directory before what it holds, which the kernel's unpacker needs.
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The uncompressed kernel when it has a PVH entry point (see bzimage.ts), else the bzImage itself. */
async function bootableKernel(vmlinuz: string, work: string): Promise<{ pvh: boolean; data: Buffer }> {
  const bz = await readFile(vmlinuz);
  const payload = bzImagePayload(bz);
  let elf: Buffer | undefined;
  if (payload.format === 'gzip') {
    elf = gunzipSync(payload.data);
  } else if (payload.format === 'xz' || payload.format === 'zstd') {
    const file = join(work, `payload.${payload.format}`);
    await writeFile(file, payload.data);
    elf = payload.format === 'xz'
      ? (await command('xz', ['-dc', '--single-stream', file])).stdout
      : (await command('zstd', ['-dc', file])).stdout;
  }
  return elf !== undefined && hasPvhEntry(elf) ? { pvh: true, data: elf } : { pvh: false, data: bz };
}

async function readManifest(file: string): Promise<GuestImageManifest | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GuestImageManifest;
  } catch {
    return undefined;
  }
}

async function writeAtomically(file: string, data: Buffer | string): Promise<void> {
  await writeFile(`${file}.tmp`, data);
  await rename(`${file}.tmp`, file);
}

/** Builds the image unless it is up to date; returns its manifest. */
export async function buildGuestImage(opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? ((): void => undefined);
  const paths = guestImagePaths(opts.cache ?? cacheDir());
  await mkdir(paths.debs, { recursive: true });
  await mkdir(paths.image, { recursive: true });
  const existing = await readManifest(paths.manifest);
  const rootfs = await readRootfs(paths.rootfs);

  let kernelPkg: Pkg;
  let busyboxPkg: Pkg;
  try {
    ({ kernel: kernelPkg, busybox: busyboxPkg } = await resolvePackages(log));
  } catch (e) {
    // Offline: what was downloaded before still builds the image.
    const cached = existing === undefined ? undefined : {
      kernel: join(paths.debs, existing.kernelPackage), busybox: join(paths.debs, existing.busyboxPackage) };
    if (cached === undefined || !existsSync(cached.kernel) || !existsSync(cached.busybox)) throw e;
    log(`apt cannot resolve the packages (${(e as Error).message.split('\n')[0]}); using the cached ones`);
    const fromFile = (f: string): Pkg => {
      const [name, version, architecture] = f.slice(f.lastIndexOf('/') + 1).replace(/\.deb$/, '').split('_');
      return { name: name!, version: version!.replace(/%3a/g, ':'), architecture: architecture! };
    };
    kernelPkg = fromFile(cached.kernel);
    busyboxPkg = fromFile(cached.busybox);
  }
  const hash = inputsHash(debFileName(kernelPkg), debFileName(busyboxPkg), rootfs);
  if (opts.force !== true && existing?.inputsHash === hash && existsSync(join(paths.image, existing.kernelFile))
    && existsSync(paths.initrd)) {
    log(`up to date (kernel ${existing.kernelVersion}, inputs ${hash.slice(0, 12)})`);
    return { manifest: existing, paths, rebuilt: false };
  }

  const kernelDeb = await download(kernelPkg, paths.debs, log);
  const busyboxDeb = await download(busyboxPkg, paths.debs, log);
  const work = join(paths.image, '..', `work-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await mkdir(join(work, 'kernel'), { recursive: true });
  await mkdir(join(work, 'busybox'), { recursive: true });
  try {
    log(`extracting ${debFileName(kernelPkg)}`);
    await command('dpkg-deb', ['-x', kernelDeb, join(work, 'kernel')], { timeoutMs: 300_000 });
    await command('dpkg-deb', ['-x', busyboxDeb, join(work, 'busybox')]);
    const vmlinuz = await findOne(join(work, 'kernel', 'boot'), /^vmlinuz-/, 'vmlinuz');
    const modules = await collectModules(join(work, 'kernel'));
    log(`kernel ${modules.version}; modules: ${modules.order.join(' ')}`);
    const busyboxBin = [join(work, 'busybox/bin/busybox'), join(work, 'busybox/usr/bin/busybox')].find((f) => existsSync(f));
    if (busyboxBin === undefined) throw new Error(`no busybox binary in ${busyboxDeb}`);
    const applets = await busyboxApplets(busyboxBin);
    const entries = initramfsEntries(rootfs, await readFile(busyboxBin), applets, modules);
    const initrd = gzipSync(writeCpio(entries), { level: 9 });
    log(`initramfs: ${entries.length} entries, ${(initrd.length / 1024).toFixed(0)} KiB gzip'd`);

    const kernel = await bootableKernel(vmlinuz, work);
    const kernelFile = kernel.pvh ? 'vmlinux' : 'vmlinuz';
    log(kernel.pvh ? `kernel: uncompressed for PVH boot (${(kernel.data.length / 1024 / 1024).toFixed(0)} MiB)`
      : 'kernel: no PVH entry, booting the bzImage');
    await writeAtomically(join(paths.image, kernelFile), kernel.data);
    await rm(join(paths.image, kernel.pvh ? 'vmlinuz' : 'vmlinux'), { force: true });
    await writeAtomically(paths.initrd, initrd);
    const kernelData = kernel.data;
    const manifest: GuestImageManifest = {
      inputsHash: hash,
      kernelPackage: debFileName(kernelPkg),
      kernelVersion: modules.version,
      kernelFile,
      busyboxPackage: debFileName(busyboxPkg),
      modules: modules.order,
      kernelSha256: sha256(kernelData),
      initrdSha256: sha256(initrd),
      kernelBytes: kernelData.length,
      initrdBytes: initrd.length,
      builtAt: new Date().toISOString(),
    };
    await writeAtomically(paths.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    // Older package versions are dead weight once a newer image is built from the current ones.
    const keep = new Set([manifest.kernelPackage, manifest.busyboxPackage]);
    for (const f of await readdir(paths.debs)) if (f.endsWith('.deb') && !keep.has(f)) await rm(join(paths.debs, f), { force: true });
    return { manifest, paths, rebuilt: true };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}


/**
 * The image as it is, built first only when there is none: no apt query when it exists (tests, first runs;
 * `make build` is what keeps it current).
 */
export async function ensureGuestImage(opts: BuildOptions = {}): Promise<GuestImageManifest> {
  const paths = guestImagePaths(opts.cache ?? cacheDir());
  const existing = await readManifest(paths.manifest);
  if (existing !== undefined && existsSync(join(paths.image, existing.kernelFile)) && existsSync(paths.initrd)) return existing;
  return (await buildGuestImage(opts)).manifest;
}

// Start-up of the qemu VM runtime: per round one built-in-guest VM with one NIC on a bridge served by dnsmasq;
// time from start() to dnsmasq's lease for the NIC's MAC and to the guest agent reporting that address.
// Baseline in the same run: a bare `qemu-system-x86_64` (same kernel and initramfs, same tap/bridge/NIC,
// no runtime: no seed ISO, no control sockets, no daemonize) to its first serial output and to its lease.
// TCG always; KVM only where the runtime's KVM boot probe passes (else its result is printed).
// Usage (root): node dist/bench/runtime/qemu-start-bench.js [--rounds N (default 5)]
// Everything is named vn-t<random6>-… and removed at the end, on error and on Ctrl-C.

import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ensureGuestImage } from '../../src/runtime/image/guest-image-builder.js';
import { cacheDir, guestImagePaths } from '../../src/runtime/image/paths.js';
import type { GuestImageManifest } from '../../src/runtime/image/paths.js';
import { QemuRuntime } from '../../src/runtime/qemu/qemu-runtime.js';
import { createTap, deleteTap } from '../../src/runtime/qemu/tap.js';
import { createTestNetwork, destroyRun, newRunId, readLeases } from '../../test/runtime/test-network.js';
import type { TestNetwork } from '../../test/runtime/test-network.js';
import { max, ms, pct, ratio, table } from '../vm/stats.js';

const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(option('--rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new Error('--rounds takes a whole number from 1 to 50');
if (process.getuid?.() !== 0) throw new Error('run as root: the benchmark creates network namespaces and taps');

const RUN = newRunId();
const TIMEOUT_MS = 180_000;
const sleep = (t: number): Promise<void> => new Promise((r) => setTimeout(r, t));
let macSeq = 0;
const nextMac = (): string => `02:${RUN.slice(4, 6)}:${RUN.slice(6, 8)}:${RUN.slice(8, 10)}:01:${(++macSeq).toString(16).padStart(2, '0')}`;

async function leaseOf(net: TestNetwork, mac: string): Promise<string | undefined> {
  return (await readLeases(net)).find((l) => l.mac === mac)?.ip;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${TIMEOUT_MS} ms`);
    await sleep(20);
  }
}

interface Sample { lease: number; agent: number }

async function runtimeRound(net: TestNetwork, rt: QemuRuntime, n: number): Promise<Sample> {
  const mac = nextMac();
  const id = `b${n}`;
  const t0 = performance.now();
  await rt.start({
    id, hostNetns: net.hostNetns, hostname: id, memoryMiB: 256, cpus: 1, disk: { kind: 'builtin' },
    nics: [{ name: 'default', mac, model: 'virtio', hostIfName: `${RUN}r${n}`, bridge: net.bridge, ip: { mode: 'dhcp' } }],
  });
  try {
    let lease = NaN;
    const ip = await until('lease', async () => {
      const l = await leaseOf(net, mac);
      if (l !== undefined && Number.isNaN(lease)) lease = performance.now() - t0;
      return l;
    });
    await until('guest agent address', async () => {
      const ifs = await rt.guestInterfaces(id);
      return ifs.some((i) => i.mac === mac && i.ipAddresses.includes(ip)) ? true : undefined;
    });
    return { lease, agent: performance.now() - t0 };
  } finally {
    await rt.stop(id, { graceMs: 0 });
  }
}

interface BareSample { serial: number; lease: number }

async function bareRound(net: TestNetwork, image: { kernel: string; initrd: string }, accel: 'tcg' | 'kvm', n: number): Promise<BareSample> {
  const mac = nextMac();
  const tap = `${RUN}q${n}`;
  await createTap(net.hostNetns, tap, net.bridge);
  const t0 = performance.now();
  const child = spawn('ip', ['netns', 'exec', net.hostNetns, 'qemu-system-x86_64',
    '-name', `guest=${RUN}-bare${n}`, '-machine', 'pc', '-accel', accel, '-cpu', accel === 'kvm' ? 'host' : 'max',
    '-m', '256', '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio',
    '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`, '-device', `virtio-net-pci,netdev=n0,mac=${mac}`,
    '-device', 'virtio-rng-pci', '-kernel', image.kernel, '-initrd', image.initrd, '-append', 'console=ttyS0 quiet',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serial = NaN;
  child.stdout.once('data', () => { serial = performance.now() - t0; });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  try {
    await until('lease (bare QEMU)', async () => {
      if (child.exitCode !== null) throw new Error(`bare QEMU exited ${child.exitCode}: ${err}`);
      return leaseOf(net, mac);
    });
    return { serial, lease: performance.now() - t0 };
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(undefined) : child.once('exit', r)));
    await deleteTap(net.hostNetns, tap);
  }
}

async function main(): Promise<void> {
  await ensureGuestImage({ log: (l) => console.log(`guest image: ${l}`) });
  const paths = guestImagePaths(cacheDir());
  const manifest = JSON.parse(await readFile(paths.manifest, 'utf8')) as GuestImageManifest;
  const image = { kernel: join(paths.image, manifest.kernelFile), initrd: paths.initrd };
  const dir = await mkdtemp(join(tmpdir(), `${RUN}-`));
  let net: TestNetwork | undefined;
  const cleanup = async (): Promise<void> => {
    await destroyRun(RUN, net);
    await rm(dir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    net = await createTestNetwork(RUN, dir);
    const rt = new QemuRuntime({ stateRoot: join(dir, 's'), netnsPrefix: `${RUN}-` });
    delete process.env['VIRTNET_ACCEL'];
    const probe = await rt.accelerator();
    console.log(`host: ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}; KVM probe: ${probe.accelerator} (${probe.reason})`);
    const accels: Array<'tcg' | 'kvm'> = probe.accelerator === 'kvm' ? ['tcg', 'kvm'] : ['tcg'];
    if (probe.accelerator !== 'kvm') console.log(`KVM: not measured — the KVM probe failed on this host: ${probe.reason}`);
    const rows: string[][] = [['accel', 'measure', 'p50', 'max', 'bare p50', 'ratio p50']];
    let n = 0;
    for (const accel of accels) {
      process.env['VIRTNET_ACCEL'] = accel;
      const rs: Sample[] = [];
      const bs: BareSample[] = [];
      for (let r = 0; r < rounds; r++) {
        // Alternating order, so neither side always runs on a host the other just warmed up.
        const doBare = async (): Promise<void> => { bs.push(await bareRound(net as TestNetwork, image, accel, n++)); };
        const doRt = async (): Promise<void> => { rs.push(await runtimeRound(net as TestNetwork, rt, n++)); };
        if (r % 2 === 0) { await doRt(); await doBare(); } else { await doBare(); await doRt(); }
        const last = rs[rs.length - 1]!;
        const lastB = bs[bs.length - 1]!;
        console.log(`${accel} round ${r + 1}: runtime lease ${ms(last.lease)}, agent ${ms(last.agent)}; bare serial ${ms(lastB.serial)}, lease ${ms(lastB.lease)}`);
      }
      const bareLease = pct(bs.map((b) => b.lease), 0.5);
      const col = (xs: number[]): [string, string] => [ms(pct(xs, 0.5)), ms(max(xs))];
      rows.push([accel, 'start() → DHCP lease', ...col(rs.map((s) => s.lease)), ms(bareLease), ratio(pct(rs.map((s) => s.lease), 0.5), bareLease)]);
      rows.push([accel, 'start() → agent reports IP', ...col(rs.map((s) => s.agent)), ms(bareLease), ratio(pct(rs.map((s) => s.agent), 0.5), bareLease)]);
      rows.push([accel, 'bare QEMU → first serial', ...col(bs.map((b) => b.serial)), '', '']);
      rows.push([accel, 'bare QEMU → DHCP lease', ...col(bs.map((b) => b.lease)), '', '']);
    }
    console.log(`\nqemu start, ${rounds} rounds (ratio: runtime p50 / bare QEMU lease p50)`);
    for (const line of table(rows)) console.log(line);
  } finally {
    delete process.env['VIRTNET_ACCEL'];
    await cleanup();
  }
}

await main();

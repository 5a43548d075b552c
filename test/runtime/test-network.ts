// A network for VM runtime tests and benchmarks: a fresh namespace `<run>-host` (the VMs' launcher side)
// holding a bridge with an address and a real dnsmasq serving DHCP on it, with its lease file in a temp
// dir. Checks read the world from here independently of the runtime under test: dnsmasq's leases, ping
// from the bridge, links and processes.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/agent/netns.js';

export interface TestNetwork {
  /** `vn-t<random6>`: the prefix of every name made for this run. */
  run: string;
  hostNetns: string;
  bridge: string;
  /** The bridge's address (dnsmasq's server identifier and the DHCP router), e.g. `10.77.0.1`. */
  gateway: string;
  /** Addresses outside the DHCP range for static NICs: `staticIp(5)` → `10.77.0.5`. */
  staticIp: (n: number) => string;
  prefixLength: number;
  dir: string;
  leaseFile: string;
  dnsmasq: ChildProcess | undefined;
}

export const isRoot = process.getuid?.() === 0;

export function newRunId(): string {
  return `vn-t${randomBytes(3).toString('hex')}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Creates the host namespace and bridge; dnsmasq starts unless `dhcp: false` (start it with `startDnsmasq`). */
export async function createTestNetwork(runId: string, dir: string, opts: { dhcp?: boolean } = {}): Promise<TestNetwork> {
  const second = 16 + (randomBytes(1)[0] ?? 0) % 200;
  const net: TestNetwork = {
    run: runId,
    hostNetns: `${runId}-host`,
    bridge: `${runId}br`,
    gateway: `10.${second}.0.1`,
    staticIp: (n) => `10.${second}.0.${n}`,
    prefixLength: 16,
    dir,
    leaseFile: join(dir, 'dnsmasq.leases'),
    dnsmasq: undefined,
  };
  await run('ip', ['netns', 'add', net.hostNetns]);
  await run('ip', ['-batch', '-'], {
    netns: net.hostNetns,
    input: [
      'link set lo up',
      `link add ${net.bridge} up type bridge`,
      `addr add ${net.gateway}/16 dev ${net.bridge}`,
    ].join('\n') + '\n',
  });
  if (opts.dhcp !== false) await startDnsmasq(net);
  return net;
}

/**
 * dnsmasq for DHCP only, in the foreground as our child. `--no-ping`: by default dnsmasq holds every
 * new offer for a 3-second ICMP check that the address is free; this subnet is fresh and ours alone.
 */
export async function startDnsmasq(net: TestNetwork): Promise<void> {
  const second = net.gateway.split('.')[1] ?? '77';
  const log = join(net.dir, 'dnsmasq.log');
  const child = spawn('ip', ['netns', 'exec', net.hostNetns, 'dnsmasq',
    '--keep-in-foreground', '--conf-file=/dev/null', '--port=0',
    `--interface=${net.bridge}`, '--bind-interfaces', '--except-interface=lo',
    `--dhcp-range=10.${second}.1.0,10.${second}.7.255,255.255.0.0,1h`,
    `--dhcp-leasefile=${net.leaseFile}`, '--dhcp-authoritative', '--dhcp-lease-max=2000', '--no-ping',
    `--pid-file=${join(net.dir, 'dnsmasq.pid')}`, '--user=root', '--group=root', `--log-facility=${log}`,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  net.dnsmasq = child;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await readFile(log, 'utf8').catch(() => '');
    if (text.includes('DHCP, sockets bound')) return;
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) throw new Error(`dnsmasq did not come up in 10 s: ${stderr}`);
    await sleep(20);
  }
}

export interface Lease { mac: string; ip: string; hostname: string }

export async function readLeases(net: TestNetwork): Promise<Lease[]> {
  const text = await readFile(net.leaseFile, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [, mac = '', ip = '', hostname = ''] = l.split(' ');
    return { mac: mac.toLowerCase(), ip, hostname };
  });
}

/** One ping from the bridge; true when it is answered. */
export async function pingFromHost(net: TestNetwork, ip: string): Promise<boolean> {
  const r = await run('ping', ['-c', '1', '-W', '2', ip], { netns: net.hostNetns, allowFailure: true });
  return r.code === 0;
}

export async function hostLinks(net: TestNetwork): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show'], { netns: net.hostNetns });
  return r.stdout.split('\n').map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '').filter((n) => n !== '');
}

/** Namespaces whose names start with `prefix`. */
export async function namespacesWith(prefix: string): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(prefix));
}

/** Live processes (not zombies) whose command line contains `marker`, other than ourselves. */
export async function processesWith(marker: string): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes(marker)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state !== '' && state !== 'Z') out.push(Number(name));
  }
  return out;
}

function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* gone */ }
}

/**
 * Removes everything of the run, whatever state a failed test left: processes whose command line names
 * the run or live in its namespaces, then the namespaces (which take their links along).
 */
export async function destroyRun(runId: string, net?: TestNetwork): Promise<void> {
  if (net?.dnsmasq !== undefined && net.dnsmasq.exitCode === null) net.dnsmasq.kill('SIGTERM');
  const namespaces = await namespacesWith(`${runId}-`);
  const pids = new Set(await processesWith(runId));
  for (const ns of namespaces) {
    const r = await run('ip', ['netns', 'pids', ns], { allowFailure: true });
    for (const p of r.stdout.split('\n')) if (/^\d+$/.test(p.trim())) pids.add(Number(p.trim()));
  }
  for (const p of pids) kill(p, 'SIGKILL');
  for (let i = 0; i < 100 && (await processesWith(runId)).length > 0; i++) await sleep(20);
  for (const ns of namespaces) await run('ip', ['netns', 'del', ns], { allowFailure: true });
}

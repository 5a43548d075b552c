// The baseline of the VM burst, without virtnet: N bare namespaces, each with a veth whose other end is a
// port of a bare-metal node's br-flat (alternating between the nodes, as the VMs spread), and busybox udhcpc
// on it with the netns runtime's options, all started at once against the lab's dnsmasq. Per namespace the
// time from the common start to its address being set: the lease script sets it, then creates a marker
// file, whose creation an inotify watch (fs.watch) timestamps, so nothing polls.
import { spawn, spawnSync } from 'node:child_process';
import { watch, closeSync, openSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../src/agent/netns.js';
import { onCleanup } from '../nmstate/cleanup.js';
import { sleep } from '../nmstate/util.js';
import { countDiscovers } from './dhcp-log.js';

/** The udhcpc options of the netns runtime (src/runtime/netns/plan.ts): 5 discovers 1 s apart, retry after 1 s. */
export const UDHCPC_OPTS = ['-f', '-R', '-t', '5', '-T', '1', '-A', '1'] as const;

// `deconfig` brings the link up (as the runtime's script does); `bound` sets the address, then the marker.
const SCRIPT = `#!/bin/sh
case "$1" in
  deconfig) printf 'link set dev lo up\\nlink set dev %s up\\n' "$interface" | ip -force -batch - ;;
  bound|renew) ip addr replace "$ip/\${mask:-$subnet}" dev "$interface" && : > "$VN_MARK" ;;
esac
exit 0
`;

export interface BaselineResult {
  n: number;
  /** Per namespace, ms from the common start to its address (NaN: never). */
  addressed: number[];
  discovers: number[];
  /** DHCP requests dropped at dnsmasq's socket (buffer full). */
  dhcpDrops: number;
  problems: string[];
}

export interface BaselineInput {
  prefix: string;
  /** Work directory (script, markers, logs). */
  dir: string;
  n: number;
  /** Node namespaces whose br-flat the ports join, in turn. */
  nodeNetns: readonly string[];
  timeoutMs: number;
  /** Distinguishes the MACs from the VMs' (02:…) and other runs'. */
  macSeed: number;
  /** The count of DHCP requests dropped at dnsmasq's socket so far. */
  dhcpDrops: () => number;
}

const mac = (seed: number, i: number): string =>
  ['0a', (seed >> 8) & 255, seed & 255, 0xbb, i >> 8, i & 255].map((b) => (typeof b === 'string' ? b : b.toString(16).padStart(2, '0'))).join(':');

function udhcpcAlive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('udhcpc');
  } catch {
    return false;
  }
}

export async function runDhcpBaseline(input: BaselineInput): Promise<BaselineResult> {
  const { prefix, n, nodeNetns, timeoutMs } = input;
  const dir = join(input.dir, `${prefix}dhcp-baseline`);
  await mkdir(dir, { recursive: true });
  const script = join(dir, 'udhcpc.script');
  await writeFile(script, SCRIPT, { mode: 0o755 });
  const namespaces = Array.from({ length: n }, (_, i) => `${prefix}bl${i}`);
  const pids: number[] = [];
  const killAll = (sig: NodeJS.Signals): void => {
    for (const p of pids) if (udhcpcAlive(p)) process.kill(p, sig);
  };
  const undo = onCleanup({
    name: 'DHCP baseline namespaces',
    run: async () => {
      killAll('SIGTERM'); // -R: each releases its lease on the way out
      for (let i = 0; i < 50 && pids.some(udhcpcAlive); i++) await sleep(20);
      killAll('SIGKILL');
      await Promise.all(namespaces.map((ns) => (existsSync(`/run/netns/${ns}`) ? run('ip', ['netns', 'del', ns], { allowFailure: true }) : undefined)));
    },
    runSync: () => {
      killAll('SIGKILL');
      for (const ns of namespaces) if (existsSync(`/run/netns/${ns}`)) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    },
  });

  const addressed = new Array<number>(n).fill(NaN);
  let t0 = 0;
  const watcher = watch(dir, (_ev, file) => {
    const m = /^(\d+)\.bound$/.exec(String(file ?? ''));
    if (m && Number.isNaN(addressed[Number(m[1])])) addressed[Number(m[1])] = performance.now() - t0;
  });
  const problems: string[] = [];
  const drops0 = input.dhcpDrops();
  try {
    t0 = performance.now();
    await Promise.all(namespaces.map(async (ns, i) => {
      const node = nodeNetns[i % nodeNetns.length]!;
      await run('ip', ['netns', 'add', ns]);
      await run('ip', ['link', 'add', `${prefix}b${i}`, 'master', 'br-flat', 'up', 'type', 'veth', 'peer', 'name', 'eth1',
        'address', mac(input.macSeed, i), 'netns', ns], { netns: node });
      const out = openSync(join(dir, `${i}.log`), 'a');
      const child = spawn('ip', ['netns', 'exec', ns, 'busybox', 'udhcpc', '-i', 'eth1', ...UDHCPC_OPTS, '-s', script],
        { detached: true, stdio: ['ignore', out, out], env: { PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`, VN_MARK: join(dir, `${i}.bound`) } });
      closeSync(out);
      child.unref();
      if (child.pid !== undefined) pids.push(child.pid);
    }));
    const deadline = performance.now() + timeoutMs;
    // The watch gives the times; this loop only notices the end (and any marker inotify did not report).
    while (addressed.some((a, i) => Number.isNaN(a) && !existsSync(join(dir, `${i}.bound`)))) {
      if (performance.now() > deadline) {
        problems.push(`baseline: ${addressed.filter((a) => Number.isNaN(a)).length} of ${n} without an address after ${timeoutMs / 1000} s`);
        break;
      }
      await sleep(50);
    }
    await sleep(100);
  } finally {
    watcher.close();
  }
  const dhcpDrops = input.dhcpDrops() - drops0;
  const missed = addressed.filter((a, i) => Number.isNaN(a) && existsSync(join(dir, `${i}.bound`))).length;
  if (missed > 0) problems.push(`baseline: inotify missed ${missed} markers (their times are unknown)`);
  // The kernel's word, not the script's: every namespace holds a flat-network address.
  const without = (await Promise.all(namespaces.map(async (ns) =>
    /inet 192\.168\./.test((await run('ip', ['-4', '-o', 'addr', 'show', 'dev', 'eth1'], { netns: ns, allowFailure: true })).stdout) ? undefined : ns)))
    .filter((x) => x !== undefined);
  if (without.length > 0) problems.push(`baseline: no 192.168.x address on eth1 in ${without.length} namespaces (${without.slice(0, 3).join(', ')}…)`);
  const discovers = await Promise.all(namespaces.map(async (_ns, i) => countDiscovers(await readFile(join(dir, `${i}.log`), 'utf8').catch(() => ''))));
  await undo();
  return { n, addressed, discovers, dhcpDrops, problems };
}

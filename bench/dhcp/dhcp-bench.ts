// DORA/s of the UDN DHCP server (the node's Node.js daemon, src/agent/udn/dhcp-daemon.ts) against dnsmasq
// configured the way a per-network dnsmasq would be (static reservations from a hosts file, lease file,
// --no-ping), in the same run, rounds interleaved, same load: dhcp-load.ts from a client namespace, 64
// exchanges in flight over 4096 reserved MACs. Also the daemon's cost: memory, time to add a network.
//
//   node ns: eth0 ─ fabric;  vnu1 (UDN bridge) ─ router ns (daemon's socket) ; vnu1 ─ veth ─ client ns A
//   dnsmasq ns: lan 192.168.0.1/16 + dnsmasq ─ veth ─ client ns B
// Usage: node dist/bench/dhcp/dhcp-bench.js [--count N] [--rounds R] (root). Everything is `vn-bd<rand>-…`.

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/agent/netns.js';
import { dhcpDaemonPid, dhcpPaths } from '../../src/agent/udn/dhcp-control.js';
import { ensureUdnNode, removeUdnNode, stopDhcpDaemon } from '../../src/agent/udn/index.js';
import type { UdnNetwork, UdnReservation } from '../../src/agent/udn/index.js';
import { formatIpv4, parseIpv4 } from '../../src/common/ipv4.js';
import { installCleanupHandlers, onCleanup, runWithCleanup } from '../nmstate/cleanup.js';
import { cmd, median } from '../nmstate/util.js';
import { pct, table } from '../vm/stats.js';
import type { LoadInput, LoadResult } from './dhcp-load.js';

const argNum = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const COUNT = argNum('count', 20_000);
const ROUNDS = argNum('rounds', 2);
const MACS = 4096;
const WINDOW = 64;
const MAX_SECONDS = 20;

const RUN = `vn-bd${randomBytes(3).toString('hex')}`;
const P = `${RUN}-`;
const F = `${P}f`;
const N = `${P}n1`;
const GA = `${P}ga`;
const D = `${P}d`;
const GB = `${P}gb`;
const dir = mkdtempSync(join(tmpdir(), P));
const runDir = join(dir, 'run');
const LOAD = fileURLToPath(new URL('./dhcp-load.js', import.meta.url));

const ip = (ns: string, lines: string[][]): Promise<unknown> =>
  run('ip', ['-batch', '-'], { netns: ns, input: lines.map((l) => l.join(' ')).join('\n') + '\n' });

const reservations: UdnReservation[] = Array.from({ length: MACS }, (_, i) => ({
  mac: `02:bd:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
  ip: formatIpv4((parseIpv4('192.168.0.0') ?? 0) + 10 + i),
  hostname: `vm-${i}`,
}));

function netns(name: string): void {
  spawnSync('ip', ['netns', 'add', name]);
  onCleanup({
    name: `netns ${name}`,
    run: async () => { if (existsSync(`/run/netns/${name}`)) await run('ip', ['netns', 'del', name], { allowFailure: true }); },
    runSync: () => { if (existsSync(`/run/netns/${name}`)) spawnSync('ip', ['netns', 'del', name]); },
  });
}

function rssMiB(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function load(ns: string): Promise<LoadResult> {
  const input: LoadInput = { count: COUNT, macs: reservations.map((r) => r.mac), window: WINDOW, retryMs: 1000, maxTries: 4, maxSeconds: MAX_SECONDS };
  const r = await cmd('ip', ['netns', 'exec', ns, process.execPath, LOAD, JSON.stringify(input)], { timeoutMs: (MAX_SECONDS + 30) * 1000 });
  return JSON.parse(r.stdout) as LoadResult;
}

async function main(): Promise<void> {
  installCleanupHandlers(10 * 60_000);
  onCleanup({ name: 'work directory', run: async () => rmSync(dir, { recursive: true, force: true }), runSync: () => rmSync(dir, { recursive: true, force: true }) });
  for (const ns of [F, N, GA, D, GB]) netns(ns);
  await ip(F, [['link', 'set', 'lo', 'up'], ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', N], ['addr', 'add', '10.89.0.1/24', 'dev', 'eth0'], ['link', 'set', 'eth0', 'up']]);
  await ip(N, [['link', 'set', 'lo', 'up'], ['addr', 'add', '10.89.0.10/24', 'dev', 'eth0'], ['link', 'set', 'eth0', 'up']]);

  // The daemon: the first network starts it; later networks only open a socket in their router.
  const opts = { prefix: P, runDir, localIP: '10.89.0.10' };
  const net = (vni: number, res: UdnReservation[]): UdnNetwork => ({ key: `bench/net${vni}`, vni, subnet: '192.168.0.0/16', gateway: '192.168.0.1', peers: [], reservations: res, dns: ['198.18.0.53'] });
  onCleanup({
    name: 'UDN networks and the DHCP daemon',
    run: async () => {
      for (const v of [1, 2, 3, 4]) await removeUdnNode(N, `bench/net${v}`, opts).catch(() => undefined);
      await stopDhcpDaemon(dhcpPaths(runDir, P, 'n1'));
    },
    runSync: () => {
      const pid = Number(existsSync(dhcpPaths(runDir, P, 'n1').pidFile) ? readFileSync(dhcpPaths(runDir, P, 'n1').pidFile, 'utf8') : 0);
      if (pid > 1) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    },
  });
  const setup: number[] = [];
  for (const v of [1, 2, 3, 4]) {
    const t = performance.now();
    await ensureUdnNode(N, net(v, v === 1 ? reservations : reservations.slice(0, 16)), opts);
    setup.push(performance.now() - t);
  }
  const daemonPid = await dhcpDaemonPid(dhcpPaths(runDir, P, 'n1'));
  await ip(N, [['link', 'add', `${P}ga`, 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', GA], ['link', 'set', `${P}ga`, 'master', 'vnu1'], ['link', 'set', `${P}ga`, 'up']]);
  await ip(GA, [['link', 'set', 'lo', 'up'], ['link', 'set', 'eth0', 'up'], ['route', 'add', '255.255.255.255/32', 'dev', 'eth0']]);

  // dnsmasq as a per-network server would run it.
  // dnsmasq reads its hosts file as nobody.
  chmodSync(dir, 0o755);
  const hosts = join(dir, `${P}dnsmasq.hosts`);
  writeFileSync(hosts, reservations.map((r) => `${r.mac},${r.ip},${r.hostname}`).join('\n') + '\n');
  const pidFile = join(dir, `${P}dnsmasq.pid`);
  await ip(D, [['link', 'set', 'lo', 'up'], ['link', 'add', 'lan', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', GB], ['addr', 'add', '192.168.0.1/16', 'dev', 'lan'], ['link', 'set', 'lan', 'up']]);
  await ip(GB, [['link', 'set', 'lo', 'up'], ['link', 'set', 'eth0', 'up'], ['route', 'add', '255.255.255.255/32', 'dev', 'eth0']]);
  onCleanup({
    name: 'dnsmasq',
    run: async () => { try { process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch { /* gone */ } },
    runSync: () => { try { process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); } catch { /* gone */ } },
  });
  const t0 = performance.now();
  await run('dnsmasq', ['--conf-file=/dev/null', `--pid-file=${pidFile}`, '--interface=lan', '--bind-interfaces', '--except-interface=lo', '--port=0',
    '--dhcp-range=192.168.0.0,static,255.255.0.0,3500', `--dhcp-hostsfile=${hosts}`, '--dhcp-option=3,192.168.0.1', '--dhcp-option=6,198.18.0.53',
    '--dhcp-option=26,1450', `--dhcp-leasefile=${join(dir, `${P}dnsmasq.leases`)}`, '--dhcp-authoritative', '--no-ping',
    `--dhcp-lease-max=${MACS}`, '--quiet-dhcp', `--log-facility=${join(dir, `${P}dnsmasq.log`)}`], { netns: D });
  const dnsmasqStart = performance.now() - t0;
  const dnsmasqPid = Number(readFileSync(pidFile, 'utf8'));

  const results: Record<'udn daemon' | 'dnsmasq', LoadResult[]> = { 'udn daemon': [], dnsmasq: [] };
  for (let r = 0; r < ROUNDS; r++) {
    results['udn daemon'].push(await load(GA));
    results.dnsmasq.push(await load(GB));
  }

  const rate = (x: LoadResult): number => x.completed / (x.elapsedMs / 1000);
  const rows = [['server', 'DORA/s (median)', 'runs', 'p50', 'p99', 'retries', 'failed', 'RSS']];
  for (const [name, rs] of Object.entries(results)) {
    const lat = rs.flatMap((x) => x.latencies);
    rows.push([name, median(rs.map(rate)).toFixed(0), rs.map((x) => `${rate(x).toFixed(0)}${x.cutShort ? '*' : ''}`).join(' '),
      `${pct(lat, 0.5).toFixed(1)} ms`, `${pct(lat, 0.99).toFixed(1)} ms`, String(rs.reduce((a, x) => a + x.retries, 0)),
      String(rs.reduce((a, x) => a + x.failed + x.mismatches, 0)),
      `${rssMiB(name === 'dnsmasq' ? dnsmasqPid : daemonPid).toFixed(1)} MiB`]);
  }
  const ratio = median(results['udn daemon'].map(rate)) / median(results.dnsmasq.map(rate));
  console.log(`DHCP DORA/s: ${COUNT} exchanges per run (* = cut at ${MAX_SECONDS} s), ${WINDOW} in flight, ${MACS} reserved MACs, ${ROUNDS} rounds interleaved`);
  for (const l of table(rows)) console.log(`  ${l}`);
  console.log(`  udn daemon / dnsmasq: ${ratio.toFixed(1)}x (target >= 10x)`);
  console.log(`  cost: first network (daemon start + socket) ${setup[0]!.toFixed(0)} ms, each further network ${setup.slice(1).map((x) => x.toFixed(0)).join('/')} ms`
    + ` (whole ensureUdnNode); dnsmasq start ${dnsmasqStart.toFixed(0)} ms`);
  console.log(`  memory: one daemon per node serves all its networks (${rssMiB(daemonPid).toFixed(1)} MiB with 4); dnsmasq is one per network (${rssMiB(dnsmasqPid).toFixed(1)} MiB each)`);
}

runWithCleanup(main);

// Live-migration downtime on a lab (server + `virtnet lab up`, netns runtime by default): one VM on a primary
// Layer2 UDN is migrated N times (default 20; `virtnet vm migrate` picks another node each time) while a
// second VM on the UDN pings it every `--interval` ms (default 50) with `ping -D`. Per migration: downtime =
// the longest gap between two replies during the migration, minus one interval (0 = no reply missed), and
// the migration's duration (the `virtnet vm migrate` call, VMIM created to Succeeded). Prints p50/p90/max.
// Usage (root): node dist/bench/vm/migration-bench.js [--rounds N] [--interval MS]
// The lab is named vn-<id>-… and `lab down` removes it at the end, also on error.

import { primaryUdnSetupYaml, udnVmYaml } from '../../test/support/udn-fixtures.js';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { ServerProcess, repoRoot, until } from '../../test/support/server-process.js';
import { max, ms, pct, table } from './stats.js';

const option = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const rounds = Number(option('--rounds') ?? 20);
const interval = Number(option('--interval') ?? 50);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 200) throw new Error('--rounds takes a whole number from 1 to 200');
if (!Number.isInteger(interval) || interval < 10 || interval > 1000) throw new Error('--interval takes milliseconds from 10 to 1000');
if (process.getuid?.() !== 0) throw new Error('run as root: the lab creates network namespaces');

const id = `mb${process.pid % 10000}`;
const NS = 'mig-bench';

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

const setup = primaryUdnSetupYaml(NS);
const vm = (name: string, host?: string): string => udnVmYaml(name, NS, host);

const cond = (o: KubeObject | undefined, type: string): { status: string } | undefined =>
  ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const vmiStatus = (v: KubeObject): { nodeName?: string; interfaces?: { ipAddress?: string }[] } => (v.status ?? {}) as never;

/** Reply times (ms since the epoch) from `ping -D` output. */
function replyTimes(out: string): number[] {
  const times: number[] = [];
  for (const m of out.matchAll(/^\[(\d+\.\d+)\] \d+ bytes from/gm)) times.push(Number(m[1]) * 1000);
  return times;
}

/** The longest gap between replies over [from, to] (the last reply before `from` and `to` itself bound it), minus one interval. */
function downtime(times: readonly number[], from: number, to: number): number {
  const before = times.filter((t) => t < from).pop() ?? from;
  const points = [before, ...times.filter((t) => t >= from && t <= to), to];
  let worst = 0;
  for (let i = 1; i < points.length; i++) worst = Math.max(worst, points[i]! - points[i - 1]!);
  return Math.max(0, worst - interval);
}

async function main(): Promise<void> {
  const runtime = process.env['VIRTNET_VM_RUNTIME'] ?? 'netns';
  if (runtime !== 'netns') throw new Error('only the netns runtime is measured here: the pinger runs in the pinger VM\'s namespace');
  const s = await ServerProcess.start();
  const c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-bench');
  try {
    const up = virtnet(['lab', 'up', '--data', s.dataDir, '--id', id], { VIRTNET_VM_RUNTIME: runtime });
    if (up.code !== 0) throw new Error(`lab up: ${up.out}`);
    await until(async () => (await c.list(R.node)).items.filter((n) => cond(n, 'Ready')?.status === 'True' && (n.spec as { podCIDR?: string } | undefined)?.podCIDR).length >= 3, 'Ready nodes', 60_000);
    s.kubectlOk(['apply', '-f', '-'], { input: setup });
    await until(async () => (await c.get(R.nad, NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn', 30_000);
    s.kubectlOk(['apply', '-f', '-'], { input: vm('pinger', 'worker-1') + '---\n' + vm('mover') });
    const ipOf = (name: string): Promise<string> => until(async () => {
      const v = await c.get(R.vmi, NS, name).catch(() => undefined);
      const ip = v ? vmiStatus(v).interfaces?.[0]?.ipAddress : undefined;
      return ip?.startsWith('192.168.254.') ? ip : undefined;
    }, `${name} to get a UDN address`, 60_000);
    const [ip] = await Promise.all([ipOf('mover'), ipOf('pinger')]);
    const pingerNs = `vn-${id}-vm-${((await c.get(R.vmi, NS, 'pinger')).metadata.uid ?? '').toLowerCase()}`;
    const ping = spawn('ip', ['netns', 'exec', pingerNs, 'ping', '-D', '-i', String(interval / 1000), '-W', '1', ip], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    ping.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const closed = new Promise<void>((r) => ping.on('close', () => r()));
    const downs: number[] = [];
    const durations: number[] = [];
    const failures: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 1000));
      for (let i = 0; i < rounds; i++) {
        const from = Date.now();
        const t0 = performance.now();
        const mig = virtnet(['vm', 'migrate', 'mover', '-n', NS, '--data', s.dataDir]);
        const took = performance.now() - t0;
        if (mig.code !== 0) {
          failures.push(`migration ${i + 1}: ${mig.out.trim().split('\n').pop() ?? ''}`);
          console.log(`migration ${i + 1}/${rounds} FAILED: ${mig.out.trim().split('\n').pop() ?? ''}`);
          await new Promise((r) => setTimeout(r, 3000));
          continue;
        }
        // Replies that were due during the migration arrive up to an interval later; the pause also lets the
        // source's launcher teardown finish before the VM may be sent back there.
        await new Promise((r) => setTimeout(r, 1500));
        const node = vmiStatus(await c.get(R.vmi, NS, 'mover')).nodeName ?? '?';
        const d = downtime(replyTimes(out), from, Date.now());
        downs.push(d);
        durations.push(took);
        console.log(`migration ${i + 1}/${rounds} → ${node}: ${ms(took)}, downtime ${ms(d)}`);
      }
    } finally {
      ping.kill('SIGINT');
      await closed;
    }
    const sent = /(\d+) packets transmitted, (\d+) received/.exec(out);
    for (const f of failures) console.log(f);
    console.log(`\n${runtime} runtime, ${rounds - failures.length}/${rounds} migrations succeeded, pings every ${interval} ms (${sent ? `${sent[1]} sent, ${Number(sent[1]) - Number(sent[2])} lost in all` : 'no ping summary'})`);
    for (const line of table([
      ['measure', 'p50', 'p90', 'max'],
      ['downtime (longest reply gap − interval)', ms(pct(downs, 0.5)), ms(pct(downs, 0.9)), ms(max(downs))],
      ['migration duration (virtnet vm migrate)', ms(pct(durations, 0.5)), ms(pct(durations, 0.9)), ms(max(durations))],
    ])) console.log(line);
  } finally {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    if (down.code !== 0) console.error(`lab down: ${down.out}`);
    c.close();
    await s.stop();
  }
}

await main();

// Live migration on the lab (netns runtime): a VM on a primary Layer2 UDN moves to another node while a
// second VM on the same UDN pings it every 100 ms; the VMIM succeeds, the node changes, IP and MAC stay,
// and at most one reply is lost.
import { primaryUdnSetupYaml, udnVmYaml } from '../support/udn-fixtures.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

const id = `m${process.pid % 100000}`;
const NS = 'mig-udn';

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

const setup = primaryUdnSetupYaml(NS);
const vm = (name: string, host?: string): string => udnVmYaml(name, NS, host);

const cond = (o: KubeObject | undefined, type: string): { status: string } | undefined =>
  ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

interface Iface { ipAddress?: string; mac?: string }
const vmiStatus = (v: KubeObject): { nodeName?: string; interfaces?: Iface[] } => (v.status ?? {}) as never;

describe('live migration (netns runtime, primary Layer2 UDN)', () => {
  let s: ServerProcess;
  let c: ApiClient;
  const ipOf = async (vmName: string): Promise<string> => until(async () => {
    const v = await c.get(R.vmi, NS, vmName).catch(() => undefined);
    const ip = v ? vmiStatus(v).interfaces?.[0]?.ipAddress : undefined;
    return ip?.startsWith('192.168.254.') ? ip : undefined;
  }, `${vmName} to get a UDN address`, 45_000);

  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const up = virtnet(['lab', 'up', '--data', s.dataDir, '--id', id], { VIRTNET_VM_RUNTIME: 'netns' });
    assert.equal(up.code, 0, up.out);
    await until(async () => (await c.list(R.node)).items.filter((n) => cond(n, 'Ready')?.status === 'True' && (n.spec as { podCIDR?: string } | undefined)?.podCIDR).length >= 3, 'Ready nodes', 30_000);
  });
  after(async () => {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`vn-${id}-`));
    assert.deepEqual(left, [], 'lab down leaves no namespace');
  });

  it('moves a UDN VM to another node; IP and MAC stay; at most one of the pings every 100 ms is lost', async () => {
    s.kubectlOk(['apply', '-f', '-'], { input: setup });
    await until(async () => (await c.get(R.nad, NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn');
    s.kubectlOk(['apply', '-f', '-'], { input: vm('pinger', 'worker-1') + '---\n' + vm('mover') });
    const [ip] = await Promise.all([ipOf('mover'), ipOf('pinger')]);
    const before = await c.get(R.vmi, NS, 'mover');
    const mac = vmiStatus(before).interfaces?.[0]?.mac;
    const source = vmiStatus(before).nodeName;
    const pingerUid = ((await c.get(R.vmi, NS, 'pinger')).metadata.uid ?? '').toLowerCase();
    const warm = spawnSync('ip', ['netns', 'exec', `vn-${id}-vm-${pingerUid}`, 'ping', '-c', '2', '-W', '2', ip], { encoding: 'utf8' });
    assert.equal(warm.status, 0, `pinger reaches mover before the migration:\n${warm.stdout}${warm.stderr}`);

    const ping = spawn('ip', ['netns', 'exec', `vn-${id}-vm-${pingerUid}`, 'ping', '-i', '0.1', '-W', '1', ip], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pingOut = '';
    ping.stdout.on('data', (d: Buffer) => { pingOut += d.toString(); });
    const done = new Promise<void>((r) => ping.on('close', () => r()));
    try {
      await new Promise((r) => setTimeout(r, 1000));
      const mig = virtnet(['vm', 'migrate', 'mover', '-n', NS, '--data', s.dataDir]);
      console.log(mig.out.trim());
      assert.equal(mig.code, 0, mig.out);
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      ping.kill('SIGINT');
      await done;
    }
    const m = /(\d+) packets transmitted, (\d+) received/.exec(pingOut);
    assert.ok(m, pingOut);
    const lost = Number(m[1]) - Number(m[2]);
    console.log(`netns migration: ${m[1]} pings every 100 ms, ${lost} lost`);

    const vmims = (await c.list(R.vmim, NS)).items;
    assert.equal(vmims.length, 1);
    assert.equal((vmims[0]!.status as { phase?: string }).phase, 'Succeeded');
    const after = await c.get(R.vmi, NS, 'mover');
    const st = vmiStatus(after);
    assert.notEqual(st.nodeName, source, 'the VM runs on another node');
    assert.equal(after.metadata.labels?.['kubevirt.io/nodeName'], st.nodeName);
    const ms = (after.status as { migrationState?: Record<string, unknown> }).migrationState ?? {};
    assert.equal(ms['completed'], true);
    assert.equal(ms['sourceNode'], source);
    assert.equal(ms['targetNode'], st.nodeName);
    assert.match(String(ms['targetPod']), /^virt-launcher-mover-[a-z0-9]{5}$/);
    assert.equal(st.interfaces?.[0]?.mac, mac, 'same MAC');
    assert.equal(st.interfaces?.[0]?.ipAddress, ip, 'same IP');
    assert.ok(lost <= 1, `at most one reply lost, got ${lost}:\n${pingOut.split('\n').slice(-6).join('\n')}`);
    // Still reachable afterwards, and the VM's exec finds it on its new node.
    const exec = virtnet(['vm', 'exec', 'mover', '-n', NS, '--data', s.dataDir, '--', 'ip', '-o', 'addr', 'show', 'eth0']);
    assert.equal(exec.code, 0, exec.out);
    assert.match(exec.stdout, new RegExp(` ${ip.replace(/\./g, '\\.')}/24 `));
  });
});

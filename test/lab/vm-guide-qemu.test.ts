// The guide's step 6 with real VMs (qemu runtime): the workshop's fedora01/fedora02, the NAD flatnetwork
// on br-flat, a bridge NIC added to both, both started: each second NIC holds an address from the fabric's
// dnsmasq (its lease file shows it), the VMI shows it (from the guest agent), `virtnet vm exec fedora01 --
// ping` reaches fedora02, the serial console answers with a login prompt; the VMs run on the bare-metal
// nodes only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { exampleObjects } from '../../src/lab/example-vms.js';

const id = `q${process.pid % 100000}`;

function virtnet(args: string[], timeout = 120_000): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

interface Iface { name?: string; mac?: string; ipAddress?: string; infoSource?: string; interfaceName?: string }
const ifaces = (vmi: KubeObject | undefined): Iface[] => ((vmi?.status as { interfaces?: Iface[] } | undefined)?.interfaces ?? []);

const NAD = `apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: flatnetwork
  namespace: vmexamples-user1
  annotations:
    description: CNV Linux Bridge
    k8s.v1.cni.cncf.io/resourceName: bridge.network.kubevirt.io/br-flat
spec:
  config: '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}'
`;

describe("the guide's step 6 with real VMs (qemu)", () => {
  let s: ServerProcess;
  let c: ApiClient;
  const { namespace: NS, vms } = exampleObjects('user1');

  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const up = virtnet(['lab', 'up', '--data', s.dataDir, '--id', id]);
    assert.equal(up.code, 0, up.out);
    await until(async () => (await c.list(R.node)).items.filter((n) => (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable?.['bridge.network.kubevirt.io/br-flat']).length === 2,
      'both bare-metal nodes to report br-flat', 30_000);
    await c.create(R.namespace, undefined, { metadata: { name: NS } });
    for (const vm of vms) await c.create(R.vm, NS, vm);
  });
  after(async () => {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`vn-${id}-`));
    assert.deepEqual(left, [], 'lab down leaves no namespace');
    const qemu = spawnSync('pgrep', ['-f', `qemu-system.*${s.dataDir}`], { encoding: 'utf8' }).stdout.trim();
    assert.equal(qemu, '', 'lab down leaves no QEMU process');
  });

  it('both VMs get a flat-network address from dnsmasq and ping each other', { timeout: 300_000 }, async () => {
    s.kubectlOk(['apply', '-f', '-'], { input: NAD });
    for (const vm of ['fedora01', 'fedora02']) {
      s.kubectlOk(['-n', NS, 'patch', 'vm', vm, '--type', 'json', '-p', JSON.stringify([
        { op: 'add', path: '/spec/template/spec/domain/devices/interfaces/-', value: { name: 'flat', bridge: {}, model: 'virtio' } },
        { op: 'add', path: '/spec/template/spec/networks/-', value: { name: 'flat', multus: { networkName: 'flatnetwork' } } },
      ])]);
      const st = virtnet(['vm', 'start', vm, '-n', NS, '--data', s.dataDir]);
      assert.equal(st.code, 0, st.out);
    }
    const flat = async (vm: string): Promise<Iface> => until(async () => {
      const f = ifaces(await c.get(R.vmi, NS, vm).catch(() => undefined)).find((i) => i.name === 'flat');
      return f?.ipAddress?.startsWith('192.168.') && f.infoSource?.includes('guest-agent') ? f : undefined;
    }, `${vm}'s flat NIC to report an address from the guest agent`, 240_000);
    const [f1, f2] = await Promise.all([flat('fedora01'), flat('fedora02')]);
    const placed = await Promise.all(['fedora01', 'fedora02'].map(async (v) => ((await c.get(R.vmi, NS, v)).status as { nodeName: string }).nodeName));
    assert.deepEqual(placed.sort(), ['metal-0', 'metal-1']);
    const leases = readFileSync(join(s.dataDir, `vn-${id}-flat.leases`), 'utf8');
    for (const f of [f1, f2]) assert.ok(leases.split('\n').some((l) => l.includes(f.mac!) && l.includes(f.ipAddress!)), `${f.mac} ${f.ipAddress} in:\n${leases}`);
    const ping = virtnet(['vm', 'exec', 'fedora01', '-n', NS, '--data', s.dataDir, '--', 'ping', '-c', '3', f2.ipAddress!]);
    assert.equal(ping.code, 0, ping.out);
    assert.match(ping.stdout, /3 packets transmitted, 3 (packets )?received/);
    const vmi = await c.get(R.vmi, NS, 'fedora01');
    const agent = ((vmi.status as { conditions?: { type: string; status: string }[] }).conditions ?? []).find((x) => x.type === 'AgentConnected');
    assert.equal(agent?.status, 'True');
  });

  it('the serial console answers with a login prompt', { timeout: 60_000 }, async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), 'vm', 'console', 'fedora01', '-n', NS, '--data', s.dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('utf8'); });
    try {
      await until(() => { child.stdin.write('\r'); return /login:/.test(out); }, 'a login prompt on the serial console', 30_000);
    } finally {
      child.stdin.write(Buffer.from([0x1d]));
      child.kill();
    }
  });

  it('live migration of a real VM: fedora01 moves to the other bare-metal node with its MAC and flat address', { timeout: 180_000 }, async (t) => {
    const before = await c.get(R.vmi, NS, 'fedora01');
    const flatBefore = ifaces(before).find((i) => i.name === 'flat')!;
    const from = (before.status as { nodeName: string }).nodeName;
    // fedora02 pings fedora01 every 100 ms through the migration (the guest agent runs the ping).
    const pinger = spawn(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), 'vm', 'exec', 'fedora02', '-n', NS, '--data', s.dataDir, '--timeout', '120',
      '--', 'ping', '-i', '0.1', '-c', '100', flatBefore.ipAddress!], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pings = '';
    pinger.stdout.on('data', (d: Buffer) => { pings += d.toString('utf8'); });
    const done = new Promise<void>((r) => pinger.on('close', () => r()));
    await new Promise((r) => setTimeout(r, 1500));
    const m = virtnet(['vm', 'migrate', 'fedora01', '-n', NS, '--data', s.dataDir], 150_000);
    assert.equal(m.code, 0, m.out);
    const after = await c.get(R.vmi, NS, 'fedora01');
    assert.notEqual((after.status as { nodeName: string }).nodeName, from, 'the VM changed node');
    const flatAfter = await until(async () => {
      const f = ifaces(await c.get(R.vmi, NS, 'fedora01')).find((i) => i.name === 'flat');
      return f?.ipAddress ? f : undefined;
    }, 'fedora01 to report its flat address after the move', 60_000);
    assert.equal(flatAfter.mac, flatBefore.mac);
    assert.equal(flatAfter.ipAddress, flatBefore.ipAddress);
    await done;
    const sum = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(pings);
    t.diagnostic(`qemu migration under 100 ms pings: ${sum ? `${Number(sum[1]) - Number(sum[2])} of ${sum[1]} lost` : `no ping summary (${pings.slice(-200)})`}`);
    const ping = virtnet(['vm', 'exec', 'fedora01', '-n', NS, '--data', s.dataDir, '--', 'ping', '-c', '2', ifaces(await c.get(R.vmi, NS, 'fedora02')).find((i) => i.name === 'flat')!.ipAddress!]);
    assert.equal(ping.code, 0, ping.out);
  });

  it("the guide's step 7 with a real VM: fedora-udn on a primary UDN gets .3+ and gateway .1 by DHCP and reaches the internet", { timeout: 180_000 }, async () => {
    const UNS = 'vmexamples-user1-udn';
    s.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: v1
kind: Namespace
metadata:
  name: ${UNS}
  labels:
    k8s.ovn.org/primary-user-defined-network: ""
---
apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata:
  name: primary-udn
  namespace: ${UNS}
spec:
  topology: Layer2
  layer2:
    role: Primary
    subnets:
    - 192.168.254.0/24
    ipam:
      lifecycle: Persistent
` });
    await until(async () => (await c.get(R.nad, UNS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn');
    const vm = { ...exampleObjects('user1').vms[0]!, metadata: { name: 'fedora-udn', namespace: UNS } } as KubeObject;
    const spec = structuredClone(vm.spec) as { runStrategy: string; dataVolumeTemplates: { metadata: { name: string } }[]; template: { spec: { domain: { devices: { interfaces: unknown[] } }; networks: unknown[]; volumes: { name: string; dataVolume?: { name: string } }[] } } };
    spec.runStrategy = 'Always';
    spec.dataVolumeTemplates[0]!.metadata.name = 'fedora-udn';
    spec.template.spec.domain.devices.interfaces = [{ name: 'primary-udn', binding: { name: 'l2bridge' } }];
    spec.template.spec.networks = [{ name: 'primary-udn', pod: {} }];
    spec.template.spec.volumes = spec.template.spec.volumes.map((v) => (v.dataVolume ? { ...v, dataVolume: { name: 'fedora-udn' } } : v));
    await c.create(R.vm, UNS, { ...vm, spec });
    const ip = await until(async () => {
      const f = ifaces(await c.get(R.vmi, UNS, 'fedora-udn').catch(() => undefined))[0];
      return f?.ipAddress?.startsWith('192.168.254.') && f.infoSource?.includes('guest-agent') ? f.ipAddress : undefined;
    }, 'fedora-udn to report its UDN address from the guest agent', 120_000);
    assert.ok(Number(ip.split('.')[3]) >= 3, ip);
    const route = virtnet(['vm', 'exec', 'fedora-udn', '-n', UNS, '--data', s.dataDir, '--', 'ip', 'route']);
    assert.match(route.stdout, /default via 192\.168\.254\.1/, route.out);
    const ping = virtnet(['vm', 'exec', 'fedora-udn', '-n', UNS, '--data', s.dataDir, '--', 'ping', '-c', '2', '198.18.0.10']);
    assert.equal(ping.code, 0, ping.out);
  });
});

// planLab is pure: the lab's namespaces, links, addresses, routes and daemon arguments as data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planLab, defaultLabId, LabError, MAX_NODES } from '../../src/lab/index.js';
import type { LabInput } from '../../src/lab/index.js';

const base: LabInput = { id: 't1', workers: 2, baremetal: 1, dataDir: '/var/lib/virtnet' };

describe('planLab', () => {
  const cases: { name: string; input: LabInput; namespaces: string[]; nodes: [string, string, string][] }[] = [
    {
      name: '2 workers + 1 bare-metal',
      input: base,
      namespaces: ['vn-t1-fabric', 'vn-t1-control-plane', 'vn-t1-internet', 'vn-t1-worker-0', 'vn-t1-worker-1', 'vn-t1-metal-0'],
      nodes: [['worker-0', 'worker', '10.89.0.10'], ['worker-1', 'worker', '10.89.0.11'], ['metal-0', 'baremetal', '10.89.0.12']],
    },
    {
      name: 'bare-metal only',
      input: { ...base, id: 'abc', workers: 0, baremetal: 2 },
      namespaces: ['vn-abc-fabric', 'vn-abc-control-plane', 'vn-abc-internet', 'vn-abc-metal-0', 'vn-abc-metal-1'],
      nodes: [['metal-0', 'baremetal', '10.89.0.10'], ['metal-1', 'baremetal', '10.89.0.11']],
    },
    {
      name: 'no nodes: the datacenter alone',
      input: { ...base, workers: 0, baremetal: 0 },
      namespaces: ['vn-t1-fabric', 'vn-t1-control-plane', 'vn-t1-internet'],
      nodes: [],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = planLab(c.input);
      assert.deepEqual(p.namespaces.map((n) => n.name), c.namespaces);
      assert.deepEqual(p.nodes.map((n) => [n.name, n.role, n.address]), c.nodes);
      for (const n of p.nodes) {
        assert.ok(p.routes.some((r) => r.netns === n.netns && r.dst === 'default' && r.via === '10.89.0.1'), `${n.name} default route`);
        assert.ok(p.addresses.some((a) => a.netns === n.netns && a.dev === 'eth0' && a.cidr === `${n.address}/24`));
        assert.equal(n.labels['kubernetes.io/hostname'], n.name);
        assert.equal(n.labels['node.kubernetes.io/instance-type'], n.role === 'baremetal' ? 'c5n.metal' : 'm5.4xlarge');
      }
    });
  }

  it('addresses the datacenter: router, control plane off-link, internet host, flat network', () => {
    const p = planLab(base);
    const addr = (netns: string, dev: string): string | undefined =>
      p.addresses.find((a) => a.netns === netns && a.dev === dev)?.cidr;
    assert.equal(addr('vn-t1-fabric', 'machine'), '10.89.0.1/24');
    assert.equal(addr('vn-t1-fabric', 'cp'), '10.89.1.1/24');
    assert.equal(addr('vn-t1-fabric', 'internet'), '198.18.0.1/24');
    assert.equal(addr('vn-t1-fabric', 'flat'), '192.168.64.1/18');
    assert.equal(addr('vn-t1-control-plane', 'eth0'), '10.89.1.10/24');
    assert.equal(addr('vn-t1-internet', 'eth0'), '198.18.0.10/24');
    assert.deepEqual(p.sysctls, [{ netns: 'vn-t1-fabric', key: 'net.ipv4.ip_forward', value: '1' }]);
    assert.equal(p.controlPlane.address, '10.89.1.10');
    assert.notEqual(p.controlPlane.cidr, p.machineNetwork.cidr, 'nodes reach the control plane through the router');
  });

  it('bridges bare-metal eth1 into br-flat inside the node, and the fabric end into the flat bridge', () => {
    const p = planLab(base);
    assert.deepEqual(p.veths.find((v) => v.a.netns === 'vn-t1-metal-0' && v.a.name === 'eth1')?.b, { netns: 'vn-t1-fabric', name: 'metal-0-flat' });
    assert.ok(p.bridges.some((b) => b.netns === 'vn-t1-metal-0' && b.name === 'br-flat'));
    assert.ok(p.ports.some((x) => x.netns === 'vn-t1-metal-0' && x.name === 'eth1' && x.master === 'br-flat'));
    assert.ok(p.ports.some((x) => x.netns === 'vn-t1-fabric' && x.name === 'metal-0-flat' && x.master === 'flat'));
    assert.ok(!p.bridges.some((b) => b.netns === 'vn-t1-worker-0'), 'workers have no br-flat');
    assert.deepEqual(p.nodes.find((n) => n.name === 'metal-0')?.flat, { nic: 'eth1', bridge: 'br-flat' });
  });

  it('keeps everything inside lab namespaces, with kernel-sized interface names', () => {
    const p = planLab({ ...base, workers: 100, baremetal: 100 });
    const nsNames = new Set(p.namespaces.map((n) => n.name));
    for (const n of nsNames) assert.ok(n.startsWith('vn-t1-'), n);
    const ends = [...p.veths.flatMap((v) => [v.a, v.b]), ...p.bridges, ...p.up];
    for (const e of ends) {
      assert.ok(nsNames.has(e.netns), `${e.name} is in a lab namespace, not the root one`);
      assert.ok(e.name.length <= 15, `${e.name} fits IFNAMSIZ`);
    }
    for (const x of [...p.addresses, ...p.routes, ...p.sysctls, ...p.processes]) assert.ok(nsNames.has(x.netns));
    assert.equal(new Set(p.nodes.map((n) => n.address)).size, 200);
  });

  it('runs dnsmasq for DHCP only, on the flat bridge, with its files in dataDir carrying the prefix', () => {
    const p = planLab(base);
    assert.equal(p.processes.length, 1);
    const d = p.processes[0]!;
    assert.equal(d.netns, 'vn-t1-fabric');
    assert.equal(d.pidFile, '/var/lib/virtnet/vn-t1-dnsmasq.pid');
    for (const a of ['dnsmasq', '--conf-file=/dev/null', '--interface=flat', '--bind-interfaces', '--port=0',
      '--dhcp-range=192.168.64.100,192.168.127.200,255.255.192.0,1h', '--dhcp-leasefile=/var/lib/virtnet/vn-t1-flat.leases',
      '--pid-file=/var/lib/virtnet/vn-t1-dnsmasq.pid']) {
      assert.ok(d.argv.includes(a), a);
    }
    for (const f of p.files) assert.match(f, /^\/var\/lib\/virtnet\/vn-t1-/);
  });

  const bad: [string, Partial<LabInput>][] = [
    ['empty id', { id: '' }],
    ['uppercase id', { id: 'Lab' }],
    ['id with a dash', { id: 'a-b' }],
    ['id longer than 8', { id: 'abcdefghi' }],
    ['negative workers', { workers: -1 }],
    ['fractional bare-metal', { baremetal: 1.5 }],
    ['too many nodes', { workers: MAX_NODES, baremetal: 1 }],
    ['relative dataDir', { dataDir: 'data' }],
  ];
  for (const [name, patch] of bad) {
    it(`rejects ${name}`, () => {
      assert.throws(() => planLab({ ...base, ...patch }), (e: unknown) => e instanceof LabError && e.code === 'invalid-input');
    });
  }

  it('derives a valid, stable default id per data directory', () => {
    const a = defaultLabId('/a/.virtnet');
    assert.match(a, /^[a-z0-9]{1,8}$/);
    assert.equal(a, defaultLabId('/a/.virtnet'));
    assert.notEqual(a, defaultLabId('/b/.virtnet'));
  });
});

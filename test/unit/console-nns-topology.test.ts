// The NodeNetworkState page's pure parts: interface rows (addresses, ports, filter) and the topology layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressesOf, filterInterfaces, interfacesOf, portsOf, type NnsInterface } from '../../console/src/models/nns-interfaces.js';
import { BOX_W, GAP_X, layoutTopology, type Topology } from '../../console/src/models/nns-topology.js';

const eth = (name: string, ip?: string): NnsInterface => ({
  name, type: 'ethernet', state: 'up', 'mac-address': '02:00:00:00:00:01',
  ipv4: ip ? { enabled: true, address: [{ ip, 'prefix-length': 24 }] } : { enabled: false },
});
const bridge = (name: string, ports: string[], ip?: string): NnsInterface => ({
  name, type: 'linux-bridge', state: 'up', bridge: { port: ports.map((p) => ({ name: p })) },
  ipv4: ip ? { enabled: true, address: [{ ip, 'prefix-length': 24 }] } : { enabled: false },
});
const lab: NnsInterface[] = [
  eth('eth0', '10.89.0.11'), eth('eth1'), bridge('br-flat', ['eth1'], '192.168.64.11'),
  { name: 'lo', type: 'loopback', state: 'up', ipv4: { enabled: true, address: [{ ip: '127.0.0.1', 'prefix-length': 8 }] } },
];

test('interfacesOf: sorted by name, nameless entries dropped, missing type/state filled', () => {
  const got = interfacesOf({ status: { currentState: { interfaces: [{ name: 'b' }, { type: 'x' }, { name: 'a', type: 'ethernet', state: 'up' }] } } });
  assert.deepEqual(got, [{ name: 'a', type: 'ethernet', state: 'up' }, { name: 'b', type: 'unknown', state: 'unknown' }]);
  assert.deepEqual(interfacesOf(undefined), []);
  assert.deepEqual(interfacesOf({ status: { currentState: { interfaces: 'no' } } }), []);
});

const addrCases: { name: string; iface: NnsInterface; want: { ipv4: string[]; ipv6: string[] } }[] = [
  { name: 'static IPv4', iface: eth('eth0', '10.0.0.1'), want: { ipv4: ['10.0.0.1/24'], ipv6: [] } },
  { name: 'disabled family shows nothing', iface: { name: 'x', type: 'ethernet', state: 'up', ipv4: { enabled: false, address: [{ ip: '1.2.3.4', 'prefix-length': 8 }] } }, want: { ipv4: [], ipv6: [] } },
  { name: 'IPv6', iface: { name: 'x', type: 'ethernet', state: 'up', ipv6: { enabled: true, address: [{ ip: 'fd00::1', 'prefix-length': 64 }] } }, want: { ipv4: [], ipv6: ['fd00::1/64'] } },
];
for (const c of addrCases) test(`addressesOf: ${c.name}`, () => assert.deepEqual(addressesOf(c.iface), c.want));

test('portsOf: bridge and bond ports', () => {
  assert.deepEqual(portsOf(bridge('br0', ['eth1', 'eth2'])), ['eth1', 'eth2']);
  assert.deepEqual(portsOf({ name: 'bond0', type: 'bond', state: 'up', 'link-aggregation': { port: ['eth1'] } }), ['eth1']);
  assert.deepEqual(portsOf(eth('eth0')), []);
});

const filterCases: { q: string; types: string[]; want: string[] }[] = [
  { q: '', types: [], want: ['eth0', 'eth1', 'br-flat', 'lo'] },
  { q: 'br', types: [], want: ['br-flat'] },
  { q: 'BRIDGE', types: [], want: ['br-flat'] },
  { q: '192.168', types: [], want: ['br-flat'] },
  { q: '', types: ['ethernet'], want: ['eth0', 'eth1'] },
  { q: 'eth0', types: ['linux-bridge'], want: [] },
];
for (const c of filterCases) {
  test(`filterInterfaces: "${c.q}" types [${c.types.join(',')}]`, () => {
    assert.deepEqual(filterInterfaces(lab, c.q, c.types).map((i) => i.name), c.want);
  });
}

const overlaps = (t: Topology): boolean => t.boxes.some((a, i) => t.boxes.some((b, j) => i < j && a.y === b.y && a.x < b.x + b.w && b.x < a.x + a.w));

const topoCases: { name: string; ifaces: NnsInterface[]; rows: string[][]; links: string[] }[] = [
  { name: "the lab's node: br-flat over eth1, eth0 alone, lo hidden", ifaces: lab, rows: [['br-flat'], ['eth1', 'eth0']], links: ['br-flat>eth1'] },
  { name: 'no controllers: one row', ifaces: [eth('b'), eth('a')], rows: [['a', 'b']], links: [] },
  {
    name: 'bridge over bond over two NICs: three rows',
    ifaces: [bridge('br0', ['bond0']), { name: 'bond0', type: 'bond', state: 'up', 'link-aggregation': { port: ['eth1', 'eth2'] } }, eth('eth1'), eth('eth2'), eth('eth0')],
    rows: [['br0'], ['bond0'], ['eth1', 'eth2', 'eth0']], links: ['br0>bond0', 'bond0>eth1', 'bond0>eth2'],
  },
  { name: 'a port the state lacks still gets a box', ifaces: [bridge('br0', ['eth9'])], rows: [['br0'], ['eth9']], links: ['br0>eth9'] },
  { name: 'two bridges, ports grouped under each', ifaces: [bridge('br1', ['eth2']), bridge('br0', ['eth1', 'eth3']), eth('eth1'), eth('eth2'), eth('eth3')], rows: [['br0', 'br1'], ['eth1', 'eth3', 'eth2']], links: ['br1>eth2', 'br0>eth1', 'br0>eth3'] },
  { name: 'empty', ifaces: [], rows: [], links: [] },
];
for (const c of topoCases) {
  test(`layoutTopology: ${c.name}`, () => {
    const t = layoutTopology(c.ifaces);
    const ys = [...new Set(t.boxes.map((b) => b.y))].sort((a, b) => a - b);
    const rows = ys.map((y) => t.boxes.filter((b) => b.y === y).sort((a, b) => a.x - b.x).map((b) => b.name));
    assert.deepEqual(rows, c.rows);
    assert.deepEqual(t.links.map((l) => `${l.from}>${l.to}`), c.links);
    assert.equal(overlaps(t), false);
    for (const b of t.boxes) assert.ok(b.x >= 0 && b.x + b.w <= t.width && b.y + b.h <= t.height, `${b.name} inside`);
    for (const l of t.links) assert.ok(l.y1 < l.y2, 'links go down from controller to port');
  });
}

test('layoutTopology: a bridge is centred over its two ports; IPs become lines; missing ports are marked', () => {
  const t = layoutTopology([bridge('br0', ['eth1', 'eth2'], '192.168.95.1'), eth('eth1'), eth('eth2')]);
  const b = (n: string) => t.boxes.find((x) => x.name === n)!;
  assert.equal(b('br0').x + BOX_W / 2, (b('eth1').x + b('eth2').x + BOX_W) / 2);
  assert.equal(b('eth2').x - b('eth1').x, BOX_W + GAP_X);
  assert.deepEqual(b('br0').ips, ['192.168.95.1/24']);
  assert.equal(b('br0').kind, 'bridge');
  assert.equal(b('eth1').kind, 'nic');
  assert.equal(layoutTopology([bridge('br0', ['eth9'])]).boxes.find((x) => x.name === 'eth9')!.missing, true);
});

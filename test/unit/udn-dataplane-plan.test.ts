// Tables for the Layer2 UDN plans: names, addresses, validation, the node's link lines and flood list, the
// nft tables, the router namespace.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VmNetworkError } from '../../src/agent/vm-network/error.js';
import { diffFloodPeers, planUdnNode, renderNodeNft } from '../../src/agent/udn/node-plan.js';
import type { ObservedLink } from '../../src/agent/udn/node-plan.js';
import { dhcpConfig, planRouter, renderRouterNft } from '../../src/agent/udn/router-plan.js';
import { MAX_VNI, gatewayMac, maskOf, nodeLabel, normalizeUdn, transitPair, udnNames } from '../../src/agent/udn/udn-plan.js';
import type { UdnNetwork, UdnNodeOptions } from '../../src/agent/udn/udn-plan.js';

const OPTS: UdnNodeOptions = { prefix: 'vn-lab1-', runDir: '/run/x', localIP: '10.89.0.10' };
const NET: UdnNetwork = {
  key: 'ns1/udn', vni: 300, subnet: '192.168.254.0/24', gateway: '192.168.254.1', peers: ['10.89.0.11'],
  reservations: [{ mac: '02:00:00:00:00:01', ip: '192.168.254.10', hostname: 'vm1' }],
};
const norm = (net: Partial<UdnNetwork> = {}, opts: Partial<UdnNodeOptions> = {}, uplinkMtu = 1500): ReturnType<typeof normalizeUdn> =>
  normalizeUdn({ ...NET, ...net }, { ...OPTS, ...opts }, 'worker-0', uplinkMtu);

describe('UDN names and addresses', () => {
  it('derives ≤ 15-byte link names from the VNI and the router namespace from prefix, VNI and node', () => {
    assert.deepEqual(udnNames(300, 'vn-lab1-', 'worker-0'),
      { bridge: 'vnu12c', vxlan: 'vnx12c', routerPort: 'vnr12c', transit: 'vnt12c', router: 'vn-lab1-r300-worker-0' });
    assert.equal(udnNames(MAX_VNI, 'vn-x-', 'n').bridge.length <= 15, true);
  });

  it('gives every node the same gateway MAC, outside the VM pool (02:…)', () => {
    for (const [vni, mac] of [[1, '0a:76:6e:00:00:01'], [300, '0a:76:6e:00:01:2c'], [MAX_VNI, '0a:76:6e:00:3f:00']] as const) {
      assert.equal(gatewayMac(vni), mac);
    }
  });

  it('takes two transit addresses per network from 169.254.0.0/17, past 169.254.1.1', () => {
    for (const [vni, router, node] of [[1, '169.254.2.0', '169.254.2.1'], [2, '169.254.2.2', '169.254.2.3'],
      [MAX_VNI, '169.254.127.254', '169.254.127.255']] as const) {
      assert.deepEqual(transitPair(vni), { router, node });
    }
    for (const bad of [0, MAX_VNI + 1, 1.5]) assert.throws(() => transitPair(bad), VmNetworkError);
  });

  it('masks', () => {
    assert.deepEqual([0, 8, 16, 24, 29, 32].map(maskOf), ['0.0.0.0', '255.0.0.0', '255.255.0.0', '255.255.255.0', '255.255.255.248', '255.255.255.255']);
  });

  it('names the node from its namespace without the prefix', () => {
    assert.equal(nodeLabel('vn-lab1-worker-0', { prefix: 'vn-lab1-' }), 'worker-0');
    assert.equal(nodeLabel('vn-lab1-worker-0', { prefix: 'vn-lab1-', node: 'w0' }), 'w0');
  });
});

describe('UDN validation', () => {
  it('defaults the MTU to the uplink less 50 and refuses more', () => {
    assert.equal(norm().mtu, 1450);
    assert.equal(norm({}, {}, 9000).mtu, 8950);
    assert.equal(norm({ mtu: 1400 }).mtu, 1400);
    assert.throws(() => norm({ mtu: 1500 }), /network MTU 1500 must be an integer between 576 and 1450/);
  });

  const bad: [string, Partial<UdnNetwork>, RegExp][] = [
    ['gateway not first', { gateway: '192.168.254.2' }, /must be the first address of 192\.168\.254\.0\/24 \(192\.168\.254\.1\)/],
    ['host bits', { subnet: '192.168.254.1/24' }, /is not an IPv4 network/],
    ['tiny subnet', { subnet: '192.168.254.0/30', gateway: '192.168.254.1' }, /too small/],
    ['key with a space', { key: 'a b' }, /network key/],
    ['peer not IPv4', { peers: ['node-2'] }, /peer "node-2"/],
    ['own address as peer', { peers: ['10.89.0.10'] }, /this node's own address/],
    ['reservation outside', { reservations: [{ mac: '02:00:00:00:00:01', ip: '10.0.0.5', hostname: 'a' }] }, /not a host address/],
    ['reservation on the gateway', { reservations: [{ mac: '02:00:00:00:00:01', ip: '192.168.254.1', hostname: 'a' }] }, /is the gateway/],
    ['multicast MAC', { reservations: [{ mac: '03:00:00:00:00:01', ip: '192.168.254.5', hostname: 'a' }] }, /multicast/],
    ['same IP twice', { reservations: [{ mac: '02:00:00:00:00:01', ip: '192.168.254.5', hostname: 'a' }, { mac: '02:00:00:00:00:02', ip: '192.168.254.5', hostname: 'b' }] },
      /192\.168\.254\.5 is reserved for both/],
    ['hostname', { reservations: [{ mac: '02:00:00:00:00:01', ip: '192.168.254.5', hostname: 'Not_A_Label' }] }, /not a DNS label/],
    ['DNS', { dns: ['dns.local'] }, /DNS server/],
  ];
  for (const [name, net, re] of bad) it(`refuses: ${name}`, () => assert.throws(() => norm(net), (e: Error) => e instanceof VmNetworkError && re.test(e.message)));
});

describe('the node plan', () => {
  const n = norm();
  const none = { links: new Map<string, ObservedLink>(), floodPeers: [] };

  it('creates bridge, VXLAN, both veths and the flood entries on a bare node', () => {
    const p = planUdnNode(n, none);
    assert.deepEqual(p.del, []);
    assert.deepEqual(p.ip.map((l) => l.join(' ')), [
      'link add vnu12c mtu 1450 type bridge',
      'link set vnu12c alias udn/ns1/udn',
      'link add vnx12c mtu 1450 type vxlan id 300 local 10.89.0.10 dstport 4789 dev eth0 learning',
      'link set vnx12c master vnu12c',
      'link add vnr12c mtu 1450 type veth peer name vn-lan mtu 1450 netns vn-lab1-r300-worker-0',
      'link set vnr12c master vnu12c',
      'link add vnt12c mtu 1450 type veth peer name vn-up mtu 1450 netns vn-lab1-r300-worker-0',
      'addr add 169.254.4.87/31 dev vnt12c',
      'link set vnu12c up', 'link set vnx12c up', 'link set vnr12c up', 'link set vnt12c up',
    ]);
    assert.deepEqual(p.bridge, [['fdb', 'append', '00:00:00:00:00:00', 'dev', 'vnx12c', 'dst', '10.89.0.11']]);
    assert.ok(p.sysctls.includes('net.ipv4.ip_forward=1'));
  });

  it('plans nothing but the flood list change on a node that has it all', () => {
    const links = new Map<string, ObservedLink>([
      ['vnu12c', { kind: 'bridge', mtu: 1450, up: true, alias: 'udn/ns1/udn' }],
      ['vnx12c', { kind: 'vxlan', mtu: 1450, up: true, master: 'vnu12c', vxlan: { id: 300, local: '10.89.0.10', port: 4789, learning: true } }],
      ['vnr12c', { kind: 'veth', mtu: 1450, up: true, master: 'vnu12c' }],
      ['vnt12c', { kind: 'veth', mtu: 1450, up: true, addresses: ['169.254.4.87/31'] }],
    ]);
    const p = planUdnNode(norm({ peers: ['10.89.0.12'] }), { links, floodPeers: ['10.89.0.11'] });
    assert.deepEqual([p.del, p.ip], [[], []]);
    assert.deepEqual(p.bridge.map((l) => l.join(' ')), ['fdb del 00:00:00:00:00:00 dev vnx12c dst 10.89.0.11', 'fdb append 00:00:00:00:00:00 dev vnx12c dst 10.89.0.12']);
  });

  it('remakes a VXLAN device with other parameters and a link of the wrong kind', () => {
    const links = new Map<string, ObservedLink>([
      ['vnx12c', { kind: 'vxlan', mtu: 1450, up: true, master: 'vnu12c', vxlan: { id: 300, local: '10.89.0.99', port: 4789, learning: true } }],
      ['vnr12c', { kind: 'bridge', mtu: 1500, up: true }],
    ]);
    const p = planUdnNode(n, { links, floodPeers: [] });
    assert.deepEqual(p.del, [['link', 'del', 'vnx12c'], ['link', 'del', 'vnr12c']]);
    assert.ok(p.ip.some((l) => l.join(' ').startsWith('link add vnx12c')));
    assert.ok(p.ip.some((l) => l.join(' ').startsWith('link add vnr12c')));
  });

  it('asks for nolearning when learning is off', () => {
    assert.ok(planUdnNode(norm({}, { learning: false }), none).ip.some((l) => l.at(-1) === 'nolearning'));
  });

  it('diffs the flood list', () => {
    assert.deepEqual(diffFloodPeers(['a', 'b'], ['b', 'c']), { add: ['c'], del: ['a'] });
    assert.deepEqual(diffFloodPeers([], []), { add: [], del: [] });
  });

  it('isolates by link name pattern, masquerades to the uplink, keeps the gateway off the overlay', () => {
    const s = renderNodeNft('eth0', '10.128.0.0/14');
    for (const rule of [
      'iifname "vnt*" oifname != "eth0" counter drop',
      'iifname "vnt*" ip daddr 10.128.0.0/14 counter drop',
      'oifname "vnt*" ct state established,related accept',
      'iifname "vnu*" oifname != "vnu*" counter drop',
      'iifname "vnt*" oifname "eth0" masquerade',
      'iifname "vnx*" ether saddr & ff:ff:ff:00:00:00 == 0a:76:6e:00:00:00 counter drop',
      'iifname "vnr*" oifname "vnx*" counter drop',
      'iifname "vnx*" oifname "vnr*" counter drop',
      'oifname "vnx*" udp dport 67 counter drop',
      'iifname "vnx*" udp dport 67 counter drop',
    ]) assert.ok(s.includes(rule), rule);
    assert.ok(s.startsWith('add table inet vn_udn\ndelete table inet vn_udn\n'), 'replaced atomically');
  });
});

describe('the router plan', () => {
  const n = norm();
  it('puts the gateway with its shared MAC on the LAN side and the transit address upstream', () => {
    const p = planRouter(n);
    const lines = p.ip.map((l) => l.join(' '));
    for (const l of ['link set vn-lan address 0a:76:6e:00:01:2c mtu 1450', 'addr replace 192.168.254.1/24 dev vn-lan', 'addr replace 169.254.4.86/31 dev vn-up',
      'addr replace 169.254.1.1/32 dev lo', 'route replace default via 169.254.4.87 dev vn-up', 'route replace 255.255.255.255/32 dev vn-lan']) {
      assert.ok(lines.includes(l), l);
    }
    assert.ok(p.sysctls.includes('net.ipv6.conf.default.disable_ipv6=1'));
  });

  it('SNATs the subnet to the transit address, forwards out only, answers DHCP and ping on the gateway only', () => {
    const s = renderRouterNft(n);
    for (const rule of ['oifname "vn-up" ip saddr 192.168.254.0/24 snat to 169.254.4.86', 'iifname "vn-lan" oifname "vn-up" ip saddr 192.168.254.0/24 accept',
      'iifname "vn-up" oifname "vn-lan" ct state established,related accept', 'iifname "vn-lan" udp dport 67 accept',
      'iifname "vn-lan" ip daddr 192.168.254.1 icmp type echo-request accept']) assert.ok(s.includes(rule), rule);
    assert.match(s, /chain forward \{\n\s+type filter hook forward priority filter; policy drop;/);
  });

  it('configures DHCP with OVN\'s options', () => {
    const c = dhcpConfig(norm({ dns: ['172.30.0.10'] }));
    assert.deepEqual({ ...c, reservations: c.reservations.length }, {
      key: 'ns1/udn', vni: 300, routerNetns: 'vn-lab1-r300-worker-0', serverId: '169.254.1.1', subnet: '192.168.254.0/24', gateway: '192.168.254.1',
      subnetMask: '255.255.255.0', broadcast: '192.168.254.255', mtu: 1450, dns: ['172.30.0.10'], leaseSeconds: 3500, reservations: 1,
    });
  });
});

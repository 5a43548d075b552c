// Pure conversions of iproute2 JSON to nmstate's current state: a golden case captured from a real
// namespace (test/fixtures/iproute2/bridge-veth, re-capture with VN_CAPTURE_FIXTURES=1, see
// nmstate-kernel.test.ts) and tables for what that topology does not show.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  fromIproute2, interfacesFrom, parseResolvConf, portVlan, routeRulesFrom, routesFrom,
} from '../../src/agent/nmstate/current-state.js';
import type { BridgeVlanEntry, IpAddrLink, IpLink, Iproute2Samples } from '../../src/agent/nmstate/current-state.js';
import type { NetworkState } from '../../src/agent/nmstate/types.js';
import { renderResolvConf } from '../../src/agent/nmstate/executor.js';
import { commandArgv, formatCommand } from '../../src/agent/netns.js';

const FIXTURES = new URL('../../../test/fixtures/iproute2/', import.meta.url);

function loadCase(name: string): { samples: Iproute2Samples; expected: unknown } {
  const dir = new URL(`${name}/`, FIXTURES);
  const json = (f: string): never => JSON.parse(readFileSync(new URL(`${f}.json`, dir), 'utf8')) as never;
  const samples: Iproute2Samples = {
    link: json('link'), addr: json('addr'), route4: json('route4'), route6: json('route6'),
    rule4: json('rule4'), rule6: json('rule6'), vlan: json('vlan'),
    resolvConf: readFileSync(new URL('resolvConf.txt', dir), 'utf8'),
  };
  return { samples, expected: json('expected') };
}

describe('fromIproute2 golden: bridge-veth (captured)', () => {
  const { samples, expected } = loadCase('bridge-veth');
  const st = fromIproute2(samples);

  it('matches expected.json', () => assert.deepEqual(st, expected));

  it('is a valid input of the engine (types.ts NetworkState)', () => {
    const asEngineInput: NetworkState = st;
    assert.ok(asEngineInput.interfaces !== undefined);
  });

  it('has nmstate types, STP options in seconds and port settings', () => {
    const types = Object.fromEntries(st.interfaces.map((i) => [i.name.replace(/^vn-t\d+/, ''), i.type]));
    assert.deepEqual(types, { lo: 'loopback', b0: 'linux-bridge', p0: 'veth', q0: 'veth', e0: 'veth', x0: 'vxlan' });
    const br = st.interfaces.find((i) => i.type === 'linux-bridge');
    assert.deepEqual(br?.bridge?.options.stp,
      { enabled: true, 'forward-delay': 4, 'hello-time': 3, 'max-age': 12, priority: 4096 });
    assert.equal(br?.bridge?.port.length, 1);
    assert.equal(br?.bridge?.port[0]?.['stp-path-cost'], 7);
    assert.equal(br?.bridge?.options['vlan-protocol'], undefined, 'this kernel reports no vlan_protocol');
  });

  it('lists no IPv6 link-local address and no kernel route', () => {
    for (const i of st.interfaces) {
      for (const a of i.ipv6?.address ?? []) assert.doesNotMatch(a.ip, /^fe80:/i);
    }
    assert.equal(st.routes.running.length, 4);
    assert.deepEqual(st.routes.running.map((r) => r.destination).sort(),
      ['0.0.0.0/0', '10.88.0.0/16', '10.99.0.0/16', '::/0']);
  });
});

describe('portVlan (nmstate linux_bridge_port_vlan.rs)', () => {
  const cases: [string, BridgeVlanEntry[], unknown][] = [
    ['default vlan 1 only: no vlan section', [{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }], undefined],
    ['access', [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }], { mode: 'access', tag: 10, 'trunk-tags': [] }],
    ['trunk with id and range', [{ vlan: 1, flags: ['PVID', 'Egress Untagged'] }, { vlan: 20, vlanEnd: 30 },
      { vlan: 100 }], { mode: 'trunk', 'enable-native': false, 'trunk-tags': [{ 'id-range': { min: 20, max: 30 } },
      { id: 100 }] }],
    ['trunk with native vlan', [{ vlan: 5, flags: ['PVID', 'Egress Untagged'] }, { vlan: 100 }],
      { mode: 'trunk', 'enable-native': true, tag: 5, 'trunk-tags': [{ id: 100 }] }],
  ];
  for (const [name, entries, want] of cases) it(name, () => assert.deepEqual(portVlan(entries), want));
});

describe('interfacesFrom', () => {
  const bridge = (filtering: number): IpLink => ({
    ifindex: 2, ifname: 'br0', flags: ['BROADCAST', 'MULTICAST', 'UP'], mtu: 1500, link_type: 'ether',
    address: 'aa:bb:cc:dd:ee:ff',
    linkinfo: { info_kind: 'bridge', info_data: { forward_delay: 1500, hello_time: 200, max_age: 2000,
      ageing_time: 30000, stp_state: 0, priority: 32768, vlan_filtering: filtering, vlan_protocol: '802.1Q',
      vlan_default_pvid: 1, group_fwd_mask: '0x8', mcast_snooping: 0, mcast_router: 1 } },
  });
  const port: IpLink = { ifindex: 3, ifname: 'eth1', flags: ['UP'], link_type: 'ether', master: 'br0',
    linkinfo: { info_slave_kind: 'bridge', info_slave_data: { priority: 32, cost: 100, hairpin: true } } };

  it('reads bridge options and, with VLAN filtering, port VLANs', () => {
    const [br] = interfacesFrom([bridge(1), port], [],
      [{ ifname: 'eth1', vlans: [{ vlan: 10, flags: ['PVID', 'Egress Untagged'] }] }]);
    assert.deepEqual(br?.bridge, {
      options: { stp: { enabled: false, 'forward-delay': 15, 'hello-time': 2, 'max-age': 20, priority: 32768 },
        'group-forward-mask': 8, 'mac-ageing-time': 300, 'multicast-snooping': false, 'multicast-router': 'auto',
        'vlan-protocol': '802.1q', 'vlan-default-pvid': 1 },
      port: [{ name: 'eth1', 'stp-hairpin-mode': true, 'stp-path-cost': 100, 'stp-priority': 32,
        vlan: { mode: 'access', tag: 10, 'trunk-tags': [] } }],
    });
    assert.equal(br?.['mac-address'], 'AA:BB:CC:DD:EE:FF');
  });

  it('leaves port VLANs out without filtering', () => {
    const [br] = interfacesFrom([bridge(0), port], [], [{ ifname: 'eth1', vlans: [{ vlan: 10 }] }]);
    assert.equal(br?.bridge?.port[0]?.vlan, undefined);
    assert.equal(br?.bridge?.options['vlan-default-pvid'], undefined);
  });

  it('marks dynamic addresses as dhcp/autoconf, keeps IPv6 enabled with only a link-local', () => {
    const eth: IpLink = { ifindex: 4, ifname: 'eth0', flags: ['UP'], link_type: 'ether' };
    const addrs: IpAddrLink[] = [{ ifindex: 4, ifname: 'eth0', addr_info: [
      { family: 'inet', local: '192.0.2.7', prefixlen: 24, valid_life_time: 600, dynamic: true },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link', valid_life_time: 4294967295 },
    ] }];
    const [i] = interfacesFrom([eth], addrs, []);
    assert.equal(i?.type, 'ethernet');
    assert.deepEqual(i?.ipv4, { enabled: true, dhcp: true, address: [{ ip: '192.0.2.7', 'prefix-length': 24 }] });
    assert.deepEqual(i?.ipv6, { enabled: true, dhcp: false, autoconf: false, address: [] });
    const [down] = interfacesFrom([{ ...eth, flags: [] }], [], []);
    assert.deepEqual([down?.state, down?.ipv4, down?.ipv6], ['down', { enabled: false }, { enabled: false }]);
  });

  it('reads vlan, bond and unknown kinds', () => {
    const links: IpLink[] = [
      { ifindex: 5, ifname: 'eth0.10', link: 'eth0', flags: [], linkinfo: { info_kind: 'vlan',
        info_data: { protocol: '802.1Q', id: 10 } } },
      { ifindex: 6, ifname: 'bond0', flags: [], linkinfo: { info_kind: 'bond',
        info_data: { mode: 'active-backup', miimon: 100 } } },
      { ifindex: 7, ifname: 'eth2', flags: [], master: 'bond0', linkinfo: { info_slave_kind: 'bond' } },
      { ifindex: 8, ifname: 'gre1', flags: [], link_type: 'gre', linkinfo: { info_kind: 'gre' } },
    ];
    const st = interfacesFrom(links, [], []);
    const get = (n: string): (typeof st)[number] | undefined => st.find((i) => i.name === n);
    assert.deepEqual(get('eth0.10')?.vlan, { 'base-iface': 'eth0', id: 10, protocol: '802.1q' });
    assert.deepEqual(get('bond0')?.['link-aggregation'], { mode: 'active-backup', port: ['eth2'],
      options: { miimon: 100 } });
    assert.equal(get('gre1')?.type, 'unknown');
  });
});

describe('routesFrom', () => {
  it('keeps static/boot in config, dynamic protocols only in running, drops kernel and local routes', () => {
    const r = routesFrom([
      { dst: '10.0.0.0/24', dev: 'eth0', protocol: 'kernel', scope: 'link', prefsrc: '10.0.0.5' },
      { type: 'local', dst: '10.0.0.5', dev: 'eth0', table: 'local', protocol: 'kernel', scope: 'host' },
      { dst: 'default', gateway: '10.0.0.1', dev: 'eth0', protocol: 'dhcp', prefsrc: '10.0.0.5', metric: 100 },
      { dst: '10.1.1.1', gateway: '10.0.0.2', dev: 'eth0', protocol: 'static', table: '200' },
      { type: 'blackhole', dst: '10.9.0.0/16', protocol: 'static' },
      { dst: '10.2.0.0/16', protocol: 'static', nexthops: [{ gateway: '10.0.0.3', dev: 'eth0', weight: 1 },
        { gateway: '10.0.0.4', dev: 'eth1', weight: 3 }] },
      { dst: 'fd00::/64', dev: 'eth0', protocol: 'static', metric: 1024 },
    ], [{ dst: 'fd01::/64', via: { family: 'inet6', host: 'fd00::1' }, dev: 'eth0', protocol: 'ra', metric: 100 }]);
    assert.deepEqual(r.running, [
      { destination: '0.0.0.0/0', 'next-hop-interface': 'eth0', 'next-hop-address': '10.0.0.1', metric: 100,
        'table-id': 254, source: '10.0.0.5' },
      { destination: '10.1.1.1/32', 'next-hop-interface': 'eth0', 'next-hop-address': '10.0.0.2', 'table-id': 200 },
      { destination: '10.9.0.0/16', 'table-id': 254, 'route-type': 'blackhole' },
      { destination: '10.2.0.0/16', 'next-hop-interface': 'eth0', 'next-hop-address': '10.0.0.3', 'table-id': 254,
        weight: 1 },
      { destination: '10.2.0.0/16', 'next-hop-interface': 'eth1', 'next-hop-address': '10.0.0.4', 'table-id': 254,
        weight: 3 },
      { destination: 'fd01::/64', 'next-hop-interface': 'eth0', 'next-hop-address': 'fd00::1', metric: 100,
        'table-id': 254 },
    ]);
    assert.deepEqual(r.config.map((e) => e.destination), ['10.1.1.1/32', '10.9.0.0/16', '10.2.0.0/16', '10.2.0.0/16']);
  });
});

describe('routeRulesFrom', () => {
  it('drops kernel default rules and reads selectors, marks and actions', () => {
    const rules = routeRulesFrom([
      { priority: 0, src: 'all', table: 'local', protocol: 'kernel' },
      { priority: 100, src: '192.0.2.0', srclen: 24, table: '50', protocol: 'unspec', fwmark: '0x10', fwmask: '0xff' },
      { priority: 101, src: 'all', dst: '198.51.100.7', iif: 'eth1', action: 'blackhole', protocol: 'static' },
      { priority: 102, src: 'all', action: 'goto', protocol: 'static' },
      { priority: 32766, src: 'all', table: 'main', protocol: 'kernel' },
    ], [{ priority: 200, src: 'all', dst: 'fd00::', dstlen: 64, table: 'main', suppress_prefixlen: 0 }]);
    assert.deepEqual(rules, [
      { family: 'ipv4', 'ip-from': '192.0.2.0/24', priority: 100, 'route-table': 50, fwmark: 16, fwmask: 255 },
      { family: 'ipv4', 'ip-to': '198.51.100.7/32', priority: 101, action: 'blackhole', iif: 'eth1' },
      { family: 'ipv6', 'ip-to': 'fd00::/64', priority: 200, 'route-table': 254, 'suppress-prefix-length': 0 },
    ]);
  });
});

describe('resolv.conf', () => {
  it('parses nameserver, the last search and options lines, and ignores comments', () => {
    assert.deepEqual(parseResolvConf('# generated\nsearch a.example\nnameserver 192.0.2.53\nsearch b.example c\n' +
      'options ndots:5 edns0\nnameserver 2001:db8::53\n'),
    { search: ['b.example', 'c'], server: ['192.0.2.53', '2001:db8::53'], options: ['ndots:5', 'edns0'] });
    assert.deepEqual(parseResolvConf(null), {});
  });

  it('renders what it parses back', () => {
    const dns = { server: ['192.0.2.53'], search: ['lab.example'], options: ['rotate'] };
    assert.equal(renderResolvConf(dns), 'options rotate\nsearch lab.example\nnameserver 192.0.2.53\n');
    assert.deepEqual(parseResolvConf(renderResolvConf(dns)), dns);
    assert.equal(renderResolvConf({}), '');
  });
});

describe('netns command lines', () => {
  it('uses -n for iproute2, nsenter --net for nft and sysctl, ip netns exec otherwise', () => {
    assert.deepEqual(commandArgv('ip', ['link', 'show'], 'vn-x'), ['ip', '-n', 'vn-x', 'link', 'show']);
    assert.deepEqual(commandArgv('bridge', ['vlan', 'show'], 'vn-x'), ['bridge', '-n', 'vn-x', 'vlan', 'show']);
    assert.deepEqual(commandArgv('sysctl', ['-w', 'a=1'], 'vn-x'), ['nsenter', '--net=/run/netns/vn-x', 'sysctl', '-w', 'a=1']);
    assert.deepEqual(commandArgv('nft', ['-f', '-'], 'vn-x'), ['nsenter', '--net=/run/netns/vn-x', 'nft', '-f', '-']);
    assert.deepEqual(commandArgv('dnsmasq', ['-k'], 'vn-x'), ['ip', 'netns', 'exec', 'vn-x', 'dnsmasq', '-k']);
    assert.deepEqual(commandArgv('ip', ['link']), ['ip', 'link']);
    assert.throws(() => commandArgv('ip', [], '../etc'), /invalid network namespace name/);
    assert.throws(() => commandArgv('ip', [], 'a b'), /invalid network namespace name/);
  });

  it('quotes arguments that need it in messages', () => {
    assert.equal(formatCommand(['ip', 'link', 'set', 'x', 'alias', 'two words', '']), 'ip link set x alias "two words" ""');
  });
});

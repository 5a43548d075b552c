// The netns runtime's pure parts: validation, the ip batches, helper argv, ip -json → guest interfaces.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkDistinctHostLinks, checkNic, consoleArgs, deleteLinkLines, guestBatch, hostLinkLines, nextGuestName,
  placeNics, routeMetric, safeHostname, toGuestInterfaces, udhcpcArgs, vmNetnsName,
} from '../../src/runtime/netns/plan.js';
import { batchFailures } from '../../src/runtime/netns/ip-batcher.js';
import type { NicLaunch } from '../../src/runtime/runtime.js';

const nic = (over: Partial<NicLaunch> = {}): NicLaunch => ({
  name: 'default', mac: '02:5a:00:00:00:01', model: 'virtio', hostIfName: 'vn-x-tap0', bridge: 'k6t-eth0',
  ip: { mode: 'dhcp' }, ...over,
});

describe('checkNic', () => {
  const ok: [string, NicLaunch][] = [
    ['dhcp', nic()],
    ['none', nic({ ip: { mode: 'none' } })],
    ['static v4 with gateway', nic({ ip: { mode: 'static', cidr: '10.0.2.2/24', gateway: '10.0.2.1' } })],
    ['static v6', nic({ ip: { mode: 'static', cidr: 'fd00::2/64', gateway: 'fd00::1' } })],
    ['static /32', nic({ ip: { mode: 'static', cidr: '192.0.2.1/32' } })],
  ];
  for (const [what, n] of ok) test(`accepts ${what}`, () => assert.doesNotThrow(() => checkNic(n)));

  const bad: [string, NicLaunch, RegExp][] = [
    ['uppercase MAC', nic({ mac: '02:5A:00:00:00:01' }), /invalid MAC/],
    ['short MAC', nic({ mac: '02:5a:00:00:01' }), /invalid MAC/],
    ['host link with space', nic({ hostIfName: 'a b' }), /invalid interface name/],
    ['host link too long', nic({ hostIfName: 'a234567890123456' }), /invalid interface name/],
    ['bridge with #', nic({ bridge: 'br#1' }), /invalid interface name/],
    ['no prefix', nic({ ip: { mode: 'static', cidr: '10.0.0.1' } }), /invalid static address/],
    ['prefix too long', nic({ ip: { mode: 'static', cidr: '10.0.0.1/33' } }), /invalid static address/],
    ['octet 256', nic({ ip: { mode: 'static', cidr: '10.0.0.256/24' } }), /invalid static address/],
    ['words in address', nic({ ip: { mode: 'static', cidr: '10.0.0.1/24 dev lo' } }), /invalid static address/],
    ['v6 gateway for v4', nic({ ip: { mode: 'static', cidr: '10.0.0.2/24', gateway: 'fd00::1' } }), /invalid gateway/],
    ['gateway with words', nic({ ip: { mode: 'static', cidr: '10.0.0.2/24', gateway: '10.0.0.1 x' } }), /invalid gateway/],
  ];
  for (const [what, n, re] of bad) test(`rejects ${what}`, () => assert.throws(() => checkNic(n), re));

  test('two NICs on one host link name', () => {
    assert.throws(() => checkDistinctHostLinks([nic(), nic({ name: 'b' })]), /vn-x-tap0/);
    assert.doesNotThrow(() => checkDistinctHostLinks([nic(), nic({ name: 'b', hostIfName: 'vn-x-tap1' })]));
  });
});

describe('batches', () => {
  const placed = placeNics([
    nic(),
    nic({ name: 'b', mac: '02:5a:00:00:00:02', hostIfName: 'vn-x-tap1', ip: { mode: 'static', cidr: '10.1.0.5/16', gateway: '10.1.0.1' } }),
    nic({ name: 'c', mac: '02:5a:00:00:00:03', hostIfName: 'vn-x-tap2', ip: { mode: 'static', cidr: 'fd00::5/64' } }),
  ]);

  test('NICs are eth0, eth1, … in order', () => {
    assert.deepEqual(placed.map((p) => p.guestName), ['eth0', 'eth1', 'eth2']);
  });

  test('host lines: one veth per NIC, host end on the bridge and up, guest end named and in the VM', () => {
    assert.deepEqual(hostLinkLines(placed.slice(0, 2), 'vn-l-vm-a'), [
      'link add vn-x-tap0 master k6t-eth0 up type veth peer name eth0 address 02:5a:00:00:00:01 netns vn-l-vm-a',
      'link add vn-x-tap1 master k6t-eth0 up type veth peer name eth1 address 02:5a:00:00:00:02 netns vn-l-vm-a',
    ]);
    assert.deepEqual(deleteLinkLines(['vn-x-tap0', 'vn-x-tap1']), ['link del vn-x-tap0', 'link del vn-x-tap1']);
  });

  test('guest batch: lo, non-DHCP links up, static addresses and routes with per-NIC metrics', () => {
    assert.equal(guestBatch(placed, true), [
      'link set lo up',
      'link set eth1 up',
      'addr add 10.1.0.5/16 dev eth1',
      'route replace default via 10.1.0.1 dev eth1 metric 101',
      'link set eth2 up',
      'addr add fd00::5/64 dev eth2 nodad',
      '',
    ].join('\n'));
  });

  test('guest batch: nothing for DHCP-only VMs (the lease script brings links and lo up)', () => {
    assert.equal(guestBatch(placed.slice(0, 1), true), '');
    assert.equal(guestBatch(placed.slice(0, 1), false), '');
    assert.equal(guestBatch([], true), 'link set lo up\n');
    assert.equal(guestBatch(placed.slice(1, 2), false), [
      'link set eth1 up', 'addr add 10.1.0.5/16 dev eth1', 'route replace default via 10.1.0.1 dev eth1 metric 101', '',
    ].join('\n'));
  });

  test('next guest name fills from eth0 up, skipping names in use', () => {
    assert.equal(nextGuestName([]), 'eth0');
    assert.equal(nextGuestName(['eth0', 'eth1']), 'eth2');
    assert.equal(nextGuestName(['eth0', 'eth2']), 'eth1');
    assert.equal(routeMetric('eth3'), 103);
  });

  test('batch failures: ip messages grouped by the line that failed', () => {
    const stderr = 'Cannot create namespace file "/run/netns/x": File exists\nCommand failed -:2\n' +
      'RTNETLINK answers: File exists\nError: something else\nCommand failed -:5\nCommand failed -:6\n';
    assert.deepEqual([...batchFailures(stderr)], [
      [2, ['Cannot create namespace file "/run/netns/x": File exists']],
      [5, ['RTNETLINK answers: File exists', 'Error: something else']],
      [6, []],
    ]);
    assert.equal(batchFailures('').size, 0);
  });
});

describe('helper processes', () => {
  test('names', () => {
    assert.equal(vmNetnsName('vn-lab1-', 'web-0'), 'vn-lab1-vm-web-0');
    assert.equal(safeHostname('web $(reboot)'), 'web---reboot-');
    assert.equal(safeHostname(''), 'vm');
  });

  test('udhcpc: foreground, release on exit, retries for ever, hostname sent', () => {
    assert.deepEqual(udhcpcArgs('/bin/busybox', 'eth1', '/s/a/udhcpc.script', 'web 1'), [
      '/bin/busybox', 'udhcpc', '-i', 'eth1', '-f', '-R', '-t', '5', '-T', '1', '-A', '1', '-O', 'mtu',
      '-x', 'hostname:web-1', '-s', '/s/a/udhcpc.script',
    ]);
  });

  test('console: socat on a relative socket, a shell on a pty in the VM namespace', () => {
    assert.deepEqual(consoleArgs('vn-l-vm-a', '/usr/bin/busybox', 'console.sock'), [
      'UNIX-LISTEN:console.sock,fork,unlink-early,mode=600',
      'EXEC:ip netns exec vn-l-vm-a /usr/bin/busybox sh -i,pty,setsid,ctty,stderr,sane',
    ]);
    assert.throws(() => consoleArgs('vn-l-vm-a', '/opt/my box/busybox', 'console.sock'), /not usable/);
  });
});

describe('toGuestInterfaces', () => {
  test('skips lo, IPv4 first, drops IPv6 link-local, lowercases MACs', () => {
    const json = [
      { ifindex: 1, ifname: 'lo', link_type: 'loopback', address: '00:00:00:00:00:00',
        addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host' }] },
      { ifindex: 2, ifname: 'eth0', link_type: 'ether', address: '02:5A:00:00:00:01', addr_info: [
        { family: 'inet6', local: 'fd00::5', prefixlen: 64, scope: 'global' },
        { family: 'inet6', local: 'fe80::5a:ff:fe00:1', prefixlen: 64, scope: 'link' },
        { family: 'inet', local: '10.0.2.2', prefixlen: 24, scope: 'global', dynamic: true },
      ] },
      { ifindex: 3, ifname: 'eth1', link_type: 'ether', address: '02:5a:00:00:00:02', addr_info: [] },
    ];
    assert.deepEqual(toGuestInterfaces(json), [
      { name: 'eth0', mac: '02:5a:00:00:00:01', ipAddresses: ['10.0.2.2', 'fd00::5'] },
      { name: 'eth1', mac: '02:5a:00:00:00:02', ipAddresses: [] },
    ]);
  });
});

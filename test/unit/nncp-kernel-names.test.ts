import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDesiredStateKernelValues } from '../../src/apis/nmstate.io/v1/kernel-names.js';

const fields = (ds: unknown): string[] => validateDesiredStateKernelValues(ds).map((e) => e.field);

describe('NNCP desiredState values that reach the kernel', () => {
  it('accepts the guide’s policies and capture references', () => {
    assert.deepEqual(fields({
      interfaces: [
        { name: 'br-flat', type: 'linux-bridge', state: 'up', mtu: 1500, bridge: { options: { stp: { enabled: false } }, port: [{ name: 'eth1' }] }, ipv4: { enabled: true, address: [{ ip: '192.168.3.1', 'prefix-length': 24 }] } },
        { name: 'eth1.100', type: 'vlan', vlan: { 'base-iface': 'eth1', id: 100 } },
        { name: 'vx0', type: 'vxlan', vxlan: { 'base-iface': 'eth0', id: 10, remote: 'fd00::1' } },
      ],
      routes: { config: [{ destination: '0.0.0.0/0', 'next-hop-address': '{{ capture.gw.routes.running.0.next-hop-address }}', 'next-hop-interface': '{{ capture.gw.routes.running.0.next-hop-interface }}' }] },
    }), []);
    assert.deepEqual(fields(undefined), []);
  });

  const table: [string, unknown, string][] = [
    ['16 bytes', { interfaces: [{ name: 'a'.repeat(16) }] }, 'spec.desiredState.interfaces[0].name'],
    ['a semicolon', { interfaces: [{ name: 'x;reboot' }] }, 'spec.desiredState.interfaces[0].name'],
    ['a command substitution', { interfaces: [{ name: '$(id)' }] }, 'spec.desiredState.interfaces[0].name'],
    ['a newline', { interfaces: [{ name: 'a\nb' }] }, 'spec.desiredState.interfaces[0].name'],
    ['a NUL', { interfaces: [{ name: 'a\u0000' }] }, 'spec.desiredState.interfaces[0].name'],
    ['dot-dot', { interfaces: [{ name: '..' }] }, 'spec.desiredState.interfaces[0].name'],
    ['a slash', { interfaces: [{ name: 'a/b' }] }, 'spec.desiredState.interfaces[0].name'],
    ['unicode', { interfaces: [{ name: 'ëth0' }] }, 'spec.desiredState.interfaces[0].name'],
    ['a number', { interfaces: [{ name: 7 }] }, 'spec.desiredState.interfaces[0].name'],
    ['a bridge port', { interfaces: [{ name: 'br0', bridge: { port: [{ name: 'eth1|x' }] } }] }, 'spec.desiredState.interfaces[0].bridge.port[0].name'],
    ['a controller', { interfaces: [{ name: 'e', controller: '`x`' }] }, 'spec.desiredState.interfaces[0].controller'],
    ['VLAN 0', { interfaces: [{ name: 'v', vlan: { 'base-iface': 'eth1', id: 0 } }] }, 'spec.desiredState.interfaces[0].vlan.id'],
    ['VLAN 4095', { interfaces: [{ name: 'v', vlan: { 'base-iface': 'eth1', id: 4095 } }] }, 'spec.desiredState.interfaces[0].vlan.id'],
    ['VLAN base', { interfaces: [{ name: 'v', vlan: { 'base-iface': 'eth1 x', id: 5 } }] }, 'spec.desiredState.interfaces[0].vlan.base-iface'],
    ['VXLAN id', { interfaces: [{ name: 'v', vxlan: { id: 1 << 24 } }] }, 'spec.desiredState.interfaces[0].vxlan.id'],
    ['an address', { interfaces: [{ name: 'e', ipv4: { address: [{ ip: '10.0.0.1;id', 'prefix-length': 24 }] } }] }, 'spec.desiredState.interfaces[0].ipv4.address[0].ip'],
    ['a prefix', { interfaces: [{ name: 'e', ipv4: { address: [{ ip: '10.0.0.1', 'prefix-length': 33 }] } }] }, 'spec.desiredState.interfaces[0].ipv4.address[0].prefix-length'],
    ['an MTU', { interfaces: [{ name: 'e', mtu: '1500; x' }] }, 'spec.desiredState.interfaces[0].mtu'],
    ['a MAC', { interfaces: [{ name: 'e', 'mac-address': '02:00:00:00:00:0g' }] }, 'spec.desiredState.interfaces[0].mac-address'],
    ['a route destination', { routes: { config: [{ destination: '10.0.0.0/8 dev x' }] } }, 'spec.desiredState.routes.config[0].destination'],
    ['a route device', { routes: { config: [{ destination: '10.0.0.0/8', 'next-hop-interface': 'eth0\n' }] } }, 'spec.desiredState.routes.config[0].next-hop-interface'],
    ['a capture reference with a tail', { interfaces: [{ name: '{{ capture.x }};id' }] }, 'spec.desiredState.interfaces[0].name'],
  ];
  for (const [what, ds, field] of table) {
    it(`rejects ${what}`, () => assert.deepEqual(fields(ds), [field]));
  }
});

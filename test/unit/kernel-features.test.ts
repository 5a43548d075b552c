import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingKernelFeature } from '../../src/agent/apply-network-state.js';
import type { Capabilities } from '../../src/agent/nmstate/capabilities.js';

const caps = (over: Partial<Capabilities>): Capabilities => ({
  bridge: true, veth: true, vxlan: true, vlan: true, bond: true, dummy: true, vrf: true, macvlan: true, bridgeVlanFiltering: true, missing: [], ...over,
} as Capabilities);

describe('missing kernel features fail the plan before anything is touched', () => {
  const vlanStep = { cmd: 'ip' as const, args: ['link', 'add', 'link', 'eth1', 'name', 'eth1.101', 'type', 'vlan', 'id', '101'], why: 'create vlan eth1.101' };
  it('names the missing feature with the detected reason', () => {
    const c = caps({ vlan: false, missing: [{ type: 'vlan', reason: 'the kernel has no 802.1Q VLAN support (ip link add … type vlan: Unknown device type)' }] });
    assert.equal(missingKernelFeature([vlanStep], c), 'NotSupportedError: the kernel has no 802.1Q VLAN support (ip link add … type vlan: Unknown device type) (needed to create vlan eth1.101)');
  });
  it('passes when the kernel has it', () => {
    assert.equal(missingKernelFeature([vlanStep], caps({})), undefined);
  });
  it('checks bridge VLAN filtering and bonds', () => {
    const vf = { cmd: 'ip' as const, args: ['link', 'set', 'br0', 'type', 'bridge', 'vlan_filtering', '1'], why: 'enable VLAN filtering on br0' };
    assert.match(missingKernelFeature([vf], caps({ bridgeVlanFiltering: false }))!, /^NotSupportedError: the kernel does not support bridgeVlanFiltering/);
    const bond = { cmd: 'ip' as const, args: ['link', 'add', 'bond0', 'type', 'bond', 'mode', 'active-backup'], why: 'create bond bond0' };
    assert.match(missingKernelFeature([bond], caps({ bond: false }))!, /^NotSupportedError: .*create bond bond0/);
  });
});

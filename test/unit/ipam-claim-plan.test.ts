// The IPAMClaim shape (kubevirt-ipam-controller's), its owner per persistence, and when it is released.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/common/object.js';
import { parseOvnNetConfig, type OvnNetConfig, type UdnAttachment } from '../../src/common/kubevirt/udn-attachments.js';
import { claimFate, claimInUse, claimOwnerFor, desiredClaim, rangeFullMessage, withCondition } from '../../src/controllers/ipam/claim-plan.js';
import { rangeFullError } from '../../src/controllers/ipam/network-pool.js';

const config = parseOvnNetConfig('{"cniVersion":"1.0.0","type":"ovn-k8s-cni-overlay","name":"ns.primary-udn","netAttachDefName":"ns/primary-udn","topology":"layer2","role":"primary","subnets":"192.168.254.0/24","allowPersistentIPs":true}') as OvnNetConfig;
const att: UdnAttachment = { interface: 'primary-udn', network: 'primary-udn', role: 'primary', nad: { namespace: 'ns', name: 'primary-udn' }, config };

const vmRef = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'fedora-udn', uid: 'vm-uid', controller: true, blockOwnerDeletion: true };

function vmi(uid: string, ownedByVm = true): KubeObject {
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'fedora-udn', namespace: 'ns', uid, ...(ownedByVm ? { ownerReferences: [vmRef] } : {}) } };
}

function claim(owner: { kind: string; uid: string }, deleting = false): KubeObject {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1alpha1', kind: 'IPAMClaim',
    metadata: { name: 'fedora-udn.primary-udn', namespace: 'ns', ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: owner.kind, name: 'fedora-udn', uid: owner.uid }], ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  };
}

describe('IPAMClaim plan', () => {
  it('shapes the claim like kubevirt-ipam-controller: <vm>.<network>, vm label, finalizer, VM owner, network and interface', () => {
    assert.deepEqual(desiredClaim('ns', att, claimOwnerFor(vmi('vmi-1'), true)), {
      apiVersion: 'k8s.cni.cncf.io/v1alpha1', kind: 'IPAMClaim',
      metadata: {
        name: 'fedora-udn.primary-udn', namespace: 'ns', labels: { 'kubevirt.io/vm': 'fedora-udn' },
        finalizers: ['kubevirt.io/persistent-ipam'], ownerReferences: [vmRef],
      },
      spec: { network: 'ns.primary-udn', interface: 'primary-udn' },
    });
  });

  it('lets the VMI own the claim when the network is not persistent or there is no VM', () => {
    const vmiRef = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: 'fedora-udn', uid: 'vmi-1', controller: true, blockOwnerDeletion: true };
    assert.deepEqual(claimOwnerFor(vmi('vmi-1'), false), vmiRef);
    assert.deepEqual(claimOwnerFor(vmi('vmi-1', false), true), vmiRef);
  });

  const fates: [string, KubeObject, KubeObject | undefined, boolean, string][] = [
    ['persistent, VM and VMI there', claim({ kind: 'VirtualMachine', uid: 'vm-uid' }), vmi('vmi-1'), true, 'keep'],
    ['persistent, VM stopped (no VMI): kept for the next start', claim({ kind: 'VirtualMachine', uid: 'vm-uid' }), undefined, true, 'keep'],
    ['persistent, VM deleted, its VMI still running', claim({ kind: 'VirtualMachine', uid: 'vm-uid' }, true), vmi('vmi-1'), false, 'keep'],
    ['persistent, VM deleted and its VMI gone', claim({ kind: 'VirtualMachine', uid: 'vm-uid' }, true), undefined, false, 'release'],
    ['persistent, VM gone without GC marking the claim', claim({ kind: 'VirtualMachine', uid: 'vm-uid' }), undefined, false, 'release'],
    ['persistent, a new VM of the same name runs', claim({ kind: 'VirtualMachine', uid: 'old-vm' }), vmi('vmi-2'), false, 'release'],
    ['non-persistent, its VMI runs', claim({ kind: 'VirtualMachineInstance', uid: 'vmi-1' }), vmi('vmi-1'), true, 'keep'],
    ['non-persistent, the VMI was replaced by a new one', claim({ kind: 'VirtualMachineInstance', uid: 'vmi-1' }), vmi('vmi-2'), false, 'release'],
    ['non-persistent, the VMI is gone', claim({ kind: 'VirtualMachineInstance', uid: 'vmi-1' }), undefined, false, 'release'],
    ['deleted by hand while its VMI runs', claim({ kind: 'VirtualMachineInstance', uid: 'vmi-1' }, true), vmi('vmi-1'), true, 'keep'],
  ];
  for (const [what, c, v, ownerExists, want] of fates) {
    it(`${what}: ${want}`, () => assert.equal(claimFate(c, { ownerExists, inUse: claimInUse(c, v) }), want));
  }

  it('leaves claims without a VM or VMI owner alone', () => {
    const bare: KubeObject = { apiVersion: 'k8s.cni.cncf.io/v1alpha1', kind: 'IPAMClaim', metadata: { name: 'x', namespace: 'ns' } };
    assert.equal(claimFate(bare, { ownerExists: false, inUse: false }), 'keep');
  });

  it('keeps a condition\'s transition time while its status stays', () => {
    const a = withCondition(undefined, { type: 'IPsAllocated', status: 'False', reason: 'RangeFull', message: 'm' }, 't1');
    const b = withCondition(a, { type: 'IPsAllocated', status: 'False', reason: 'RangeFull', message: 'm2' }, 't2');
    const c = withCondition(b, { type: 'IPsAllocated', status: 'True', reason: 'IPsAllocated', message: '' }, 't3');
    assert.deepEqual([a[0]!.lastTransitionTime, b[0]!.lastTransitionTime, c[0]!.lastTransitionTime], ['t1', 't1', 't3']);
    assert.equal(c.length, 1);
  });

  it('says which subnet is full, with the allocator\'s words', () => {
    assert.equal(rangeFullMessage('ns.tiny', '10.9.9.0/29', rangeFullError('ns/vm5')),
      'no free address in 10.9.9.0/29 on network ns.tiny: failed to allocate IP for ns/vm5: range is full');
  });
});

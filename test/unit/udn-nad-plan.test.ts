// The UDN controllers' decisions: which NAD write, which SyncError, who blocks a deletion, which condition.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nadUsers, planNad, planNadRelease, primaryNadIn } from '../../src/controllers/udn/nad-plan.js';
import { renderNad } from '../../src/controllers/udn/nad-template.js';
import {
  clusterNetworkCreatedCondition, networkCreatedCondition, setStatusCondition, NETWORK_ALLOCATION_SUCCEEDED_CONDITION, type UdnCondition,
} from '../../src/controllers/udn/conditions.js';
import type { KubeObject } from '../../src/common/object.js';

type Json = Record<string, unknown>;
const NS = 'vmexamples-user1-udn';
const LABEL = 'k8s.ovn.org/primary-user-defined-network';
const udn = (name: string, layer2: Json, ns = NS): KubeObject => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name, namespace: ns, uid: `uid-${name}` }, spec: { topology: 'Layer2', layer2 } });
const primary = udn('primary-udn', { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } });
const secondary = udn('flat', { role: 'Secondary', subnets: ['10.0.0.0/24'] });
const namespace = (labels: Record<string, string> = { [LABEL]: '' }): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels } });
const nadOf = (o: KubeObject, ns = NS): KubeObject => {
  const r = renderNad(o, ns);
  assert.ok('nad' in r);
  return r.nad;
};
const NAD = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition' };
const bridgeNad = (name: string): KubeObject => ({ ...NAD, metadata: { name, namespace: NS }, spec: { config: '{"cniVersion":"0.3.1","name":"x","type":"bridge","bridge":"br1"}' } });

describe('planNad (updateNAD)', () => {
  const base = { namespace: NS, namespaceObj: namespace(), existing: undefined, nadsInNamespace: [] };
  it('creates the NAD of a primary UDN in a labelled namespace', () => {
    assert.deepEqual(planNad({ ...base, owner: primary }), { kind: 'create', nad: nadOf(primary) });
  });
  it('refuses a primary UDN in a namespace without the label, and one whose namespace is gone', () => {
    assert.deepEqual(planNad({ ...base, owner: primary, namespaceObj: namespace({}) }), {
      kind: 'error',
      message: 'invalid primary network state for namespace "vmexamples-user1-udn": a valid primary user defined network or network attachment definition custom resource, and required namespace label "k8s.ovn.org/primary-user-defined-network" must both be present',
    });
    assert.deepEqual(planNad({ ...base, owner: primary, namespaceObj: undefined }), { kind: 'error', message: 'failed to get namespace "vmexamples-user1-udn": namespaces "vmexamples-user1-udn" not found' });
  });
  it('lets a secondary UDN into an unlabelled namespace', () => {
    assert.equal(planNad({ ...base, owner: secondary, namespaceObj: namespace({}) }).kind, 'create');
  });
  it('refuses a second primary network in a namespace, whoever made the first', () => {
    const other = udn('other', { role: 'Primary', subnets: ['10.1.0.0/24'] });
    assert.deepEqual(planNad({ ...base, owner: other, nadsInNamespace: [bridgeNad('a-bridge'), nadOf(primary)] }), {
      kind: 'error', message: 'primary network already exist in namespace "vmexamples-user1-udn": "primary-udn"',
    });
    assert.equal(planNad({ ...base, owner: secondary, nadsInNamespace: [nadOf(primary)] }).kind, 'create', 'secondary networks may sit next to it');
  });
  it('refuses a NAD of the same name it does not control', () => {
    assert.deepEqual(planNad({ ...base, owner: primary, existing: bridgeNad('primary-udn') }), {
      kind: 'error', message: 'foreign NetworkAttachmentDefinition with the desired name already exist [vmexamples-user1-udn/primary-udn]',
    });
    const recreated = { ...primary, metadata: { ...primary.metadata, uid: 'uid-new' } };
    assert.equal(planNad({ ...base, owner: recreated, existing: nadOf(primary) }).kind, 'error', 'a leftover of an earlier UDN of that name is foreign too');
  });
  it('keeps a NAD as rendered, and puts a drifted config back (nothing else)', () => {
    const nad = { ...nadOf(primary), metadata: { ...nadOf(primary).metadata, resourceVersion: '7', annotations: { a: 'b' } } };
    assert.deepEqual(planNad({ ...base, owner: primary, existing: nad }), { kind: 'keep', nad });
    const drifted = { ...nad, spec: { config: '{"type":"ovn-k8s-cni-overlay","role":"primary"}' } };
    assert.deepEqual(planNad({ ...base, owner: primary, existing: drifted, nadsInNamespace: [drifted] }), { kind: 'update', nad: { ...nad } });
  });
  it('finds primary OVN networks by config, skipping other plugins and unparsable configs', () => {
    assert.equal(primaryNadIn([bridgeNad('b'), { ...NAD, metadata: { name: 'junk' }, spec: { config: '{' } }, nadOf(secondary)]), undefined);
    assert.equal(primaryNadIn([nadOf(udn('z', { role: 'Primary', subnets: ['10.9.0.0/24'] })), nadOf(primary)]), 'primary-udn');
  });
});

describe('nadUsers and planNadRelease (deleteNAD)', () => {
  const vmi = (name: string, networks: Json[], phase = 'Running', ns = NS): KubeObject => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: ns }, spec: { networks }, status: { phase } });
  const pod = { name: 'default', pod: {} };
  const vmis = [
    vmi('fedora', [pod]),
    vmi('done', [pod], 'Succeeded'),
    vmi('failed', [pod], 'Failed'),
    vmi('elsewhere', [pod], 'Running', 'other-ns'),
    vmi('bridged', [{ name: 'flat', multus: { networkName: 'flat' } }]),
    vmi('qualified', [{ name: 'flat', multus: { networkName: `${NS}/flat` } }], 'Scheduling'),
    vmi('other-nad', [{ name: 'x', multus: { networkName: 'other' } }]),
  ];
  it('counts every unfinished VMI with a pod network for a primary network', () => {
    assert.deepEqual(nadUsers(nadOf(primary), true, vmis), [`${NS}/virt-launcher-fedora`]);
  });
  it('counts unfinished VMIs whose multus network names the NAD, with or without namespace', () => {
    assert.deepEqual(nadUsers(nadOf(secondary), false, vmis), [`${NS}/virt-launcher-bridged`, `${NS}/virt-launcher-qualified`]);
  });
  it('refuses to let go of a NAD in use, in upstream words', () => {
    assert.deepEqual(planNadRelease(primary, nadOf(primary), vmis), {
      kind: 'inUse', message: 'failed to delete NetworkAttachmentDefinition [vmexamples-user1-udn/primary-udn]: network in use by the following pods: [vmexamples-user1-udn/virt-launcher-fedora]',
    });
  });
  it('releases an unused NAD it controls and protects; leaves others alone', () => {
    const nad = nadOf(primary);
    assert.deepEqual(planNadRelease(primary, nad, []), { kind: 'release', nad });
    assert.deepEqual(planNadRelease(primary, undefined, vmis), { kind: 'none' });
    assert.deepEqual(planNadRelease(primary, bridgeNad('primary-udn'), vmis), { kind: 'none' });
    assert.deepEqual(planNadRelease(primary, { ...nad, metadata: { ...nad.metadata, finalizers: [] } }, vmis), { kind: 'none' });
  });
});

describe('UDN and CUDN conditions', () => {
  const nad = (ns: string, deleting = false): KubeObject => ({ ...NAD, metadata: { name: 'blue', namespace: ns, ...(deleting ? { deletionTimestamp: '2025-02-01T00:00:00Z' } : {}) } });
  it('NetworkCreated of a UDN: created, the NAD being deleted, a sync error', () => {
    assert.deepEqual(networkCreatedCondition(nad(NS), undefined), { type: 'NetworkCreated', status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: 'NetworkAttachmentDefinition has been created' });
    assert.deepEqual(networkCreatedCondition(nad(NS, true), undefined), { type: 'NetworkCreated', status: 'False', reason: 'NetworkAttachmentDefinitionDeleted', message: 'NetworkAttachmentDefinition is being deleted' });
    assert.deepEqual(networkCreatedCondition(nad(NS, true), 'boom'), { type: 'NetworkCreated', status: 'False', reason: 'SyncError', message: 'boom' });
  });
  it('NetworkCreated of a CUDN: the namespaces, sorted; those being deleted; the sync errors', () => {
    assert.equal(clusterNetworkCreatedCondition([nad('team-b'), nad('team-a')], undefined).message, 'NetworkAttachmentDefinition has been created in following namespaces: [team-a, team-b]');
    assert.equal(clusterNetworkCreatedCondition([], undefined).message, 'NetworkAttachmentDefinition has been created in following namespaces: []');
    assert.deepEqual(clusterNetworkCreatedCondition([nad('team-b', true), nad('team-a', true), nad('team-c')], undefined), {
      type: 'NetworkCreated', status: 'False', reason: 'NetworkAttachmentDefinitionDeleted', message: 'NetworkAttachmentDefinition are being deleted: [team-a/blue team-b/blue]',
    });
    assert.equal(clusterNetworkCreatedCondition([nad('team-a')], 'e1\ne2').reason, 'NetworkAttachmentDefinitionSyncError');
  });
  it('sets conditions as meta.SetStatusCondition does', () => {
    const t0 = '2025-01-01T00:00:00Z';
    const t1 = '2025-01-02T00:00:00Z';
    const created = networkCreatedCondition(nad(NS), undefined);
    let r = setStatusCondition([], created, t0);
    assert.deepEqual(r, { conditions: [{ ...created, lastTransitionTime: t0 }], changed: true });
    r = setStatusCondition(r.conditions, NETWORK_ALLOCATION_SUCCEEDED_CONDITION, t0);
    assert.deepEqual(r.conditions.map((c) => c.type), ['NetworkCreated', 'NetworkAllocationSucceeded']);
    const same = setStatusCondition(r.conditions, created, t1);
    assert.equal(same.changed, false);
    const msg = setStatusCondition(r.conditions, { ...created, message: 'other' }, t1);
    assert.equal((msg.conditions[0] as UdnCondition).lastTransitionTime, t0, 'same status: the transition time stays');
    const flipped = setStatusCondition(r.conditions, networkCreatedCondition(undefined, 'boom'), t1);
    assert.deepEqual(flipped.conditions[0], { type: 'NetworkCreated', status: 'False', reason: 'SyncError', message: 'boom', lastTransitionTime: t1 });
    assert.deepEqual(flipped.conditions[1], r.conditions[1], 'other conditions are kept');
  });
});

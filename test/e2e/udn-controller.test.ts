// The UserDefinedNetwork and ClusterUserDefinedNetwork controllers in a real server, driven by the real
// kubectl: the console's primary UDN, the NAD it becomes, the SyncErrors, the CRD's and the namespace
// policy's denials, a CUDN following its selector, and deletion held while a VMI uses the network.
// The VMIs are bare API objects (status.phase Running on a node no agent serves): nothing runs them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = 'vmexamples-user1-udn';
const LABEL = 'k8s.ovn.org/primary-user-defined-network';
const FINALIZER = 'k8s.ovn.org/user-defined-network-protection';

/** The console's "Create UserDefinedNetwork" output (name fixed to primary-udn). */
const guideYaml = `apiVersion: v1
kind: Namespace
metadata:
  name: ${NS}
  labels:
    ${LABEL}: ""
---
apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata:
  name: primary-udn
  namespace: ${NS}
spec:
  topology: Layer2
  layer2:
    role: Primary
    subnets:
    - 192.168.254.0/24
    ipam:
      lifecycle: Persistent
`;

const udnYaml = (name: string, ns: string, role: string, subnet: string): string =>
  `apiVersion: k8s.ovn.org/v1\nkind: UserDefinedNetwork\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  topology: Layer2\n  layer2:\n    role: ${role}\n    subnets:\n    - ${subnet}\n`;

describe('UDN controllers (real server, real kubectl)', () => {
  let s: ServerProcess;
  const json = (args: string[]): Json | undefined => {
    const r = s.kubectl([...args, '-o', 'json']);
    return r.code === 0 ? JSON.parse(r.stdout) as Json : undefined;
  };
  const condition = (o: Json | undefined, type = 'NetworkCreated'): Json | undefined => (o?.status?.conditions as Json[] | undefined)?.find((c) => c.type === type);
  const udn = (name: string, ns: string): Json | undefined => json(['get', 'userdefinednetwork', name, '-n', ns]);
  const nad = (name: string, ns: string): Json | undefined => json(['get', 'network-attachment-definitions', name, '-n', ns]);
  const apply = (name: string, yaml: string): string => s.kubectlOk(['apply', '-f', s.writeFile(name, yaml)]);
  // KubeVirt's VMI has no status subresource: the status goes in with the object.
  const runningVmi = async (name: string, ns: string, networks: Json[], interfaces: Json[]): Promise<void> => {
    const body = {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name, namespace: ns },
      spec: { domain: { devices: { interfaces }, resources: { requests: { memory: '64Mi' } } }, networks },
      status: { phase: 'Running', nodeName: 'vn-t-no-such-node' },
    };
    const c = await s.request('POST', `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances`, body);
    assert.equal(c.status, 201, c.text);
    assert.equal(json(['get', 'virtualmachineinstance', name, '-n', ns])?.status?.phase, 'Running');
  };

  before(async () => {
    s = await ServerProcess.start();
  });
  after(async () => {
    await s?.stop();
  });

  it('turns the console\'s primary UDN into its NAD, with finalizers, owner and conditions', async () => {
    apply('guide.yaml', guideYaml);
    const n = await until(() => nad('primary-udn', NS), 'the NAD');
    const u = udn('primary-udn', NS)!;
    assert.deepEqual(n.metadata.labels, { 'k8s.ovn.org/user-defined-network': '' });
    assert.deepEqual(n.metadata.finalizers, [FINALIZER]);
    assert.deepEqual(n.metadata.ownerReferences, [{ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', name: 'primary-udn', uid: u.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(n.spec.config, '{"allowPersistentIPs":true,"cniVersion":"1.0.0","joinSubnets":"100.65.0.0/16,fd99::/64","name":"vmexamples-user1-udn.primary-udn","netAttachDefName":"vmexamples-user1-udn/primary-udn","role":"primary","subnets":"192.168.254.0/24","topology":"layer2","type":"ovn-k8s-cni-overlay"}');
    const done = await until(() => { const x = udn('primary-udn', NS); return condition(x, 'NetworkAllocationSucceeded') ? x : undefined; }, 'the conditions');
    assert.deepEqual(done.metadata.finalizers, [FINALIZER]);
    assert.deepEqual((done.status.conditions as Json[]).map(({ lastTransitionTime, ...c }) => { assert.match(lastTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/); return c; }), [
      { type: 'NetworkCreated', status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: 'NetworkAttachmentDefinition has been created' },
      { type: 'NetworkAllocationSucceeded', status: 'True', reason: 'NetworkAllocationSucceeded', message: 'Network allocation succeeded for all synced nodes.' },
    ]);
    s.kubectlOk(['wait', '--for=condition=NetworkCreated', '-n', NS, 'userdefinednetwork/primary-udn', '--timeout=10s']);
  });

  it('refuses a primary UDN in a namespace without the label: SyncError, no NAD', async () => {
    s.kubectlOk(['create', 'namespace', 'udn-e2e-plain']);
    apply('plain.yaml', udnYaml('primary-udn', 'udn-e2e-plain', 'Primary', '10.40.0.0/24'));
    const c = await until(() => condition(udn('primary-udn', 'udn-e2e-plain')), 'the condition');
    assert.deepEqual({ ...c, lastTransitionTime: undefined }, {
      type: 'NetworkCreated', status: 'False', reason: 'SyncError', lastTransitionTime: undefined,
      message: 'invalid primary network state for namespace "udn-e2e-plain": a valid primary user defined network or network attachment definition custom resource, and required namespace label "k8s.ovn.org/primary-user-defined-network" must both be present',
    });
    assert.equal(nad('primary-udn', 'udn-e2e-plain'), undefined);
  });

  it('refuses a second primary network in the namespace', async () => {
    apply('second.yaml', udnYaml('second-udn', NS, 'Primary', '10.41.0.0/24'));
    const c = await until(() => condition(udn('second-udn', NS)), 'the condition');
    assert.equal(c.reason, 'SyncError');
    assert.equal(c.message, 'primary network already exist in namespace "vmexamples-user1-udn": "primary-udn"');
    assert.equal(nad('second-udn', NS), undefined);
    s.kubectlOk(['delete', 'userdefinednetwork', 'second-udn', '-n', NS]);
  });

  it('refuses a spec change with the CRD\'s message', () => {
    const r = s.kubectl(['patch', 'userdefinednetwork', 'primary-udn', '-n', NS, '--type=merge', '-p', '{"spec":{"layer2":{"mtu":1300}}}']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'The UserDefinedNetwork "primary-udn" is invalid: spec: Invalid value: "object": Spec is immutable');
    assert.equal(s.kubectl(['label', 'userdefinednetwork', 'primary-udn', '-n', NS, 'team=a']).code, 0, 'metadata stays writable');
  });

  it('refuses adding or removing the primary UDN namespace label (the admission policy\'s denial)', async () => {
    const denial = "ValidatingAdmissionPolicy 'user-defined-networks-namespace-label' with binding 'user-defined-networks-namespace-label-binding' denied request: The 'k8s.ovn.org/primary-user-defined-network' label cannot be added/removed after the namespace was created";
    const rm = s.kubectl(['label', 'namespace', NS, `${LABEL}-`]);
    assert.equal(rm.code, 1);
    assert.equal(rm.stderr.trim(), `The namespaces "${NS}" is invalid: : ${denial}`);
    const add = s.kubectl(['label', 'namespace', 'udn-e2e-plain', `${LABEL}=`]);
    assert.equal(add.code, 1);
    assert.match(add.stderr, new RegExp(`${denial.replace(/[.*+?^${}()|[\]\\']/g, '\\$&')}`));
    const raw = await s.request('PATCH', '/api/v1/namespaces/udn-e2e-plain', { metadata: { labels: { [LABEL]: '' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(raw.status, 422);
    assert.deepEqual(raw.json, {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', code: 422,
      message: `namespaces "udn-e2e-plain" is forbidden: ${denial}`,
      details: { name: 'udn-e2e-plain', kind: 'namespaces', causes: [{ message: denial }] },
    });
    assert.equal(s.kubectl(['label', 'namespace', NS, `${LABEL}=other`, '--overwrite']).code, 0, 'its value may change');
  });

  it('repairs a drifted NAD, reports one being deleted, and recreates one that is gone', async () => {
    s.kubectlOk(['create', 'namespace', 'udn-e2e-sec']);
    apply('flat.yaml', udnYaml('flat', 'udn-e2e-sec', 'Secondary', '10.42.0.0/24'));
    const first = await until(() => nad('flat', 'udn-e2e-sec'), 'the NAD');
    const want = first.spec.config as string;
    assert.equal(want, '{"cniVersion":"1.0.0","name":"udn-e2e-sec.flat","netAttachDefName":"udn-e2e-sec/flat","role":"secondary","subnets":"10.42.0.0/24","topology":"layer2","type":"ovn-k8s-cni-overlay"}');
    s.kubectlOk(['patch', 'network-attachment-definitions', 'flat', '-n', 'udn-e2e-sec', '--type=merge', '-p', '{"spec":{"config":"{\\"type\\":\\"bridge\\"}"}}']);
    await until(() => nad('flat', 'udn-e2e-sec')?.spec.config === want, 'the config put back');
    s.kubectlOk(['delete', 'network-attachment-definitions', 'flat', '-n', 'udn-e2e-sec', '--wait=false']);
    const deleting = await until(() => { const c = condition(udn('flat', 'udn-e2e-sec')); return c?.status === 'False' ? c : undefined; }, 'the condition');
    assert.deepEqual([deleting.reason, deleting.message], ['NetworkAttachmentDefinitionDeleted', 'NetworkAttachmentDefinition is being deleted']);
    assert.ok(nad('flat', 'udn-e2e-sec')?.metadata.deletionTimestamp, 'held by its finalizer');
    s.kubectlOk(['patch', 'network-attachment-definitions', 'flat', '-n', 'udn-e2e-sec', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    const again = await until(() => { const n = nad('flat', 'udn-e2e-sec'); return n && n.metadata.uid !== first.metadata.uid && !n.metadata.deletionTimestamp ? n : undefined; }, 'a new NAD');
    assert.equal(again.spec.config, want);
    await until(() => condition(udn('flat', 'udn-e2e-sec'))?.status === 'True', 'created again');
  });

  it('gives a CUDN a NAD in each selected namespace and takes it from a namespace that stops matching', async () => {
    for (const ns of ['udn-e2e-team-a', 'udn-e2e-team-b']) s.kubectlOk(['create', 'namespace', ns]);
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-a', 'udn-e2e/team=blue']);
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-b', 'udn-e2e/team=blue']);
    apply('cudn.yaml', 'apiVersion: k8s.ovn.org/v1\nkind: ClusterUserDefinedNetwork\nmetadata:\n  name: cluster-udn-blue\nspec:\n  namespaceSelector:\n    matchLabels:\n      udn-e2e/team: blue\n  network:\n    topology: Layer2\n    layer2:\n      role: Secondary\n      subnets:\n      - 10.43.0.0/24\n');
    const created = 'NetworkAttachmentDefinition has been created in following namespaces: [udn-e2e-team-a, udn-e2e-team-b]';
    await until(() => condition(json(['get', 'clusteruserdefinednetwork', 'cluster-udn-blue']))?.message === created, 'both namespaces');
    const cudn = json(['get', 'clusteruserdefinednetwork', 'cluster-udn-blue'])!;
    assert.deepEqual(cudn.metadata.finalizers, [FINALIZER]);
    assert.equal(condition(cudn)!.reason, 'NetworkAttachmentDefinitionCreated');
    assert.equal(condition(cudn, 'NetworkAllocationSucceeded'), undefined);
    for (const ns of ['udn-e2e-team-a', 'udn-e2e-team-b']) {
      const n = nad('cluster-udn-blue', ns)!;
      assert.equal(n.spec.config, `{"cniVersion":"1.0.0","name":"cluster.udn.cluster-udn-blue","netAttachDefName":"${ns}/cluster-udn-blue","role":"secondary","subnets":"10.43.0.0/24","topology":"layer2","type":"ovn-k8s-cni-overlay"}`);
      assert.deepEqual(n.metadata.ownerReferences, [{ apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', name: 'cluster-udn-blue', uid: cudn.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-b', 'udn-e2e/team-']);
    await until(() => nad('cluster-udn-blue', 'udn-e2e-team-b') === undefined, 'the NAD gone from team-b');
    await until(() => condition(json(['get', 'clusteruserdefinednetwork', 'cluster-udn-blue']))?.message === 'NetworkAttachmentDefinition has been created in following namespaces: [udn-e2e-team-a]', 'one namespace');
    s.kubectlOk(['delete', 'clusteruserdefinednetwork', 'cluster-udn-blue', '--timeout=20s']);
    assert.equal(nad('cluster-udn-blue', 'udn-e2e-team-a'), undefined);
  });

  it('lets namespaces holding a UDN, or a CUDN\'s NAD, be deleted', async () => {
    s.kubectlOk(['create', 'namespace', 'udn-e2e-team-d']);
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-d', 'udn-e2e/team=blue']);
    apply('cudn-blue.yaml', 'apiVersion: k8s.ovn.org/v1\nkind: ClusterUserDefinedNetwork\nmetadata:\n  name: blue\nspec:\n  namespaceSelector:\n    matchLabels:\n      udn-e2e/team: blue\n  network:\n    topology: Layer2\n    layer2:\n      role: Secondary\n      subnets:\n      - 10.45.0.0/24\n');
    await until(() => nad('blue', 'udn-e2e-team-d'), 'the CUDN\'s NAD');
    assert.ok(nad('flat', 'udn-e2e-sec'), 'the UDN\'s NAD');
    s.kubectlOk(['delete', 'namespace', 'udn-e2e-team-d', 'udn-e2e-sec', '--timeout=30s']);
    assert.equal(json(['get', 'namespace', 'udn-e2e-sec']), undefined);
    await until(() => condition(json(['get', 'clusteruserdefinednetwork', 'blue']))?.message === 'NetworkAttachmentDefinition has been created in following namespaces: [udn-e2e-team-a]', 'the CUDN left with team-a');
    s.kubectlOk(['delete', 'clusteruserdefinednetwork', 'blue', '--timeout=20s']);
  });

  it('holds a UDN\'s deletion while a VMI uses it, and completes it once the VMI is gone', async () => {
    await runningVmi('fedora', NS, [{ name: 'default', pod: {} }], [{ name: 'default', binding: { name: 'l2bridge' } }]);
    s.kubectlOk(['delete', 'userdefinednetwork', 'primary-udn', '-n', NS, '--wait=false']);
    const held = 'failed to delete NetworkAttachmentDefinition [vmexamples-user1-udn/primary-udn]: network in use by the following pods: [vmexamples-user1-udn/virt-launcher-fedora]';
    const c = await until(() => { const x = condition(udn('primary-udn', NS)); return x?.message === held ? x : undefined; }, 'the in-use condition');
    assert.deepEqual([c.status, c.reason], ['False', 'SyncError']);
    const u = udn('primary-udn', NS)!;
    assert.ok(u.metadata.deletionTimestamp);
    assert.deepEqual(u.metadata.finalizers, [FINALIZER]);
    assert.deepEqual(nad('primary-udn', NS)?.metadata.finalizers, [FINALIZER], 'the NAD stays protected');
    s.kubectlOk(['delete', 'virtualmachineinstance', 'fedora', '-n', NS]);
    await until(() => udn('primary-udn', NS) === undefined && nad('primary-udn', NS) === undefined, 'the UDN and its NAD gone');
  });

  it('holds a CUDN namespace\'s NAD while a VMI there attaches to it by name', async () => {
    s.kubectlOk(['create', 'namespace', 'udn-e2e-team-c']);
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-c', 'udn-e2e/team=green']);
    apply('cudn-green.yaml', 'apiVersion: k8s.ovn.org/v1\nkind: ClusterUserDefinedNetwork\nmetadata:\n  name: green\nspec:\n  namespaceSelector:\n    matchExpressions:\n    - key: udn-e2e/team\n      operator: In\n      values: [green]\n  network:\n    topology: Layer3\n    layer3:\n      role: Secondary\n      subnets:\n      - cidr: 10.44.0.0/16\n        hostSubnet: 24\n');
    await until(() => nad('green', 'udn-e2e-team-c'), 'the NAD');
    await runningVmi('vm-green', 'udn-e2e-team-c', [{ name: 'default', pod: {} }, { name: 'green', multus: { networkName: 'green' } }],
      [{ name: 'default', masquerade: {} }, { name: 'green', bridge: {} }]);
    s.kubectlOk(['label', 'namespace', 'udn-e2e-team-c', 'udn-e2e/team-']);
    const held = 'failed to delete NetworkAttachmentDefinition [udn-e2e-team-c/green]: network in use by the following pods: [udn-e2e-team-c/virt-launcher-vm-green]';
    const c = await until(() => { const x = condition(json(['get', 'clusteruserdefinednetwork', 'green'])); return x?.message === held ? x : undefined; }, 'the in-use condition');
    assert.equal(c.reason, 'NetworkAttachmentDefinitionSyncError');
    assert.ok(nad('green', 'udn-e2e-team-c'));
    s.kubectlOk(['delete', 'virtualmachineinstance', 'vm-green', '-n', 'udn-e2e-team-c']);
    await until(() => nad('green', 'udn-e2e-team-c') === undefined, 'the NAD gone');
    await until(() => condition(json(['get', 'clusteruserdefinednetwork', 'green']))?.message === 'NetworkAttachmentDefinition has been created in following namespaces: []', 'no namespace left');
  });
});

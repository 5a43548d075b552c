// Issue 7's tenancy acceptance with the real kubectl and the lab users' own kubeconfigs: user1 creates VMs and
// NADs in its projects and may use the NADs of `default`; it gets 403 (in kube-apiserver's words) in user2's
// project, on NodeNetworkConfigurationPolicies and on nodes' write paths; `kubectl auth can-i` agrees with
// what then actually happens, case by case.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';
import { ensureLabUsers } from '../../src/cli/users.js';

const NAD = (ns: string, name: string): string => JSON.stringify({
  apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: ns },
  spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'bridge', bridge: 'br-flat', ipam: {} }) },
});
const VM = (ns: string, name: string, networkName: string): string => JSON.stringify({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: ns },
  spec: {
    runStrategy: 'Halted',
    template: {
      spec: {
        domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }, { name: 'flat', bridge: {} }] }, resources: { requests: { memory: '128M' } } },
        networks: [{ name: 'default', pod: {} }, { name: 'flat', multus: { networkName } }],
      },
    },
  },
});
const NNCP = JSON.stringify({
  apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name: 'user-bridge' },
  spec: { desiredState: { interfaces: [{ name: 'br9', type: 'linux-bridge', state: 'up' }] } },
});

describe('tenancy: a lab user with its own kubeconfig', () => {
  let s: ServerProcess;
  let user1 = '';

  /** kubectl as user1 (its kubeconfig's context namespace is vmexamples-user1). */
  const as1 = (args: string[], input?: string): { code: number; stdout: string; stderr: string } =>
    s.kubectl(['--kubeconfig', user1, ...args], input === undefined ? {} : { input });

  before(async () => {
    s = await ServerProcess.start();
    const users = await ensureLabUsers(s.dataDir, 2);
    user1 = users.find((u) => u.name === 'user1')!.kubeconfig;
    s.kubectlOk(['apply', '-f', '-'], { input: NAD('default', 'shared-flat') });
    s.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'worker-0', labels: { 'kubernetes.io/hostname': 'worker-0' } } }) });
  });
  after(async () => {
    await s?.stop();
  });

  it('is user1, working in vmexamples-user1', () => {
    const who = as1(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, 'user1');
  });

  it('creates NADs and VMs in its projects, and a VM on a NAD of default', () => {
    let r = as1(['apply', '-f', '-'], NAD('vmexamples-user1', 'flatnetwork'));
    assert.equal(r.code, 0, r.stderr);
    r = as1(['apply', '-f', '-'], VM('vmexamples-user1', 'fedora03', 'flatnetwork'));
    assert.equal(r.code, 0, r.stderr);
    r = as1(['apply', '-f', '-'], VM('vmexamples-user1-udn', 'fedora04', 'default/shared-flat'));
    assert.equal(r.code, 0, r.stderr);
    r = as1(['get', 'network-attachment-definitions', '-n', 'default', '-o', 'name']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /shared-flat/);
    r = as1(['get', 'vm', 'fedora03', '-o', 'jsonpath={.spec.template.spec.networks[1].multus.networkName}']);
    assert.equal(r.stdout, 'flatnetwork');
  });

  it("gets 403 in user2's project, on NNCPs and on nodes' write paths, in kube-apiserver's words", () => {
    let r = as1(['get', 'vm', '-n', 'vmexamples-user2']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Error from server \(Forbidden\): virtualmachines\.kubevirt\.io is forbidden: User "user1" cannot list resource "virtualmachines" in API group "kubevirt\.io" in the namespace "vmexamples-user2"/);
    r = as1(['apply', '-f', '-'], NAD('vmexamples-user2', 'sneaky'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Forbidden/);
    r = as1(['apply', '-f', '-'], NNCP);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "user1" cannot (get|create|patch) resource "nodenetworkconfigurationpolicies" in API group "nmstate\.io" at the cluster scope/);
    r = as1(['label', 'node', 'worker-0', 'node-type=mine']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "user1" cannot (get|patch) resource "nodes" in API group "" at the cluster scope/);
    r = as1(['delete', 'network-attachment-definitions', 'shared-flat', '-n', 'default']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /User "user1" cannot delete resource "network-attachment-definitions" in API group "k8s\.cni\.cncf\.io" in the namespace "default"/);
    assert.equal(s.kubectlOk(['get', 'nodes', 'worker-0', '-o', 'jsonpath={.metadata.labels.node-type}']), '', 'the node is unchanged');
  });

  it("lists its own projects (OpenShift's projects list), though it may not list namespaces", () => {
    const r = as1(['get', '--raw', '/apis/project.openshift.io/v1/projects']);
    assert.equal(r.code, 0, r.stderr);
    const names = (JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name).sort();
    assert.deepEqual(names, ['vmexamples-user1', 'vmexamples-user1-udn']);
    assert.notEqual(as1(['get', 'namespaces']).code, 0);
  });

  it('kubectl auth can-i agrees with what the server then does', () => {
    // [can-i arguments, the same request done for real]
    const cases: [string[], string[], string | undefined][] = [
      [['create', 'virtualmachines.kubevirt.io', '-n', 'vmexamples-user1'], ['apply', '-f', '-'], VM('vmexamples-user1', 'canary', 'flatnetwork')],
      [['delete', 'virtualmachines.kubevirt.io/canary', '-n', 'vmexamples-user1'], ['delete', 'vm', 'canary', '-n', 'vmexamples-user1'], undefined],
      [['list', 'network-attachment-definitions.k8s.cni.cncf.io', '-n', 'default'], ['get', 'network-attachment-definitions', '-n', 'default'], undefined],
      [['create', 'network-attachment-definitions.k8s.cni.cncf.io', '-n', 'default'], ['apply', '-f', '-'], NAD('default', 'mine')],
      [['list', 'virtualmachines.kubevirt.io', '-n', 'vmexamples-user2'], ['get', 'vm', '-n', 'vmexamples-user2'], undefined],
      [['list', 'nodenetworkconfigurationpolicies.nmstate.io'], ['get', 'nncp'], undefined],
      [['list', 'nodes'], ['get', 'nodes'], undefined],
      [['patch', 'nodes/worker-0'], ['annotate', 'node', 'worker-0', 'x=y'], undefined],
      [['create', 'userdefinednetworks.k8s.ovn.org', '-n', 'vmexamples-user1-udn'], ['apply', '-f', '-'], JSON.stringify({
        apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name: 'primary-udn', namespace: 'vmexamples-user1-udn' },
        spec: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } } },
      })],
      [['create', 'rolebindings.rbac.authorization.k8s.io', '-n', 'vmexamples-user2'], ['create', 'rolebinding', 'steal', '--clusterrole=admin', '--user=user1', '-n', 'vmexamples-user2'], undefined],
    ];
    for (const [canI, act, input] of cases) {
      const answer = as1(['auth', 'can-i', ...canI]);
      const said = answer.stdout.trim();
      assert.ok(said === 'yes' || said === 'no', `can-i ${canI.join(' ')}: ${answer.stdout}${answer.stderr}`);
      const done = as1(act, input);
      assert.equal(done.code === 0 ? 'yes' : 'no', said, `can-i ${canI.join(' ')} said ${said}; ${act.join(' ')} → ${done.code}: ${done.stderr}`);
    }
  });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { migrationNodesOf, nodeDecision, nodeNameOf, vmiNodesOf, type NodeGraph } from '../../src/api/authz/node-rules.js';

const graph: NodeGraph = {
  vmiNodes: (ns, name) => (ns === 'p' && name === 'vm1' ? ['n1'] : ns === 'p' && name === 'moving' ? ['n2', 'n1'] : []),
  migrationNodes: (ns, name) => (ns === 'p' && name === 'mig' ? ['n2', 'n1'] : []),
};

const req = (verb: string, apiGroup: string, resource: string, name = '', namespace = '', subresource = '') =>
  ({ verb, resourceRequest: true, apiGroup, resource, subresource, namespace, name });

describe('node identities', () => {
  test('system:node:<name> in system:nodes', () => {
    assert.equal(nodeNameOf({ name: 'system:node:n1', groups: ['system:nodes'] }), 'n1');
    assert.equal(nodeNameOf({ name: 'system:node:n1', groups: [] }), undefined);
    assert.equal(nodeNameOf({ name: 'alice', groups: ['system:nodes'] }), undefined);
    assert.equal(nodeNameOf({ name: 'system:node:', groups: ['system:nodes'] }), undefined);
  });
  test('graph inputs', () => {
    assert.deepEqual(vmiNodesOf({ nodeName: 'n1', migrationState: { sourceNode: 'n1', targetNode: 'n2' } }), ['n1', 'n1', 'n2']);
    assert.deepEqual(vmiNodesOf(undefined), []);
    assert.deepEqual(migrationNodesOf({ migrationState: { sourceNode: 'a', targetNode: 'b' } }), ['a', 'b']);
  });
});

describe('what node n1 may do (the agent\'s real calls)', () => {
  const cases: Array<[string, ReturnType<typeof req>, boolean]> = [
    ['watch VMIs everywhere', req('watch', 'kubevirt.io', 'virtualmachineinstances'), true],
    ['list NADs', req('list', 'k8s.cni.cncf.io', 'network-attachment-definitions'), true],
    ['get its Node', req('get', '', 'nodes', 'n1'), true],
    ['read secrets', req('get', '', 'secrets', 's', 'p'), false],
    ['register a Node', req('create', '', 'nodes'), true],
    ['patch its Node status', req('patch', '', 'nodes', 'n1', '', 'status'), true],
    ['patch another Node status', req('patch', '', 'nodes', 'n2', '', 'status'), false],
    ['delete its Node', req('delete', '', 'nodes', 'n1'), false],
    ['apply its Lease', req('patch', 'coordination.k8s.io', 'leases', 'n1', 'kube-node-lease'), true],
    ['another node\'s Lease', req('patch', 'coordination.k8s.io', 'leases', 'n2', 'kube-node-lease'), false],
    ['a Lease elsewhere', req('patch', 'coordination.k8s.io', 'leases', 'n1', 'default'), false],
    ['patch its NNS', req('patch', 'nmstate.io', 'nodenetworkstates', 'n1'), true],
    ['patch its NNS status', req('patch', 'nmstate.io', 'nodenetworkstates', 'n1', '', 'status'), true],
    ['patch another NNS', req('patch', 'nmstate.io', 'nodenetworkstates', 'n2'), false],
    ['delete its NNS', req('delete', 'nmstate.io', 'nodenetworkstates', 'n1'), false],
    ['its enactment status', req('patch', 'nmstate.io', 'nodenetworkconfigurationenactments', 'n1.br0-policy', '', 'status'), true],
    ['delete its enactment', req('delete', 'nmstate.io', 'nodenetworkconfigurationenactments', 'n1.br0-policy'), true],
    ['another node\'s enactment', req('patch', 'nmstate.io', 'nodenetworkconfigurationenactments', 'n10.br0-policy', '', 'status'), false],
    ['NNCP status (rollout budget)', req('patch', 'nmstate.io', 'nodenetworkconfigurationpolicies', 'p1', '', 'status'), true],
    ['NNCP spec', req('patch', 'nmstate.io', 'nodenetworkconfigurationpolicies', 'p1'), false],
    ['create an NNCP', req('create', 'nmstate.io', 'nodenetworkconfigurationpolicies'), false],
    ['events', req('create', '', 'events', '', 'default'), true],
    ['patch a VMI on n1', req('patch', 'kubevirt.io', 'virtualmachineinstances', 'vm1', 'p'), true],
    ['patch a VMI migrating to n1', req('patch', 'kubevirt.io', 'virtualmachineinstances', 'moving', 'p'), true],
    ['patch a VMI elsewhere', req('patch', 'kubevirt.io', 'virtualmachineinstances', 'other', 'p'), false],
    ['delete a VMI on n1', req('delete', 'kubevirt.io', 'virtualmachineinstances', 'vm1', 'p'), false],
    ['patch its migration', req('patch', 'kubevirt.io', 'virtualmachineinstancemigrations', 'mig', 'p', 'status'), true],
    ['patch another migration', req('patch', 'kubevirt.io', 'virtualmachineinstancemigrations', 'x', 'p', 'status'), false],
    ['create VMs', req('create', 'kubevirt.io', 'virtualmachines', '', 'p'), false],
    ['start a VM', req('update', 'subresources.kubevirt.io', 'virtualmachines', 'vm1', 'p', 'start'), false],
  ];
  for (const [name, a, want] of cases) {
    test(name, () => assert.equal(nodeDecision('n1', a, graph).decision, want ? 'allow' : 'no-opinion'));
  }
  test('the reason names the missing relationship', () => {
    assert.equal(nodeDecision('n1', req('patch', 'nmstate.io', 'nodenetworkstates', 'n2'), graph).reason, "no relationship found between node 'n1' and this object");
  });
});

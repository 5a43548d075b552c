import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePath, objectKey, collectionPrefix } from '../../src/api/request-info.js';

describe('parsePath', () => {
  const cases: [string, unknown][] = [
    ['/api/v1/namespaces', { type: 'resource', path: { group: '', version: 'v1', resource: 'namespaces' } }],
    ['/api/v1/namespaces/default', { type: 'resource', path: { group: '', version: 'v1', resource: 'namespaces', name: 'default' } }],
    ['/api/v1/namespaces/default/status', { type: 'resource', path: { group: '', version: 'v1', resource: 'namespaces', name: 'default', subresource: 'status' } }],
    ['/api/v1/namespaces/doomed/finalize', { type: 'resource', path: { group: '', version: 'v1', resource: 'namespaces', name: 'doomed', subresource: 'finalize' } }],
    ['/api/v1/namespaces/ns1/configmaps', { type: 'resource', path: { group: '', version: 'v1', resource: 'configmaps', namespace: 'ns1' } }],
    ['/api/v1/namespaces/ns1/configmaps/c1', { type: 'resource', path: { group: '', version: 'v1', resource: 'configmaps', namespace: 'ns1', name: 'c1' } }],
    ['/apis/kubevirt.io/v1/namespaces/ns1/virtualmachines/vm1/status', { type: 'resource', path: { group: 'kubevirt.io', version: 'v1', resource: 'virtualmachines', namespace: 'ns1', name: 'vm1', subresource: 'status' } }],
    ['/apis/kubevirt.io/v1/virtualmachines', { type: 'resource', path: { group: 'kubevirt.io', version: 'v1', resource: 'virtualmachines' } }],
    ['/apis/nmstate.io/v1/nodenetworkconfigurationpolicies/p1', { type: 'resource', path: { group: 'nmstate.io', version: 'v1', resource: 'nodenetworkconfigurationpolicies', name: 'p1' } }],
    ['/api/v1/nodes/n%2D1', { type: 'resource', path: { group: '', version: 'v1', resource: 'nodes', name: 'n-1' } }],
    ['/apis/kubevirt.io', { type: 'other', path: '/apis/kubevirt.io' }],
    ['/api/v1/namespaces/a/b/c/d/e', { type: 'other', path: '/api/v1/namespaces/a/b/c/d/e' }],
    ['/healthz', { type: 'other', path: '/healthz' }],
  ];
  for (const [path, want] of cases) {
    it(path, () => assert.deepEqual(parsePath(path), want));
  }
});

describe('storage keys', () => {
  it('separate group, resource, namespace and name', () => {
    assert.equal(objectKey('', 'configmaps', 'ns1', 'c1'), '/registry/core/configmaps/ns1/c1');
    assert.equal(objectKey('nmstate.io', 'nodenetworkstates', undefined, 'n1'), '/registry/nmstate.io/nodenetworkstates/n1');
    assert.equal(collectionPrefix('', 'configmaps', 'ns1'), '/registry/core/configmaps/ns1/');
    assert.equal(collectionPrefix('kubevirt.io', 'virtualmachines', undefined), '/registry/kubevirt.io/virtualmachines/');
  });
});

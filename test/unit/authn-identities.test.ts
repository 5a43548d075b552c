// Client-certificate users (CN, O, extended key usage), certificate subjects, and the lab users' objects.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { userFromCertificate } from '../../src/api/authn/x509.js';
import { subjectOf } from '../../src/credentials/pki.js';
import { convergeObject, labUserObjects, nodeGroups, nodeUserName } from '../../src/cli/users.js';

describe('x509 users', () => {
  const CLIENT = '1.3.6.1.5.5.7.3.2';
  const SERVER = '1.3.6.1.5.5.7.3.1';
  it('takes the user from CN and the groups from the O fields', () => {
    const table: [Parameters<typeof userFromCertificate>[0], { name: string; groups: string[] } | undefined][] = [
      [{ subject: { CN: 'alice', O: ['dev', 'ops'] }, ext_key_usage: [CLIENT] }, { name: 'alice', groups: ['dev', 'ops'] }],
      [{ subject: { CN: 'bob', O: 'team' } }, { name: 'bob', groups: ['team'] }],
      [{ subject: { CN: 'carol' }, ext_key_usage: [SERVER, CLIENT] }, { name: 'carol', groups: [] }],
      [{ subject: { CN: 'system:node:w0', O: 'system:nodes' } }, { name: 'system:node:w0', groups: ['system:nodes'] }],
      [{ subject: { CN: 'srv' }, ext_key_usage: [SERVER] }, undefined],
      [{ subject: { O: 'x' } }, undefined],
      [{}, undefined],
    ];
    for (const [cert, want] of table) {
      const u = userFromCertificate(cert);
      assert.deepEqual(u && { name: u.name, groups: u.groups }, want, JSON.stringify(cert));
    }
  });

  it('writes subjects openssl takes as they are, refusing anything that would need escaping', () => {
    assert.equal(subjectOf('alice', ['dev', 'ops']), '/CN=alice/O=dev/O=ops');
    assert.equal(subjectOf('system:node:w0', ['system:nodes']), '/CN=system:node:w0/O=system:nodes');
    for (const bad of ['a/b', 'a=b', 'a+b', 'a\\b', '', 'a b']) assert.throws(() => subjectOf(bad, []), /invalid/, bad);
    assert.throws(() => subjectOf('ok', ['x/O=system:masters']), /invalid/);
  });

  it('names node identities as the Node authorizer expects', () => {
    assert.equal(nodeUserName('worker-0'), 'system:node:worker-0');
    assert.deepEqual(nodeGroups(false), ['system:nodes']);
    assert.ok(nodeGroups(true).includes('system:nodes'));
  });
});

describe('lab users', () => {
  it('plans the projects, admin bindings and the NAD viewer role of each user', () => {
    const objs = labUserObjects(['user1', 'user2']);
    const names = objs.map((o) => `${o.object.kind} ${o.namespace ?? ''}/${o.object.metadata.name}`);
    assert.deepEqual(names, [
      'Namespace /vmexamples-user1', 'Namespace /vmexamples-user1-udn',
      'RoleBinding vmexamples-user1/user1-admin', 'RoleBinding vmexamples-user1-udn/user1-admin',
      'Namespace /vmexamples-user2', 'Namespace /vmexamples-user2-udn',
      'RoleBinding vmexamples-user2/user2-admin', 'RoleBinding vmexamples-user2-udn/user2-admin',
      'Role default/nad-viewer', 'RoleBinding default/nad-viewer',
    ]);
    assert.deepEqual(objs[1]!.object.metadata.labels, { 'k8s.ovn.org/primary-user-defined-network': '' });
    const rb = objs[2]!.object;
    assert.deepEqual(rb['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' });
    assert.deepEqual(rb['subjects'], [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'user1' }]);
    assert.deepEqual(objs[8]!.object['rules'], [{ apiGroups: ['k8s.cni.cncf.io'], resources: ['network-attachment-definitions'], verbs: ['get', 'list', 'watch'] }]);
    assert.deepEqual((objs[9]!.object['subjects'] as { name: string }[]).map((s) => s.name), ['user1', 'user2']);
  });

  it('converges existing objects without undoing others\' work', () => {
    const [ns, udnNs] = labUserObjects(['user1']);
    const existing = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vmexamples-user1-udn', resourceVersion: '5', labels: { team: 'a' } }, spec: { finalizers: ['kubernetes'] } };
    assert.deepEqual(convergeObject(existing, udnNs!.object), { ...existing, metadata: { ...existing.metadata, labels: { team: 'a', 'k8s.ovn.org/primary-user-defined-network': '' } } });
    assert.equal(convergeObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vmexamples-user1' } }, ns!.object), undefined);
    const binding = labUserObjects(['user1', 'user2']).find((o) => o.object.metadata.name === 'nad-viewer' && o.object.kind === 'RoleBinding')!;
    const had = { ...binding.object, metadata: { name: 'nad-viewer', namespace: 'default' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'extra' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'user1' }] };
    const next = convergeObject(had, binding.object)!;
    assert.deepEqual((next['subjects'] as { name: string }[]).map((s) => s.name), ['extra', 'user1', 'user2']);
    assert.equal(convergeObject(next, binding.object), undefined);
  });
});

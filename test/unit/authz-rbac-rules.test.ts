import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluate, resolveAggregation, ruleAllows, rulesFor, subjectApplies,
  type BindingView, type ClusterRoleView, type PolicyRule, type PolicySource, type RoleRef, type RuleRequest,
} from '../../src/api/authz/rbac-rules.js';
import { bootstrapClusterRoles } from '../../src/api/authz/rbac-bootstrap-policy.js';

const res = (verb: string, apiGroup: string, resource: string, subresource = '', name = ''): RuleRequest =>
  ({ verb, resourceRequest: true, apiGroup, resource, subresource, name, path: '' });
const url = (verb: string, path: string): RuleRequest =>
  ({ verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', name: '', path });

describe('rule matching (rbacv1helpers.RuleAllows)', () => {
  const cases: Array<[string, PolicyRule, RuleRequest, boolean]> = [
    ['exact', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', '', 'pods'), true],
    ['other verb', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('list', '', 'pods'), false],
    ['verb *', { verbs: ['*'], apiGroups: [''], resources: ['pods'] }, res('deletecollection', '', 'pods'), true],
    ['other group', { verbs: ['get'], apiGroups: [''], resources: ['pods'] }, res('get', 'apps', 'pods'), false],
    ['group *', { verbs: ['get'], apiGroups: ['*'], resources: ['pods'] }, res('get', 'kubevirt.io', 'pods'), true],
    ['resource *', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', '', 'secrets'), true],
    ['resource * covers subresources', { verbs: ['get'], apiGroups: [''], resources: ['*'] }, res('get', '', 'pods', 'log'), true],
    ['plain resource does not cover its subresource', { verbs: ['update'], apiGroups: ['kubevirt.io'], resources: ['virtualmachines'] }, res('update', 'kubevirt.io', 'virtualmachines', 'status'), false],
    ['resource/subresource', { verbs: ['update'], apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/start'] }, res('update', 'subresources.kubevirt.io', 'virtualmachines', 'start', 'vm1'), true],
    ['resource/subresource not the resource', { verbs: ['update'], apiGroups: ['subresources.kubevirt.io'], resources: ['virtualmachines/start'] }, res('update', 'subresources.kubevirt.io', 'virtualmachines', '', 'vm1'), false],
    ['*/subresource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }, res('get', 'nmstate.io', 'nodenetworkstates', 'status'), true],
    ['*/subresource other sub', { verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }, res('get', 'nmstate.io', 'nodenetworkstates', 'scale'), false],
    ['*/subresource not the main resource', { verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }, res('get', 'nmstate.io', 'nodenetworkstates'), false],
    // upstream has no resource/* wildcard: only a subresource literally named "*" would match
    ['resource/* is not a wildcard', { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] }, res('get', '', 'pods', 'log'), false],
    ['resourceNames: the name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', '', 'configmaps', '', 'a'), true],
    ['resourceNames: another name', { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('get', '', 'configmaps', '', 'b'), false],
    ['resourceNames: a list has no name', { verbs: ['list'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['a'] }, res('list', '', 'configmaps'), false],
    ['nonResourceURL exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, url('get', '/version'), true],
    ['nonResourceURL prefix*', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, url('get', '/apis/kubevirt.io/v1'), true],
    ['nonResourceURL prefix* is a string prefix', { verbs: ['get'], nonResourceURLs: ['/api*'] }, url('get', '/apis'), true],
    ['nonResourceURL other', { verbs: ['get'], nonResourceURLs: ['/version'] }, url('get', '/metrics'), false],
    ['nonResourceURL *', { verbs: ['*'], nonResourceURLs: ['*'] }, url('post', '/anything'), true],
    ['resource rule never matches a path', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, url('get', '/version'), false],
    ['url rule never matches a resource', { verbs: ['*'], nonResourceURLs: ['*'] }, res('get', '', 'pods'), false],
  ];
  for (const [name, rule, req, want] of cases) test(name, () => assert.equal(ruleAllows(req, rule), want));
});

describe('subjects', () => {
  const alice = { name: 'alice', groups: ['devs', 'system:authenticated'] };
  const sa = { name: 'system:serviceaccount:ns1:robot', groups: [] };
  const cases: Array<[string, Parameters<typeof subjectApplies>[0], { name: string; groups: string[] }, string, boolean]> = [
    ['User by name', { kind: 'User', name: 'alice' }, alice, '', true],
    ['User other', { kind: 'User', name: 'bob' }, alice, '', false],
    ['Group', { kind: 'Group', name: 'devs' }, alice, '', true],
    ['a user is not its group', { kind: 'User', name: 'devs' }, alice, '', false],
    ['ServiceAccount with namespace', { kind: 'ServiceAccount', name: 'robot', namespace: 'ns1' }, sa, '', true],
    ['ServiceAccount defaults to the binding namespace', { kind: 'ServiceAccount', name: 'robot' }, sa, 'ns1', true],
    ['ServiceAccount in another namespace', { kind: 'ServiceAccount', name: 'robot' }, sa, 'ns2', false],
    ['ServiceAccount without any namespace', { kind: 'ServiceAccount', name: 'robot' }, sa, '', false],
    ['unknown kind', { kind: 'Robot', name: 'alice' }, alice, '', false],
  ];
  for (const [name, s, u, ns, want] of cases) test(name, () => assert.equal(subjectApplies(s, u, ns), want));
});

/** A PolicySource over plain arrays (the authorizer's indexes are tested end to end). */
function source(roles: Record<string, PolicyRule[]>, clusterRoles: ClusterRoleView[], bindings: BindingView[]): PolicySource {
  const eff = resolveAggregation(new Map(clusterRoles.map((r) => [r.name, r])));
  return {
    clusterBindingsFor: () => bindings.filter((b) => b.kind === 'ClusterRoleBinding'),
    roleBindingsFor: (ns) => bindings.filter((b) => b.kind === 'RoleBinding' && b.namespace === ns),
    rulesOf: (ref: RoleRef, ns: string) => (ref.kind === 'Role' ? roles[`${ns}/${ref.name ?? ''}`] : eff.get(ref.name ?? '')),
  };
}

describe('bindings (VisitRulesFor)', () => {
  const cmWriter: PolicyRule[] = [{ verbs: ['create', 'list'], apiGroups: [''], resources: ['configmaps'] }];
  const src = source({ 'a/cm': cmWriter }, [
    { name: 'reader', labels: {}, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] },
    { name: 'urls', labels: {}, rules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }] },
  ], [
    { kind: 'RoleBinding', name: 'cm', namespace: 'a', roleRef: { kind: 'Role', name: 'cm' }, subjects: [{ kind: 'User', name: 'u' }] },
    { kind: 'RoleBinding', name: 'read', namespace: 'b', roleRef: { kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'Group', name: 'g' }] },
    { kind: 'RoleBinding', name: 'dangling', namespace: 'c', roleRef: { kind: 'Role', name: 'gone' }, subjects: [{ kind: 'User', name: 'u' }] },
    { kind: 'ClusterRoleBinding', name: 'urls', namespace: '', roleRef: { kind: 'ClusterRole', name: 'urls' }, subjects: [{ kind: 'User', name: 'u' }] },
  ]);
  const u = { name: 'u', groups: ['g'] };
  const at = (req: RuleRequest, namespace: string) => evaluate({ ...req, namespace }, u, src);
  test('a Role grants in its namespace, with upstream reason', () => {
    assert.deepEqual(at(res('create', '', 'configmaps'), 'a'), { allowed: true, reason: 'RBAC: allowed by RoleBinding "cm/a" of Role "cm" to User "u"' });
  });
  test('not in another namespace', () => assert.equal(at(res('create', '', 'configmaps'), 'b').allowed, false));
  test('not at the cluster scope', () => assert.equal(at(res('list', '', 'configmaps'), '').allowed, false));
  test('a RoleBinding to a ClusterRole grants only in its namespace', () => {
    assert.deepEqual(at(res('get', '', 'secrets', '', 's'), 'b'), { allowed: true, reason: 'RBAC: allowed by RoleBinding "read/b" of ClusterRole "reader" to Group "g"' });
    assert.equal(at(res('get', '', 'secrets', '', 's'), 'a').allowed, false);
  });
  test('non-resource URLs through a ClusterRoleBinding', () => {
    assert.deepEqual(at(url('get', '/version'), ''), { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "urls" of ClusterRole "urls" to User "u"' });
  });
  test('a missing role is an evaluation error in the reason', () => {
    assert.deepEqual(at(res('get', '', 'pods'), 'c'), { allowed: false, reason: 'RBAC: [role.rbac.authorization.k8s.io "gone" not found]' });
  });
  test('rulesFor lists cluster-wide and namespace rules', () => {
    const r = rulesFor(u, 'a', src);
    assert.equal(r.rules.length, 2);
    assert.deepEqual(r.errors, []);
  });
});

describe('aggregation (clusterrole-aggregation-controller)', () => {
  const label = (k: string): Record<string, string> => ({ [`rbac.authorization.k8s.io/aggregate-to-${k}`]: 'true' });
  const sel = (k: string) => [{ matchLabels: label(k) }];
  const roles: ClusterRoleView[] = [
    { name: 'admin', labels: {}, rules: [], selectors: sel('admin') },
    { name: 'edit', labels: label('admin'), rules: [], selectors: sel('edit') },
    { name: 'view', labels: label('edit'), rules: [], selectors: sel('view') },
    { name: 'a-view', labels: label('view'), rules: [{ verbs: ['get'], apiGroups: ['x'], resources: ['r'] }] },
    { name: 'b-edit', labels: label('edit'), rules: [{ verbs: ['create'], apiGroups: ['x'], resources: ['r'] }, { verbs: ['get'], apiGroups: ['x'], resources: ['r'] }] },
    { name: 'c-admin', labels: label('admin'), rules: [{ verbs: ['*'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'] }] },
    { name: 'loop', labels: label('view'), rules: [], selectors: sel('view') },
  ];
  const eff = resolveAggregation(new Map(roles.map((r) => [r.name, r])));
  test('view is the union of aggregate-to-view roles', () => assert.deepEqual(eff.get('view'), [{ verbs: ['get'], apiGroups: ['x'], resources: ['r'] }]));
  test('edit includes view (its label) and drops duplicate rules', () => {
    assert.deepEqual(eff.get('edit'), [{ verbs: ['create'], apiGroups: ['x'], resources: ['r'] }, { verbs: ['get'], apiGroups: ['x'], resources: ['r'] }]);
  });
  test('admin includes edit, view and its own', () => assert.equal(eff.get('admin')!.length, 3));
  test('a role selecting itself does not loop', () => assert.deepEqual(eff.get('loop'), [{ verbs: ['get'], apiGroups: ['x'], resources: ['r'] }]));
});

describe('bootstrap policy', () => {
  const all = bootstrapClusterRoles();
  const views: ClusterRoleView[] = all.map((o) => ({
    name: o.metadata.name!, labels: o.metadata.labels ?? {}, rules: (o['rules'] as PolicyRule[] | undefined) ?? [],
    ...(o['aggregationRule'] ? { selectors: (o['aggregationRule'] as { clusterRoleSelectors: Array<{ matchLabels: Record<string, string> }> }).clusterRoleSelectors } : {}),
  }));
  const eff = resolveAggregation(new Map(views.map((r) => [r.name, r])));
  const can = (role: string, req: RuleRequest) => (eff.get(role) ?? []).some((r) => ruleAllows(req, r));
  const cases: Array<[string, RuleRequest, boolean, boolean, boolean]> = [
    // request, admin, edit, view
    ['create VMs', res('create', 'kubevirt.io', 'virtualmachines'), true, true, false],
    ['list VMs', res('list', 'kubevirt.io', 'virtualmachines'), true, true, true],
    ['start a VM', res('update', 'subresources.kubevirt.io', 'virtualmachines', 'start', 'vm'), true, true, false],
    ['serial console', res('get', 'subresources.kubevirt.io', 'virtualmachineinstances', 'console', 'vm'), true, true, false],
    ['create NADs', res('create', 'k8s.cni.cncf.io', 'network-attachment-definitions'), true, true, false],
    ['read NADs', res('get', 'k8s.cni.cncf.io', 'network-attachment-definitions', '', 'n'), true, true, true],
    ['write IPAMClaims', res('create', 'k8s.cni.cncf.io', 'ipamclaims'), false, false, false],
    ['create UDNs', res('create', 'k8s.ovn.org', 'userdefinednetworks'), true, true, false],
    ['create DataVolumes', res('create', 'cdi.kubevirt.io', 'datavolumes'), true, true, false],
    ['create configmaps', res('create', '', 'configmaps'), true, true, false],
    ['read secrets', res('get', '', 'secrets', '', 's'), true, true, false],
    ['create rolebindings', res('create', 'rbac.authorization.k8s.io', 'rolebindings'), true, false, false],
    ['NNCPs (cluster-scoped) nowhere', res('create', 'nmstate.io', 'nodenetworkconfigurationpolicies'), false, false, false],
    ['ClusterUserDefinedNetworks nowhere', res('create', 'k8s.ovn.org', 'clusteruserdefinednetworks'), false, false, false],
  ];
  for (const [name, req, admin, edit, view] of cases) {
    test(name, () => assert.deepEqual([can('admin', req), can('edit', req), can('view', req)], [admin, edit, view]));
  }
  test('every role is labelled and marked for auto-update', () => {
    for (const o of all) assert.equal(o.metadata.annotations?.['rbac.authorization.kubernetes.io/autoupdate'], 'true', o.metadata.name);
    assert.equal(all.find((o) => o.metadata.name === 'admin')!.metadata.labels?.['kubernetes.io/bootstrapping'], 'rbac-defaults');
  });
  test('system:basic-user may create self reviews; system:discovery reads /apis/*', () => {
    assert.ok(can('system:basic-user', res('create', 'authorization.k8s.io', 'selfsubjectaccessreviews')));
    assert.ok(can('system:basic-user', res('create', 'authorization.k8s.io', 'selfsubjectrulesreviews')));
    assert.ok(can('system:discovery', url('get', '/apis/kubevirt.io/v1')));
    assert.ok(!can('system:discovery', url('post', '/apis')));
  });
});

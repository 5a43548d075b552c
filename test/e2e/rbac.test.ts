// RBAC and the Node authorizer against a real `virtnet serve`, driven by the real kubectl with users' tokens:
// Roles and bindings, upstream's 403 words, `kubectl auth can-i` agreeing with what the server then does,
// aggregated admin/edit/view, resourceNames, subresources, and node identities confined to their own objects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TokenAuthenticator } from '../../src/api/authn.js';
import { ServerProcess, until, type KubectlResult } from '../support/server-process.js';

const run = randomBytes(3).toString('hex');
const A = `vn-t${run}-a`;
const B = `vn-t${run}-b`;
let s: ServerProcess;
const tokens: Record<string, string> = {};

const as = (who: string, args: string[], input?: string): KubectlResult =>
  s.kubectl([`--token=${tokens[who]!}`, ...args], input === undefined ? {} : { input });
const canI = (who: string, args: string[]): string => as(who, ['auth', 'can-i', ...args]).stdout.trim();
const apply = (yaml: string): string => s.kubectlOk(['apply', '-f', '-'], { input: yaml });
const rest = (who: string, method: string, path: string, body?: unknown) =>
  s.request(method, path, body, { Authorization: `Bearer ${tokens[who]!}` }, false);

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), `vn-t${run}-`));
  // Users exist before the server reads the token file (works whether or not it re-reads it later).
  const tf = new TokenAuthenticator(join(dir, 'tokens.csv'));
  tokens.u = tf.ensureUser('u', []);
  tokens.r = tf.ensureUser('r', []);
  tokens.n1 = tf.ensureUser('system:node:n1', ['system:nodes']);
  tokens.n2 = tf.ensureUser('system:node:n2', ['system:nodes']);
  s = await ServerProcess.start(dir);
  s.kubectlOk(['create', 'namespace', A]);
  s.kubectlOk(['create', 'namespace', B]);
  apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: cm-writer, namespace: ${A}}
rules:
- {apiGroups: [""], resources: [configmaps], verbs: [create, list, get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: u-cm, namespace: ${A}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-writer}
subjects: [{kind: User, name: u}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: only-c1, namespace: ${A}}
rules:
- {apiGroups: [""], resources: [configmaps], resourceNames: [c1], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r-c1, namespace: ${A}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: only-c1}
subjects: [{kind: User, name: r}]
`);
  await until(() => canI('u', ['create', 'configmaps', '-n', A]) === 'yes', 'the RoleBinding to take effect');
});

after(async () => { await s?.stop(); });

describe('Role and RoleBinding', () => {
  test('allowed in its namespace, 403 in upstream words elsewhere', () => {
    const ok = as('u', ['create', 'configmap', 'c1', '-n', A, '--from-literal=k=v']);
    assert.equal(ok.code, 0, ok.stderr);
    as('u', ['create', 'configmap', 'c2', '-n', A]);
    const no = as('u', ['get', 'configmaps', '-n', B]);
    assert.notEqual(no.code, 0);
    assert.equal(no.stderr.trim(), `Error from server (Forbidden): configmaps is forbidden: User "u" cannot list resource "configmaps" in API group "" in the namespace "${B}"`);
    const del = as('u', ['delete', 'configmap', 'c1', '-n', A]);
    assert.match(del.stderr, /configmaps "c1" is forbidden: User "u" cannot delete resource "configmaps" in API group "" in the namespace/);
  });

  test('kubectl auth can-i agrees with what the server does', () => {
    const cases: Array<{ can: string[]; act: string[] }> = [
      { can: ['create', 'configmaps', '-n', A], act: ['create', 'configmap', 'c3', '-n', A] },
      { can: ['list', 'configmaps', '-n', A], act: ['get', 'configmaps', '-n', A] },
      { can: ['get', 'configmaps/c2', '-n', A], act: ['get', 'configmap', 'c2', '-n', A] },
      { can: ['list', 'configmaps', '-n', B], act: ['get', 'configmaps', '-n', B] },
      { can: ['delete', 'configmaps/c2', '-n', A], act: ['delete', 'configmap', 'c2', '-n', A] },
      { can: ['list', 'secrets', '-n', A], act: ['get', 'secrets', '-n', A] },
      { can: ['list', 'nodes'], act: ['get', 'nodes'] },
      { can: ['list', 'namespaces'], act: ['get', 'namespaces'] },
      { can: ['list', 'configmaps', '-A'], act: ['get', 'configmaps', '-A'] },
      { can: ['create', 'nodenetworkconfigurationpolicies'], act: ['create', '-f', '-'] },
      { can: ['get', '/version'], act: ['version', '-o', 'json'] },
    ];
    const nncp = `apiVersion: nmstate.io/v1\nkind: NodeNetworkConfigurationPolicy\nmetadata: {name: vn-t${run}-p}\nspec: {desiredState: {interfaces: []}}\n`;
    const seen: string[] = [];
    for (const c of cases) {
      const answer = canI('u', c.can);
      const r = as('u', c.act, c.act.includes('-f') ? nncp : undefined);
      const forbidden = /forbidden/i.test(r.stderr);
      seen.push(`${c.can.join(' ')}: ${answer}`);
      assert.equal(answer === 'yes', !forbidden, `can-i ${c.can.join(' ')} said ${answer}, kubectl ${c.act.join(' ')}: ${r.stderr}`);
    }
    assert.deepEqual(seen.map((x) => x.endsWith('yes')), [true, true, true, false, false, false, false, false, false, false, true]);
  });

  test('can-i --list shows the namespace rules', () => {
    const out = canI('u', ['--list', '-n', A]);
    assert.match(out, /configmaps\s+\[\]\s+\[\]\s+\[create list get\]/);
    assert.match(out, /selfsubjectaccessreviews\.authorization\.k8s\.io/);
  });

  test('resourceNames', () => {
    assert.equal(as('r', ['get', 'configmap', 'c1', '-n', A]).code, 0);
    assert.match(as('r', ['get', 'configmap', 'c3', '-n', A]).stderr, /configmaps "c3" is forbidden: User "r" cannot get resource "configmaps"/);
    assert.match(as('r', ['get', 'configmaps', '-n', A]).stderr, /cannot list resource "configmaps"/);
    assert.equal(canI('r', ['get', 'configmaps/c1', '-n', A]), 'yes');
    assert.equal(canI('r', ['get', 'configmaps/c3', '-n', A]), 'no');
  });
});

describe('aggregated admin/edit/view', () => {
  before(async () => {
    apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r-edit, namespace: ${A}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: r}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: r-view, namespace: ${B}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: User, name: r}]
`);
    await until(() => canI('r', ['list', 'configmaps', '-n', B]) === 'yes', 'the view binding');
  });

  test('edit writes VMs and NADs, view only reads them', () => {
    const nad = (ns: string) => `apiVersion: k8s.cni.cncf.io/v1\nkind: NetworkAttachmentDefinition\nmetadata: {name: br, namespace: ${ns}}\nspec: {config: '{"cniVersion":"0.3.1","name":"br","type":"bridge","bridge":"br1"}'}\n`;
    assert.equal(as('r', ['create', '-f', '-'], nad(A)).code, 0);
    assert.match(as('r', ['create', '-f', '-'], nad(B)).stderr, /network-attachment-definitions\.k8s\.cni\.cncf\.io is forbidden: User "r" cannot create resource "network-attachment-definitions" in API group "k8s.cni.cncf.io"/);
    s.kubectlOk(['create', '-f', '-'], { input: nad(B) });
    assert.equal(as('r', ['get', 'net-attach-def', 'br', '-n', B]).code, 0);
    assert.equal(canI('r', ['create', 'virtualmachines', '-n', A]), 'yes');
    assert.equal(canI('r', ['create', 'virtualmachines', '-n', B]), 'no');
    assert.equal(canI('r', ['list', 'virtualmachines', '-n', B]), 'yes');
    assert.equal(canI('r', ['create', 'rolebindings', '-n', A]), 'no', 'rolebindings are admin\'s, not edit\'s');
  });

  test('a subresource: virtualmachines/start in subresources.kubevirt.io', async () => {
    // kubectl's RESTMapper knows no `virtualmachines` in subresources.kubevirt.io (discovery lists only the
    // subresources, as virt-api's does), so the review is posted as virtctl and the console ask it
    const ssar = async (ns: string) => ((await rest('r', 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { namespace: ns, verb: 'update', group: 'subresources.kubevirt.io', resource: 'virtualmachines', subresource: 'start', name: 'vm1' } },
    })).json as { status: { allowed: boolean } }).status.allowed;
    assert.equal(await ssar(A), true);
    assert.equal(await ssar(B), false);
    const inB = await rest('r', 'PUT', `/apis/subresources.kubevirt.io/v1/namespaces/${B}/virtualmachines/vm1/start`, {});
    assert.equal(inB.status, 403);
    assert.equal((inB.json as { message: string }).message,
      `virtualmachines.subresources.kubevirt.io "vm1" is forbidden: User "r" cannot update resource "virtualmachines/start" in API group "subresources.kubevirt.io" in the namespace "${B}"`);
    // authorized in A: the VM does not exist, so the answer is the handler's 404, not a 403
    const inA = await rest('r', 'PUT', `/apis/subresources.kubevirt.io/v1/namespaces/${A}/virtualmachines/vm1/start`, {});
    assert.equal(inA.status, 404);
  });

  test('a ClusterRole labelled aggregate-to-view extends view at once, and is written into view', async () => {
    assert.equal(canI('r', ['list', 'secrets', '-n', B]), 'no');
    apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: vn-t${run}-secret-reader, labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [list]}
`);
    await until(() => canI('r', ['list', 'secrets', '-n', B]) === 'yes', 'view to take in the new role');
    assert.equal(as('r', ['get', 'secrets', '-n', B]).code, 0);
    await until(() => s.kubectlOk(['get', 'clusterrole', 'view', '-o', 'json']).includes('"secrets"'), 'the aggregation controller to write view');
    s.kubectlOk(['label', 'clusterrole', `vn-t${run}-secret-reader`, 'rbac.authorization.k8s.io/aggregate-to-view-']);
    await until(() => canI('r', ['list', 'secrets', '-n', B]) === 'no', 'view to drop it');
  });
});

describe('SubjectAccessReview (admins)', () => {
  test('answers for another user; a plain user may not ask', async () => {
    const body = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'u', resourceAttributes: { verb: 'create', resource: 'configmaps', namespace: A } } };
    const r = await s.request('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', body);
    assert.equal(r.status, 201);
    assert.deepEqual((r.json as { status: unknown }).status, { allowed: true, reason: `RBAC: allowed by RoleBinding "u-cm/${A}" of Role "cm-writer" to User "u"` });
    assert.equal((await rest('u', 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', body)).status, 403);
  });
});

describe('node identities', () => {
  test('a node writes its own NodeNetworkState and gets 403 on another node\'s', () => {
    const nns = (n: string) => `apiVersion: nmstate.io/v1beta1\nkind: NodeNetworkState\nmetadata: {name: ${n}}\n`;
    assert.equal(as('n1', ['create', '-f', '-'], nns('n1')).code, 0);
    assert.equal(as('n2', ['create', '-f', '-'], nns('n2')).code, 0);
    const status = (n: string) => ['patch', 'nns', n, '--type=merge', '--subresource=status', '-p', '{"status":{"handlerNmstateVersion":"x"}}'];
    const own = as('n1', status('n1'));
    assert.equal(own.code, 0, own.stderr);
    const other = as('n1', status('n2'));
    assert.match(other.stderr, /nodenetworkstates\.nmstate\.io "n2" is forbidden: User "system:node:n1" cannot patch resource "nodenetworkstates\/status" in API group "nmstate\.io" at the cluster scope/);
    assert.match(canI('n1', ['patch', 'nodenetworkstates/n2', '--subresource=status']), /^no - no relationship found between node 'n1' and this object$/);
    assert.equal(canI('n1', ['patch', 'nodenetworkstates/n1', '--subresource=status']), 'yes');
    assert.equal(as('n1', ['get', 'nns']).code, 0);
    assert.match(as('n1', ['get', 'secrets', '-n', A]).stderr, /forbidden/);
  });

  test('a node patches a VMI on itself, not one on another node', async () => {
    s.kubectlOk(['create', '-f', '-'], { input: `apiVersion: kubevirt.io/v1\nkind: VirtualMachineInstance\nmetadata: {name: v, namespace: ${A}}\nspec: {domain: {devices: {}}}\n` });
    s.kubectlOk(['patch', 'vmi', 'v', '-n', A, '--type=merge', '-p', '{"status":{"nodeName":"n2","phase":"Scheduled"}}']);
    const patch = (who: string) => as(who, ['patch', 'vmi', 'v', '-n', A, '--type=merge', '-p', `{"metadata":{"annotations":{"by":"${who}"}}}`]);
    await until(() => patch('n2').code === 0, 'node n2 to own the VMI');
    assert.match(patch('n1').stderr, /virtualmachineinstances\.kubevirt\.io "v" is forbidden: User "system:node:n1" cannot patch resource "virtualmachineinstances"/);
  });
});

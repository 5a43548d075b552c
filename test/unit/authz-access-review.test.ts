import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { review, reviewRoute, type RulesSource } from '../../src/api/authz/access-review.js';
import type { Authorizer } from '../../src/api/authz/authorizer.js';
import type { StatusError } from '../../src/common/status-error.js';

// A fake authorizer for pure code: alice may list pods in ns a.
const authz: Authorizer = {
  authorize: (a) => (a.user.name === 'alice' && a.verb === 'list' && a.resource === 'pods' && a.namespace === 'a'
    ? { decision: 'allow', reason: 'ok' } : { decision: 'no-opinion', reason: '' }),
};
const rules: RulesSource = { rulesFor: () => ({ rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/version'] }], errors: [] }) };
const alice = { name: 'alice', uid: 'alice', groups: ['system:authenticated'] };
const route = (p: string) => reviewRoute(p)!;
const ssar = (spec: unknown) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });

describe('access reviews', () => {
  test('routes', () => {
    assert.equal(reviewRoute('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')?.kind.kind, 'SelfSubjectAccessReview');
    assert.equal(reviewRoute('/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews')?.namespace, 'a');
    assert.equal(reviewRoute('/apis/authorization.k8s.io/v1/localsubjectaccessreviews'), undefined);
    assert.equal(reviewRoute('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews/x'), undefined);
  });
  test('SelfSubjectAccessReview allowed and not', async () => {
    const yes = await review(route('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), 'POST', ssar({ resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'a' } }), alice, authz, rules);
    assert.equal(yes.code, 201);
    assert.deepEqual((yes.body as { status: unknown }).status, { allowed: true, reason: 'ok' });
    const no = await review(route('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), 'POST', ssar({ resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'b' } }), alice, authz, rules);
    assert.deepEqual((no.body as { status: unknown }).status, { allowed: false });
  });
  test('a self review cannot ask about someone else', async () => {
    const r = await review(route('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), 'POST', ssar({ user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'a' } }), { ...alice, name: 'mallory' }, authz, rules);
    assert.equal((r.body as { status: { allowed: boolean } }).status.allowed, false);
  });
  test('exactly one of the attribute kinds', async () => {
    await assert.rejects(review(route('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), 'POST', ssar({}), alice, authz, rules),
      (e: StatusError) => e.code === 422 && /exactly one of nonResourceAttributes or resourceAttributes must be specified/.test(e.message));
  });
  test('SubjectAccessReview asks about its spec user', async () => {
    const r = await review(route('/apis/authorization.k8s.io/v1/subjectaccessreviews'), 'POST', { spec: { user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'a' } } }, { ...alice, name: 'admin' }, authz, rules);
    assert.equal((r.body as { status: { allowed: boolean } }).status.allowed, true);
    await assert.rejects(review(route('/apis/authorization.k8s.io/v1/subjectaccessreviews'), 'POST', { spec: { resourceAttributes: { verb: 'get' } } }, alice, authz, rules),
      (e: StatusError) => e.code === 422 && /at least one of user or group must be specified/.test(e.message));
  });
  test('LocalSubjectAccessReview takes its namespace from the path', async () => {
    const r = await review(route('/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews'), 'POST', { spec: { user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods' } } }, alice, authz, rules);
    assert.equal((r.body as { status: { allowed: boolean } }).status.allowed, true);
    await assert.rejects(review(route('/apis/authorization.k8s.io/v1/namespaces/a/localsubjectaccessreviews'), 'POST', { spec: { user: 'alice', resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'b' } } }, alice, authz, rules),
      (e: StatusError) => e.code === 400);
  });
  test('SelfSubjectRulesReview splits resource and URL rules', async () => {
    const r = await review(route('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews'), 'POST', { spec: { namespace: 'a' } }, alice, authz, rules);
    assert.deepEqual((r.body as { status: unknown }).status, {
      resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/version'] }],
      incomplete: false,
    });
  });
  test('only POST', async () => {
    await assert.rejects(review(route('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews'), 'GET', undefined, alice, authz, rules), (e: StatusError) => e.code === 405);
  });
});

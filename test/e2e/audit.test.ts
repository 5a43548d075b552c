// The audit log and the rate limiter against a real `virtnet serve`: one audit line per mutating request made
// with kubectl (create, apply, patch, delete) and the API (a VM start), with who, verb, resource, name,
// namespace and code; 401s and 403s audited too; a flood from one user gets 429 with Retry-After while
// another user and the admin are unaffected.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, until } from '../support/server-process.js';

interface Line { user: string; groups: string[]; verb: string; resource: string; subresource: string; name: string; namespace: string; code: number; sourceIP: string; userAgent: string; requestURI: string; requestReceivedTimestamp: string }

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

describe('audit log and rate limits', () => {
  let s: ServerProcess;
  // Two users outside system:masters, written in the token file's plain format before the server starts
  // (the server hashes plain-text lines at rest).
  const flooder = randomBytes(18).toString('base64url');
  const other = randomBytes(18).toString('base64url');

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vn-test-audit-'));
    writeFileSync(join(dir, 'tokens.csv'), `${flooder},flooder,flooder,"fz-tenants"\n${other},other,other,"fz-tenants"\n`, { mode: 0o600 });
    s = await ServerProcess.start(dir);
  });
  after(async () => {
    await s?.stop();
  });

  const auditLines = (): Line[] => readFileSync(join(s.dataDir, 'audit', 'audit.log'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as Line).filter((l) => l.verb !== undefined);

  it('writes one line per mutating request, 401s and 403s included', async () => {
    const start = new Date().toISOString();
    const ns = `vn-taudit-${randomBytes(3).toString('hex')}`;
    s.kubectlOk(['create', 'namespace', ns]);
    s.kubectlOk(['-n', ns, 'create', 'configmap', 'cm1', '--from-literal=a=1']);
    s.kubectlOk(['-n', ns, 'apply', '-f', '-'], { input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\ndata:\n  b: "2"\n` });
    s.kubectlOk(['-n', ns, 'patch', 'configmap', 'cm1', '--type', 'merge', '-p', '{"data":{"a":"3"}}']);
    s.kubectlOk(['-n', ns, 'apply', '-f', '-'], { input: `apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: vm1\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices: {}\n        resources:\n          requests:\n            memory: 64Mi\n` });
    const started = await s.request('PUT', `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/vm1/start`, {});
    assert.equal(started.status, 202, started.text);
    s.kubectlOk(['-n', ns, 'delete', 'configmap', 'cm2']);
    const unauth = await s.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'x' } }, {}, false);
    assert.equal(unauth.status, 401);
    const forbidden = await s.request('DELETE', `/api/v1/namespaces/${ns}/configmaps/cm1`, undefined, { Authorization: `Bearer ${other}` }, false);
    assert.equal(forbidden.status, 403, forbidden.text);

    const expected = [
      { user: 'admin', verb: 'create', resource: 'namespaces', subresource: '', namespace: '', name: '', code: 201 },
      { user: 'admin', verb: 'create', resource: 'configmaps', subresource: '', namespace: ns, name: '', code: 201 },
      // kubectl apply creates what does not exist yet (client-side apply)
      { user: 'admin', verb: 'create', resource: 'configmaps', subresource: '', namespace: ns, name: '', code: 201 },
      { user: 'admin', verb: 'patch', resource: 'configmaps', subresource: '', namespace: ns, name: 'cm1', code: 200 },
      { user: 'admin', verb: 'create', resource: 'virtualmachines', subresource: '', namespace: ns, name: '', code: 201 },
      { user: 'admin', verb: 'update', resource: 'virtualmachines', subresource: 'start', namespace: ns, name: 'vm1', code: 202 },
      { user: 'admin', verb: 'delete', resource: 'configmaps', subresource: '', namespace: ns, name: 'cm2', code: 200 },
      { user: 'system:anonymous', verb: 'post', resource: '', subresource: '', namespace: '', name: '', code: 401 },
      { user: 'other', verb: 'delete', resource: 'configmaps', subresource: '', namespace: ns, name: 'cm1', code: 403 },
    ];
    // The response-close event may trail the client by a moment, and the writer is asynchronous.
    const mine = await until(() => {
      // Lines of this run's clients only (the controllers inside the server write too).
      const got = auditLines().filter((l) => l.requestReceivedTimestamp >= start && ['admin', 'other', 'system:anonymous'].includes(l.user)
        && (MUTATING.has(l.verb) || l.code === 401 || l.code === 403));
      return got.length >= expected.length ? got : undefined;
    }, 'the audit lines of the run', 10_000);
    const shape = mine.map((l) => ({ user: l.user, verb: l.verb, resource: l.resource, subresource: l.subresource, namespace: l.namespace, name: l.name, code: l.code }));
    const key = (x: object): string => JSON.stringify(x);
    assert.deepEqual(shape.map(key).sort(), expected.map(key).sort());
    for (const l of mine) {
      assert.equal(l.sourceIP, '127.0.0.1');
      assert.ok(Array.isArray(l.groups));
    }
    assert.ok(mine.find((l) => l.resource === 'namespaces')!.userAgent.startsWith('kubectl'));
    assert.deepEqual(mine.find((l) => l.code === 401)!.groups, ['system:unauthenticated']);
  });

  it('answers a flood from one user with 429 and Retry-After; another user and the admin are unaffected', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const codes = new Map<number, number>();
    let retryAfter: string | undefined;
    let status: { kind?: string; reason?: string; details?: { retryAfterSeconds?: number } } | undefined;
    // Well past the burst (400), faster than the refill (200/s): 800 requests, 16 in flight.
    let next = 0;
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next++ < 800) {
        const r = await s.request('GET', `${path}?limit=1`, undefined, { Authorization: `Bearer ${flooder}` }, false);
        codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
        if (r.status === 429 && retryAfter === undefined) {
          retryAfter = String(r.headers['retry-after']);
          status = r.json as typeof status;
        }
      }
    }));
    console.log(`flood by status: ${[...codes].map(([k, v]) => `${k}: ${v}`).join(', ')}`);
    assert.ok((codes.get(429) ?? 0) > 0, 'some requests were refused');
    assert.equal(status?.kind, 'Status');
    assert.equal(status?.reason, 'TooManyRequests');
    assert.ok((status?.details?.retryAfterSeconds ?? 0) >= 1);
    assert.equal(retryAfter, String(status?.details?.retryAfterSeconds));
    // The flooder's bucket is empty now; the others' are not.
    const flooded = await s.request('GET', path, undefined, { Authorization: `Bearer ${flooder}` }, false);
    const otherUser = await s.request('GET', path, undefined, { Authorization: `Bearer ${other}` }, false);
    const admin = await s.request('GET', path);
    assert.notEqual(otherUser.status, 429, 'another user is not limited');
    assert.equal(admin.status, 200, 'the admin (system:masters) is not limited');
    assert.ok([200, 403, 429].includes(flooded.status));
    const refused = auditLines().filter((l) => l.user === 'flooder' && l.code === 429);
    assert.ok(refused.length > 0, '429s are audited');
  });
});

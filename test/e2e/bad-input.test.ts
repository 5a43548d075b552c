// Hostile and malformed requests get a 4xx Status and the server keeps serving.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';

interface St { kind: string; code: number; reason: string; message: string; details?: { causes?: { field: string }[] } }

describe('bad input', () => {
  let s: ServerProcess;
  before(async () => {
    s = await ServerProcess.start();
  });
  after(async () => {
    await s.stop();
  });

  async function expectStatus(method: string, path: string, body: unknown, code: number, reason: string, headers: Record<string, string> = {}): Promise<St> {
    const r = await s.request(method, path, body, headers);
    assert.equal(r.status, code, r.text.slice(0, 500));
    const st = r.json as St;
    assert.equal(st.kind, 'Status');
    assert.equal(st.code, code);
    assert.equal(st.reason, reason);
    const health = await s.request('GET', '/api/v1/namespaces/default');
    assert.equal(health.status, 200, 'server still serving');
    return st;
  }

  it('malformed JSON and YAML', async () => {
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', '{"metadata": {', 400, 'BadRequest');
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', '[1,2,3]', 400, 'BadRequest');
    await expectStatus('PATCH', '/api/v1/namespaces/default/configmaps/x?fieldManager=t', 'a: [unclosed', 400, 'BadRequest', { 'Content-Type': 'application/apply-patch+yaml' });
    const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n';
    await expectStatus('PATCH', '/api/v1/namespaces/default/configmaps/bomb?fieldManager=t', bomb, 400, 'BadRequest', { 'Content-Type': 'application/apply-patch+yaml' });
  });

  it('unknown fields under fieldValidation=Strict, warned otherwise', async () => {
    const st = await expectStatus('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', { metadata: { name: 'u1' }, spec: { x: 1 } }, 400, 'BadRequest');
    assert.equal(st.message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "spec"');
    const r = await s.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', { metadata: { name: 'u2' }, spec: { x: 1 } });
    assert.equal(r.status, 201);
    assert.match(String(r.headers.warning ?? ''), /unknown field \\"spec\\"/);
    const got = await s.request('GET', '/api/v1/namespaces/default/configmaps/u2');
    assert.equal((got.json as Record<string, unknown>).spec, undefined);
  });

  it('a 10 MB body', async () => {
    const big = JSON.stringify({ metadata: { name: 'big' }, data: { x: 'y'.repeat(10 * 1024 * 1024) } });
    const st = await expectStatus('POST', '/api/v1/namespaces/default/configmaps', big, 413, 'RequestEntityTooLarge');
    assert.match(st.message, /Request entity too large: limit is 3145728/);
  });

  it('deeply nested documents', async () => {
    const deep = '{"metadata":{"name":"deep"},"data":' + '{"a":'.repeat(100000) + '1' + '}'.repeat(100000) + '}';
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', deep, 400, 'BadRequest');
    const deepArr = '['.repeat(200000) + ']'.repeat(200000);
    await expectStatus('PATCH', '/api/v1/namespaces/default/configmaps/deep', deepArr, 400, 'BadRequest', { 'Content-Type': 'application/json-patch+json' });
  });

  it('invalid names and values', async () => {
    const st = await expectStatus('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Not_Valid' } }, 422, 'Invalid');
    assert.equal(st.details?.causes?.[0]?.field, 'metadata.name');
    await expectStatus('POST', '/api/v1/namespaces', { metadata: { name: 'a.b' } }, 422, 'Invalid');
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x'.repeat(300) } }, 422, 'Invalid');
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'lbl', labels: { 'bad key!': 'v' } } }, 422, 'Invalid');
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'typed' }, data: { k: 5 } }, 422, 'Invalid');
    await expectStatus('POST', '/api/v1/namespaces/default/configmaps', { metadata: {} }, 422, 'Invalid');
  });

  it('wrong content types, verbs and selectors', async () => {
    await s.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'ct' } });
    await expectStatus('PATCH', '/apis/kubevirt.io/v1/namespaces/default/virtualmachines/x', '{}', 415, 'UnsupportedMediaType', { 'Content-Type': 'application/strategic-merge-patch+json' });
    await expectStatus('PATCH', '/api/v1/namespaces/default/configmaps/ct', '{}', 415, 'UnsupportedMediaType', { 'Content-Type': 'text/plain' });
    await expectStatus('GET', '/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(', undefined, 400, 'BadRequest');
    await expectStatus('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=spec.nope%3Dx', undefined, 400, 'BadRequest');
    await expectStatus('PATCH', '/api/v1/namespaces/default/configmaps/ct', '[{"op":"frob","path":"/x"}]', 422, 'Invalid', { 'Content-Type': 'application/json-patch+json' });
    await expectStatus('GET', '/api/v1/nosuchthings', undefined, 404, 'NotFound');
    const unauth = await s.request('GET', '/api/v1/namespaces', undefined, {}, false);
    assert.equal(unauth.status, 401);
  });
});

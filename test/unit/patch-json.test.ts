import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../src/api/patch/json-patch.js';
import { StatusError } from '../../src/common/status-error.js';

const pod = () => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1' }] },
});

describe('applyJsonPatch', () => {
  const ok: { name: string; ops: unknown[]; want: (o: ReturnType<typeof pod>) => unknown }[] = [
    {
      name: 'replace container image',
      ops: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:2' }],
      want: (o) => { o.spec.containers[0]!.image = 'nginx:2'; return o; },
    },
    {
      name: 'add label with escaped key',
      ops: [{ op: 'add', path: '/metadata/labels/app.kubernetes.io~1name', value: 'x' }],
      want: (o) => { (o.metadata.labels as Record<string, string>)['app.kubernetes.io/name'] = 'x'; return o; },
    },
    {
      name: 'append with -',
      ops: [{ op: 'add', path: '/spec/containers/-', value: { name: 'd', image: 'busybox' } }],
      want: (o) => { o.spec.containers.push({ name: 'd', image: 'busybox' }); return o; },
    },
    {
      name: 'remove label',
      ops: [{ op: 'remove', path: '/metadata/labels/app' }],
      want: (o) => { o.metadata.labels = {} as { app: string }; return o; },
    },
    {
      name: 'passing test then replace',
      ops: [
        { op: 'test', path: '/metadata/name', value: 'p' },
        { op: 'replace', path: '/metadata/name', value: 'q' },
      ],
      want: (o) => { o.metadata.name = 'q'; return o; },
    },
    {
      name: 'move and copy',
      ops: [
        { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
        { op: 'move', from: '/metadata/labels/app', path: '/metadata/labels/role' },
      ],
      want: (o) => ({ ...o, metadata: { name: 'p', labels: { role: 'web' }, annotations: { app: 'web' } } }),
    },
    {
      name: 'add without value adds null (json-patch v4)',
      ops: [{ op: 'add', path: '/spec/x' }],
      want: (o) => ({ ...o, spec: { ...o.spec, x: null } }),
    },
    {
      name: 'SSA migration rewrites managedFields',
      ops: [{ op: 'replace', path: '/metadata/labels', value: { a: 'b' } }],
      want: (o) => ({ ...o, metadata: { name: 'p', labels: { a: 'b' } } }),
    },
    { name: 'empty patch', ops: [], want: (o) => o },
  ];
  for (const c of ok) {
    it(c.name, () => {
      const target = pod();
      const ops = structuredClone(c.ops);
      assert.deepEqual(applyJsonPatch(target, ops), c.want(pod()));
      assert.deepEqual(target, pod(), 'target not mutated');
      assert.deepEqual(ops, c.ops, 'ops not mutated');
    });
  }

  const unprocessable: { name: string; ops: unknown[] }[] = [
    { name: 'failed test', ops: [{ op: 'test', path: '/metadata/name', value: 'other' }] },
    { name: 'failed test aborts earlier ops', ops: [{ op: 'replace', path: '/metadata/name', value: 'q' }, { op: 'test', path: '/spec/containers/0/image', value: 'x' }] },
    { name: 'replace missing path', ops: [{ op: 'replace', path: '/spec/missing', value: 1 }] },
    { name: 'remove missing path', ops: [{ op: 'remove', path: '/metadata/annotations' }] },
    { name: 'add under missing parent', ops: [{ op: 'add', path: '/spec/a/b', value: 1 }] },
    { name: 'index out of range', ops: [{ op: 'add', path: '/spec/containers/5', value: {} }] },
    { name: 'unknown op', ops: [{ op: 'frobnicate', path: '/spec' }] },
    { name: 'missing op', ops: [{ path: '/spec', value: 1 }] },
    { name: 'missing path', ops: [{ op: 'add', value: 1 }] },
    { name: 'whole-document path', ops: [{ op: 'replace', path: '', value: {} }] },
    { name: 'move without from', ops: [{ op: 'move', path: '/spec/x' }] },
    { name: 'move from missing', ops: [{ op: 'move', from: '/nope', path: '/spec/x' }] },
    { name: 'null operation', ops: [null] },
  ];
  for (const c of unprocessable) {
    it(`422 for ${c.name}`, () => {
      assert.throws(() => applyJsonPatch(pod(), c.ops), (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.deepEqual(e.toStatus(), {
          kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
          message: 'the server rejected our request due to an error in our request',
          reason: 'Invalid', details: {}, code: 422,
        });
        return true;
      });
    });
  }

  const badRequests: { name: string; body: unknown; message: string }[] = [
    { name: 'object body', body: { op: 'add' }, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    { name: 'string body', body: 'x', message: 'json: cannot unmarshal string into Go value of type jsonpatch.Patch' },
    { name: 'null body', body: null, message: 'json: cannot unmarshal null into Go value of type jsonpatch.Patch' },
    { name: 'non-object operation', body: ['add'], message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
    { name: 'array operation', body: [[]], message: 'json: cannot unmarshal array into Go value of type jsonpatch.Operation' },
  ];
  for (const c of badRequests) {
    it(`400 for ${c.name}`, () => {
      assert.throws(() => applyJsonPatch(pod(), c.body), (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.equal(e.code, 400);
        assert.equal(e.reason, 'BadRequest');
        assert.equal(e.message, c.message);
        return true;
      });
    });
  }

  it('413 beyond the operation limit', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({ op: 'test', path: '/kind', value: 'Pod' }));
    assert.throws(() => applyJsonPatch(pod(), ops), (e: unknown) => {
      assert.ok(e instanceof StatusError);
      assert.equal(e.code, 413);
      assert.equal(e.reason, 'RequestEntityTooLarge');
      assert.equal(e.message, 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001');
      return true;
    });
  });

  it('refuses prototype pollution', () => {
    assert.throws(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: true }]), StatusError);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

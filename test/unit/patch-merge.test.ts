import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyMergePatch, applyMergePatchBody } from '../../src/api/patch/merge-patch.js';
import { StatusError } from '../../src/common/status-error.js';

describe('applyMergePatch (RFC 7386)', () => {
  // RFC 7386 appendix A, plus the kubectl cases.
  const cases: { name: string; target: unknown; patch: unknown; want: unknown }[] = [
    { name: 'replace scalar', target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
    { name: 'add member', target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
    { name: 'null deletes', target: { a: 'b' }, patch: { a: null }, want: {} },
    { name: 'null deletes one of two', target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
    { name: 'array replaces scalar', target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
    { name: 'scalar replaces array', target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
    { name: 'nested merge and delete', target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
    { name: 'arrays are replaced, not merged', target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
    { name: 'array patch replaces document', target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
    { name: 'object patch over array target', target: { a: 'b' }, patch: ['c'], want: ['c'] },
    { name: 'null patch value', target: { a: 'foo' }, patch: null, want: null },
    { name: 'string patch', target: { a: 'foo' }, patch: 'bar', want: 'bar' },
    { name: 'nulls pruned in new subtree', target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
    { name: 'new nested object drops its nulls', target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
    { name: 'object over scalar member', target: { a: 1 }, patch: { a: { b: 2, c: null } }, want: { a: { b: 2 } } },
    { name: 'nulls inside arrays stay', target: {}, patch: { a: [null, { b: null }] }, want: { a: [null, { b: null }] } },
    {
      name: 'kubectl label',
      target: { metadata: { name: 'x', labels: { a: '1', b: '2' } } },
      patch: { metadata: { labels: { a: null, tier: 'be' } } },
      want: { metadata: { name: 'x', labels: { b: '2', tier: 'be' } } },
    },
    {
      name: 'kubectl annotate removes the only annotation',
      target: { metadata: { annotations: { x: 'y' } } },
      patch: { metadata: { annotations: { x: null } } },
      want: { metadata: { annotations: {} } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const target = structuredClone(c.target);
      const patch = structuredClone(c.patch);
      assert.deepEqual(applyMergePatch(target, patch), c.want);
      assert.deepEqual(target, c.target, 'target not mutated');
      assert.deepEqual(patch, c.patch, 'patch not mutated');
    });
  }

  it('does not alias patch values into the result', () => {
    const patch = { a: { b: [1, 2] } };
    const out = applyMergePatch({}, patch) as { a: { b: number[] } };
    out.a.b.push(3);
    assert.deepEqual(patch.a.b, [1, 2]);
  });

  it('keeps __proto__ as a plain member', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
    const out = applyMergePatch({}, patch) as Record<string, unknown>;
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });
});

describe('applyMergePatchBody', () => {
  for (const body of [null, 'x', 3, true]) {
    it(`rejects ${JSON.stringify(body)} with 400 Invalid JSON Patch`, () => {
      assert.throws(() => applyMergePatchBody({ a: 1 }, body), (e: unknown) => {
        assert.ok(e instanceof StatusError);
        assert.equal(e.code, 400);
        assert.equal(e.reason, 'BadRequest');
        assert.equal(e.message, 'Invalid JSON Patch');
        return true;
      });
    });
  }
  it('merges objects', () => {
    assert.deepEqual(applyMergePatchBody({ a: 1 }, { b: 2 }), { a: 1, b: 2 });
  });
});

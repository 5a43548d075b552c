import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from '../../src/api/patch/strategic-merge.js';
import type { StrategicListRule } from '../../src/apis/kind.js';
import { StatusError } from '../../src/common/status-error.js';

const rules: StrategicListRule[] = [
  { path: 'metadata.finalizers', strategy: 'merge' },
  { path: 'metadata.ownerReferences', mergeKey: 'uid', strategy: 'merge' },
  { path: 'spec.containers', mergeKey: 'name', strategy: 'merge' },
  { path: 'spec.containers.ports', mergeKey: 'containerPort', strategy: 'merge' },
  { path: 'spec.containers.env', mergeKey: 'name', strategy: 'merge' },
  { path: 'spec.volumes', mergeKey: 'name', strategy: 'merge' },
  { path: 'spec.tolerations', strategy: 'replace' },
  { path: 'status.conditions', mergeKey: 'type', strategy: 'merge' },
];

type J = Record<string, unknown>;
const c = (name: string, image = `${name}:1`, extra: J = {}): J => ({ name, image, ...extra });

interface Case { name: string; target: J; patch: unknown; want: unknown }

const cases: Case[] = [
  {
    name: 'kubectl apply: labels removed, container updated, container deleted, order set',
    target: { metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [c('c'), c('d')] } },
    patch: {
      metadata: { labels: null },
      spec: { '$setElementOrder/containers': [{ name: 'c' }], containers: [{ image: 'nginx:3', name: 'c' }, { $patch: 'delete', name: 'd' }] },
    },
    want: { metadata: { name: 'p' }, spec: { containers: [c('c', 'nginx:3')] } },
  },
  {
    name: 'maps merge, null deletes, scalars replace',
    target: { metadata: { labels: { a: '1', b: '2' }, annotations: { x: 'y' } }, spec: { replicas: 1, paused: true } },
    patch: { metadata: { labels: { a: null, c: '3' } }, spec: { replicas: 3, paused: null, missing: null } },
    want: { metadata: { labels: { b: '2', c: '3' }, annotations: { x: 'y' } }, spec: { replicas: 3 } },
  },
  {
    name: 'a new keyed item goes first without $setElementOrder',
    target: { spec: { containers: [c('a'), c('b')] } },
    patch: { spec: { containers: [c('n')] } },
    want: { spec: { containers: [c('n'), c('a'), c('b')] } },
  },
  {
    name: 'a new keyed item is placed by $setElementOrder',
    target: { spec: { containers: [c('a'), c('b')] } },
    patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'n' }], containers: [c('n')] } },
    want: { spec: { containers: [c('a'), c('b'), c('n')] } },
  },
  {
    name: 'patched keyed items merge in place and keep live order',
    target: { spec: { containers: [c('a'), c('b', 'b:1', { args: ['x'] }), c('z')] } },
    patch: { spec: { containers: [{ name: 'b', image: 'b:2' }] } },
    want: { spec: { containers: [c('a'), c('b', 'b:2', { args: ['x'] }), c('z')] } },
  },
  {
    name: '$setElementOrder alone reorders',
    target: { spec: { containers: [c('a'), c('b'), c('c')] } },
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }] } },
    want: { spec: { containers: [c('c'), c('a'), c('b')] } },
  },
  {
    name: 'nested keyed lists (ports by containerPort, env by name)',
    target: { spec: { containers: [c('a', 'a:1', { ports: [{ containerPort: 80, name: 'http' }], env: [{ name: 'X', value: '1' }] })] } },
    patch: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }], env: [{ name: 'Y', value: '2' }, { name: 'X', $patch: 'delete' }] }] } },
    want: { spec: { containers: [c('a', 'a:1', { ports: [{ containerPort: 80, name: 'http', protocol: 'TCP' }, { containerPort: 443 }], env: [{ name: 'Y', value: '2' }] })] } },
  },
  {
    name: 'unlisted and replace-strategy lists are replaced',
    target: { spec: { tolerations: [{ key: 'a' }], containers: [c('a', 'a:1', { args: ['1', '2'] })] } },
    patch: { spec: { tolerations: [{ key: 'b' }], containers: [{ name: 'a', args: ['3'] }] } },
    want: { spec: { tolerations: [{ key: 'b' }], containers: [c('a', 'a:1', { args: ['3'] })] } },
  },
  {
    name: 'finalizers: primitive set union, new values first',
    target: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { finalizers: ['c', 'b'] } },
    want: { metadata: { finalizers: ['c', 'a', 'b'] } },
  },
  {
    name: 'finalizers: $deleteFromPrimitiveList',
    target: { metadata: { finalizers: ['a', 'b', 'c'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } },
    want: { metadata: { finalizers: ['a', 'c'] } },
  },
  {
    name: 'finalizers: kubectl apply style (order + add + delete)',
    target: { metadata: { finalizers: ['a', 'b'] } },
    patch: { metadata: { '$setElementOrder/finalizers': ['b', 'c'], finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] } },
    want: { metadata: { finalizers: ['b', 'c'] } },
  },
  {
    name: 'finalizers added where there were none',
    target: { metadata: { name: 'x' } },
    patch: { metadata: { finalizers: ['f'] } },
    want: { metadata: { name: 'x', finalizers: ['f'] } },
  },
  {
    name: 'ownerReferences merge by uid',
    target: { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'K', apiVersion: 'v1' }] } },
    patch: { metadata: { ownerReferences: [{ uid: '1', controller: true }, { uid: '2', name: 'b', kind: 'K', apiVersion: 'v1' }] } },
    want: { metadata: { ownerReferences: [{ uid: '1', name: 'a', kind: 'K', apiVersion: 'v1', controller: true }, { uid: '2', name: 'b', kind: 'K', apiVersion: 'v1' }] } },
  },
  {
    name: 'patch order wins for the items it names; live order for the rest',
    target: { spec: { containers: [c('a'), c('b'), c('z')] } },
    patch: { spec: { containers: [{ name: 'n' }, { name: 'b' }] } },
    want: { spec: { containers: [{ name: 'n' }, c('a'), c('b'), c('z')] } },
  },
  {
    name: 'a new item after an existing one in the patch follows it',
    target: { spec: { containers: [c('a'), c('b'), c('z')] } },
    patch: { spec: { containers: [{ name: 'b' }, { name: 'n' }] } },
    want: { spec: { containers: [c('a'), c('b'), { name: 'n' }, c('z')] } },
  },
  {
    name: 'status.conditions merge by type',
    target: { status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Synced', status: 'True' }] } },
    patch: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Up' }] } },
    want: { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'Up' }, { type: 'Synced', status: 'True' }] } },
  },
  {
    name: '$patch: replace on a map',
    target: { spec: { containers: [c('a')], volumes: [{ name: 'v' }], nodeName: 'n' } },
    patch: { spec: { $patch: 'replace', containers: [c('b')] } },
    want: { spec: { containers: [c('b')] } },
  },
  {
    name: '$patch: delete on a map',
    target: { metadata: { name: 'x', annotations: { a: 'b' } } },
    patch: { metadata: { annotations: { $patch: 'delete' } } },
    want: { metadata: { name: 'x' } },
  },
  {
    name: '$patch: merge on a map is the default',
    target: { metadata: { labels: { a: '1' } } },
    patch: { metadata: { labels: { $patch: 'merge', b: '2' } } },
    want: { metadata: { labels: { a: '1', b: '2' } } },
  },
  {
    name: '$patch: replace in a keyed list',
    target: { spec: { containers: [c('a'), c('b')] } },
    patch: { spec: { containers: [c('x'), { $patch: 'replace' }] } },
    want: { spec: { containers: [c('x')] } },
  },
  {
    name: '$patch: merge on a list item',
    target: { spec: { containers: [c('a'), c('b')] } },
    patch: { spec: { containers: [{ name: 'b', image: 'b:9', $patch: 'merge' }] } },
    want: { spec: { containers: [c('a'), c('b', 'b:9')] } },
  },
  {
    name: '$patch: delete of an absent item is a no-op',
    target: { spec: { containers: [c('a')] } },
    patch: { spec: { containers: [{ name: 'zz', $patch: 'delete' }] } },
    want: { spec: { containers: [c('a')] } },
  },
  {
    name: '$retainKeys clears the other keys',
    target: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    want: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: '$retainKeys with nulls and list directives',
    target: { spec: { v: { a: 1, b: 2, c: 3 } } },
    patch: { spec: { v: { $retainKeys: ['a'], b: null, a: 5 } } },
    want: { spec: { v: { a: 5 } } },
  },
  {
    name: 'directives in brand-new subtrees are stripped',
    target: { spec: {} },
    patch: {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }],
        containers: [c('a', 'a:1', { '$setElementOrder/env': [{ name: 'E' }], env: [{ name: 'E', value: 'v' }] }), c('b'), { name: 'gone', $patch: 'delete' }],
        securityContext: { $patch: 'replace', runAsUser: 1 },
        affinity: { $patch: 'delete' },
        tolerations: [{ key: 'k' }, { $patch: 'replace' }],
      },
    },
    want: { spec: { containers: [c('a', 'a:1', { env: [{ name: 'E', value: 'v' }] }), c('b')], securityContext: { runAsUser: 1 }, tolerations: [{ key: 'k' }] } },
  },
  {
    name: 'a list replaces a map and vice versa',
    target: { spec: { containers: [c('a')], x: { a: 1 } } },
    patch: { spec: { containers: { name: 'odd' }, x: [1] } },
    want: { spec: { containers: { name: 'odd' }, x: [1] } },
  },
  {
    name: 'root $patch: replace',
    target: { a: 1, b: 2 },
    patch: { $patch: 'replace', c: 3 },
    want: { c: 3 },
  },
  {
    name: 'root $patch: delete',
    target: { a: 1 },
    patch: { $patch: 'delete' },
    want: {},
  },
  { name: 'null patch is a no-op', target: { a: 1 }, patch: null, want: { a: 1 } },
  { name: 'empty patch is a no-op', target: { a: { b: [1] } }, patch: {}, want: { a: { b: [1] } } },
  {
    name: 'null deletion list drops the list (upstream quirk)',
    target: { metadata: { finalizers: ['a'] } },
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': null } },
    want: { metadata: {} },
  },
];

describe('applyStrategicMergePatch', () => {
  for (const t of cases) {
    it(t.name, () => {
      const target = structuredClone(t.target);
      const patch = structuredClone(t.patch);
      assert.deepEqual(applyStrategicMergePatch(target, patch, rules), t.want);
      assert.deepEqual(target, t.target, 'target not mutated');
      assert.deepEqual(patch, t.patch, 'patch not mutated');
    });
  }

  it('without rules every list is replaced', () => {
    assert.deepEqual(
      applyStrategicMergePatch({ spec: { containers: [c('a')] } }, { spec: { containers: [c('b')] } }),
      { spec: { containers: [c('b')] } },
    );
  });

  it('keeps __proto__ as data', () => {
    const out = applyStrategicMergePatch({}, JSON.parse('{"__proto__":{"x":1}}'), rules) as object;
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepEqual(Object.keys(out), ['__proto__']);
  });

  const errors: { name: string; patch: unknown; target?: J; code: number; reason: string; message: string }[] = [
    {
      name: 'non-object patch',
      patch: [1],
      code: 400, reason: 'BadRequest',
      message: 'json: cannot unmarshal array into Go value of type map[string]interface {}',
    },
    {
      name: 'keyed item without its merge key',
      patch: { spec: { containers: [{ image: 'x' }] } },
      code: 500, reason: '',
      message: 'map: map[image:x] does not contain declared merge key: name',
    },
    {
      name: 'delete directive without merge key',
      patch: { spec: { containers: [{ $patch: 'delete' }] } },
      code: 500, reason: '',
      message: 'map: map[$patch:delete] does not contain declared merge key: name',
    },
    {
      name: 'unknown $patch on a map',
      patch: { spec: { $patch: 'frob' } },
      code: 500, reason: '',
      message: 'unknown patch type: frob in map: map[$patch:frob]',
    },
    {
      name: 'malformed $setElementOrder key',
      patch: { spec: { $setElementOrderX: [] } },
      code: 400, reason: 'BadRequest',
      message: 'invalid patch format of setElementOrder list',
    },
    {
      name: 'malformed $deleteFromPrimitiveList key',
      patch: { metadata: { $deleteFromPrimitiveList: ['a'] } },
      code: 400, reason: 'BadRequest',
      message: 'invalid patch format of primitive list',
    },
    {
      name: '$retainKeys not a list',
      patch: { spec: { $retainKeys: 'a' } },
      code: 400, reason: 'BadRequest',
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'patch key missing from $retainKeys',
      patch: { spec: { $retainKeys: ['a'], b: 1 } },
      code: 400, reason: 'BadRequest',
      message: 'invalid patch format of retainKeys',
    },
    {
      name: 'lists of lists',
      target: { metadata: {} },
      patch: { metadata: { finalizers: [['b']] } },
      code: 422, reason: 'Invalid',
      message: 'the server rejected our request due to an error in our request',
    },
    {
      name: 'mixed element types',
      target: { metadata: { finalizers: ['a'] } },
      patch: { metadata: { finalizers: [1] } },
      code: 500, reason: '',
      message: 'list element types are not identical: [[a] [1]]',
    },
    {
      name: 'patch order contradicts $setElementOrder',
      target: { spec: { containers: [c('a'), c('b')] } },
      patch: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }], containers: [c('b'), c('a')] } },
      code: 500, reason: '',
      message: 'The order in patch list:\n[map[image:b:1 name:b] map[image:a:1 name:a]]\n doesn\'t match $setElementOrder list:\n[map[name:a] map[name:b]]\n',
    },
  ];
  for (const t of errors) {
    it(`error: ${t.name}`, () => {
      assert.throws(() => applyStrategicMergePatch(t.target ?? { spec: { containers: [c('a')] } }, t.patch, rules), (e: unknown) => {
        assert.ok(e instanceof StatusError, String(e));
        assert.equal(e.message, t.message);
        assert.equal(e.code, t.code);
        assert.equal(e.reason, t.reason);
        return true;
      });
    });
  }
});

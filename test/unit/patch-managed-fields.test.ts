import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyPatch, fieldSetOf, fieldsV1Paths, managedFieldsBase, managerOrUserAgent, recordUpdate,
  ssaForceForbidden, ssaMissingFieldManager,
} from '../../src/api/patch/managed-fields.js';
import type { StrategicListRule } from '../../src/apis/kind.js';
import type { KubeObject, ManagedFieldsEntry } from '../../src/common/object.js';
import { StatusError } from '../../src/common/status-error.js';

const rules: StrategicListRule[] = [
  { path: 'metadata.finalizers', strategy: 'merge' },
  { path: 'metadata.ownerReferences', mergeKey: 'uid', strategy: 'merge' },
  { path: 'spec.containers', mergeKey: 'name', strategy: 'merge' },
  { path: 'spec.containers.ports', mergeKey: 'containerPort', strategy: 'merge' },
  { path: 'status.conditions', mergeKey: 'type', strategy: 'merge' },
];

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:01:00Z';
const T2 = '2025-01-01T00:02:00Z';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const CSA = 'kubectl-client-side-apply';

type J = Record<string, unknown>;

function obj(spec: J, meta: J = {}, extra: J = {}): KubeObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Thing',
    metadata: { name: 't', namespace: 'default', uid: 'u1', resourceVersion: '5', generation: 1, creationTimestamp: T0, ...meta },
    spec,
    ...extra,
  } as KubeObject;
}

function withMF(o: KubeObject, mf: ManagedFieldsEntry[]): KubeObject {
  return { ...o, metadata: { ...o.metadata, managedFields: mf } };
}

function entry(mf: ManagedFieldsEntry[], manager: string, operation?: string): ManagedFieldsEntry | undefined {
  return mf.find((e) => e.manager === manager && (operation === undefined || e.operation === operation));
}

function paths(mf: ManagedFieldsEntry[], manager: string, operation?: string): string[] {
  const e = entry(mf, manager, operation);
  return e ? fieldsV1Paths(e.fieldsV1) : [];
}

function assertStatus(fn: () => unknown, code: number, reason: string, message: string, details?: unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (details !== undefined) assert.deepEqual(e.details, details);
    return true;
  });
}

describe('fieldSetOf', () => {
  const cases: { name: string; obj: unknown; sub?: string; want: unknown }[] = [
    {
      name: 'ignores type and system metadata, owns labels leaves',
      obj: obj({ x: 1 }, { labels: { app: 'web' }, managedFields: [], deletionTimestamp: T0 }, { status: { phase: 'Up' } }),
      want: { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:x': {} } },
    },
    {
      name: 'an applied config with only apiVersion/kind/name owns nothing',
      obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      want: {},
    },
    {
      name: 'keyed items, nested keyed lists, sets and atomic lists',
      obj: {
        metadata: { finalizers: ['a', 'b'], ownerReferences: [{ uid: 'o1', name: 'x' }] },
        spec: { containers: [{ name: 'c', image: 'i', args: ['1'], ports: [{ containerPort: 80 }] }] },
      },
      want: {
        'f:metadata': {
          'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
          'f:ownerReferences': { 'k:{"uid":"o1"}': { '.': {}, 'f:name': {}, 'f:uid': {} } },
        },
        'f:spec': {
          'f:containers': {
            'k:{"name":"c"}': {
              '.': {}, 'f:args': {}, 'f:image': {}, 'f:name': {},
              'f:ports': { 'k:{"containerPort":80}': { '.': {}, 'f:containerPort': {} } },
            },
          },
        },
      },
    },
    {
      name: 'empty maps, empty lists and nulls are leaves',
      obj: { spec: { a: {}, b: [], c: null, d: { e: {} } } },
      want: { 'f:spec': { 'f:a': {}, 'f:b': {}, 'f:c': {}, 'f:d': { 'f:e': {} } } },
    },
    {
      name: 'a keyed list with duplicate keys is atomic',
      obj: { spec: { containers: [{ name: 'c' }, { name: 'c' }] } },
      want: { 'f:spec': { 'f:containers': {} } },
    },
    {
      name: 'status subresource: only status',
      obj: obj({ x: 1 }, { labels: { a: 'b' } }, { status: { phase: 'Up', conditions: [{ type: 'Ready', status: 'True' }] } }),
      sub: 'status',
      want: { 'f:status': { 'f:conditions': { 'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} } }, 'f:phase': {} } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(fieldSetOf(c.obj, rules, c.sub), c.want));
  }

  it('without rules lists are atomic', () => {
    assert.deepEqual(fieldSetOf({ spec: { containers: [{ name: 'c' }] } }), { 'f:spec': { 'f:containers': {} } });
  });
});

describe('fieldsV1Paths', () => {
  it('prints members before children, keyed and set items', () => {
    assert.deepEqual(fieldsV1Paths({
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} }, 'f:finalizers': { 'v:"x"': {} } },
      'f:spec': { 'f:x': {}, 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {} } } },
    }), [
      '.metadata.labels',
      '.metadata.finalizers[="x"]',
      '.metadata.labels.app',
      '.spec.x',
      '.spec.containers[name="c"]',
      '.spec.containers[name="c"].image',
    ]);
  });
});

describe('recordUpdate', () => {
  const created = obj({ replicas: 1, template: { image: 'a' } }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } });

  it('create: the creator owns everything it set, new maps included', () => {
    const mf = recordUpdate(undefined, undefined, created, CSA, 'example.com/v1', T0);
    assert.deepEqual(mf, [{
      manager: CSA,
      operation: 'Update',
      apiVersion: 'example.com/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:annotations': { '.': {}, [`f:${LAST_APPLIED}`]: {} },
          'f:labels': { '.': {}, 'f:app': {} },
        },
        'f:spec': { '.': {}, 'f:replicas': {}, 'f:template': { '.': {}, 'f:image': {} } },
      },
    }]);
    assert.deepEqual(Object.keys(mf[0]!), ['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1']);
  });

  it('accepts a Date for now', () => {
    const mf = recordUpdate(undefined, undefined, created, 'm', 'v1', new Date('2025-03-04T05:06:07.890Z'));
    assert.equal(mf[0]!.time, '2025-03-04T05:06:07Z');
  });

  const base = recordUpdate(undefined, undefined, created, CSA, 'example.com/v1', T0);

  const cases: { name: string; next: KubeObject; manager: string; sub?: string; want: Record<string, string[]>; times?: Record<string, string> }[] = [
    {
      name: 'another manager changing a field takes it',
      next: obj({ replicas: 3, template: { image: 'a' } }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } }),
      manager: 'kubectl-edit',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.template', '.spec.template.image'],
        'kubectl-edit': ['.spec.replicas'],
      },
      times: { [CSA]: T0, 'kubectl-edit': T1 },
    },
    {
      name: 'removing a field takes it from its owner and gives the remover nothing',
      next: obj({ replicas: 1, template: { image: 'a' } }, { annotations: { [LAST_APPLIED]: '{}' } }),
      manager: 'kubectl-label',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', `.metadata.annotations.${LAST_APPLIED}`, '.spec.replicas', '.spec.template', '.spec.template.image'],
      },
    },
    {
      name: 'adding a label to an existing map',
      next: obj({ replicas: 1, template: { image: 'a' } }, { labels: { app: 'web', tier: 'be' }, annotations: { [LAST_APPLIED]: '{}' } }),
      manager: 'kubectl-label',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.replicas', '.spec.template', '.spec.template.image'],
        'kubectl-label': ['.metadata.labels.tier'],
      },
    },
    {
      name: 'replacing a map with a scalar moves the whole subtree',
      next: obj({ replicas: 1, template: 'none' }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } }),
      manager: 'm',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.replicas'],
        m: ['.spec.template'],
      },
    },
    {
      name: 'system metadata and status changes are not ownership',
      next: obj({ replicas: 1, template: { image: 'a' } }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' }, resourceVersion: '9', generation: 2 }, { status: { phase: 'x' } }),
      manager: 'm',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.replicas', '.spec.template', '.spec.template.image'],
      },
      times: { [CSA]: T0 },
    },
    {
      name: 'status subresource writes own only status',
      next: obj({ replicas: 5, template: { image: 'a' } }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } }, { status: { phase: 'Up' } }),
      manager: 'controller',
      sub: 'status',
      want: {
        [CSA]: ['.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.replicas', '.spec.template', '.spec.template.image'],
        controller: ['.status', '.status.phase'],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const mf = recordUpdate(base, created, c.next, c.manager, 'example.com/v1', T1, c.sub, rules);
      const got: Record<string, string[]> = {};
      for (const e of mf) got[e.manager] = fieldsV1Paths(e.fieldsV1);
      assert.deepEqual(got, c.want);
      for (const [m, t] of Object.entries(c.times ?? {})) assert.equal(entry(mf, m)?.time, t, `time of ${m}`);
      if (c.sub) assert.equal(entry(mf, c.manager)?.subresource, c.sub);
      assert.deepEqual(base, recordUpdate(undefined, undefined, created, CSA, 'example.com/v1', T0), 'input not mutated');
    });
  }

  it('a no-op write leaves managedFields as they were', () => {
    assert.deepEqual(recordUpdate(base, created, structuredClone(created), 'other', 'example.com/v1', T2), base);
  });

  it('an entry left empty is dropped', () => {
    const a = obj({ x: 1 });
    const mf1 = recordUpdate(undefined, undefined, a, 'first', 'v1', T0);
    const mf2 = recordUpdate(mf1, a, obj({ x: 2 }), 'second', 'v1', T1);
    assert.deepEqual(mf2.map((e) => e.manager), ['first', 'second']); // first still owns .spec
    const gone = obj({});
    delete gone.spec;
    const mf3 = recordUpdate(mf2, obj({ x: 2 }), gone, 'third', 'v1', T2);
    assert.deepEqual(mf3, []);
  });

  it('one entry per manager, operation, apiVersion and subresource; sorted Apply, then time', () => {
    const a = obj({ x: 1 });
    let mf = recordUpdate(undefined, undefined, a, 'm', 'v1', T1);
    mf = recordUpdate(mf, a, obj({ x: 1, y: 2 }), 'm', 'v2', T0);
    mf = recordUpdate(mf, obj({ x: 1, y: 2 }), obj({ x: 1, y: 3 }), 'm', 'v2', T2);
    const applied = applyPatch(withMF(obj({ x: 1, y: 3 }), mf), { spec: { z: 1 } }, 'ssa', false, 'v1', T2);
    assert.deepEqual(applied.managedFields.map((e) => [e.manager, e.operation, e.apiVersion, e.time]), [
      ['ssa', 'Apply', 'v1', T2],
      ['m', 'Update', 'v1', T1],
      ['m', 'Update', 'v2', T2],
    ]);
    assert.deepEqual(paths(applied.managedFields, 'm').sort(), ['.spec', '.spec.x']);
  });

  it('keyed list items: changing one container moves only that field', () => {
    const a = obj({ containers: [{ name: 'c', image: '1' }, { name: 'd', image: '1' }] });
    const mf = recordUpdate(undefined, undefined, a, CSA, 'v1', T0, undefined, rules);
    const b = obj({ containers: [{ name: 'c', image: '2' }, { name: 'd', image: '1' }, { name: 'e', image: '1' }] });
    const mf2 = recordUpdate(mf, a, b, 'kubectl-edit', 'v1', T1, undefined, rules);
    assert.deepEqual(paths(mf2, 'kubectl-edit'), [
      '.spec.containers[name="e"]', '.spec.containers[name="c"].image', '.spec.containers[name="e"].image', '.spec.containers[name="e"].name',
    ]);
    assert.ok(!paths(mf2, CSA).includes('.spec.containers[name="c"].image'));
    assert.ok(paths(mf2, CSA).includes('.spec.containers[name="c"].name'));
  });

  it('finalizers are a set', () => {
    const a = obj({}, { finalizers: ['a'] });
    const mf = recordUpdate(undefined, undefined, a, 'x', 'v1', T0, undefined, rules);
    const mf2 = recordUpdate(mf, a, obj({}, { finalizers: ['a', 'b'] }), 'y', 'v1', T1, undefined, rules);
    assert.deepEqual(paths(mf2, 'y'), ['.metadata.finalizers[="b"]']);
    assert.ok(paths(mf2, 'x').includes('.metadata.finalizers[="a"]'));
  });

  it('is fast enough to run on every write', () => {
    const big = obj({
      containers: Array.from({ length: 4 }, (_, i) => ({ name: `c${i}`, image: `img:${i}`, args: ['--a', '--b'], ports: [{ containerPort: 80 + i }], env: [{ name: 'A', value: 'b' }] })),
      nodeSelector: { a: 'b', c: 'd' },
    }, { labels: { app: 'web', tier: 'be' }, annotations: { note: 'x'.repeat(300) } });
    assert.ok(JSON.stringify(big).length >= 1000);
    const mf = recordUpdate(undefined, undefined, big, CSA, 'v1', T0, undefined, rules);
    const next = structuredClone(big);
    (next.spec as { containers: { image: string }[] }).containers[2]!.image = 'changed';
    const n = 2000;
    for (let i = 0; i < 200; i++) recordUpdate(mf, big, next, 'kubectl-edit', 'v1', T1, undefined, rules);
    let t = performance.now();
    for (let i = 0; i < n; i++) recordUpdate(mf, big, next, 'kubectl-edit', 'v1', T1, undefined, rules);
    const perUpdate = (performance.now() - t) / n;
    const live = withMF(big, mf);
    const cfg = structuredClone(big);
    t = performance.now();
    for (let i = 0; i < n; i++) applyPatch(live, cfg, 'kubectl', true, 'v1', T1, undefined, rules);
    const perApply = (performance.now() - t) / n;
    // Well under 0.1 ms on a developer machine; the bound leaves room for slow CI.
    assert.ok(perUpdate < 0.5, `recordUpdate took ${perUpdate.toFixed(3)} ms`);
    assert.ok(perApply < 1, `applyPatch took ${perApply.toFixed(3)} ms`);
  });
});

describe('applyPatch (server-side apply)', () => {
  const cfg = (spec: J, meta: J = {}): J => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't', namespace: 'default', ...meta }, spec });

  it('creates: the object is the config, the applier owns exactly its fields', () => {
    const r = applyPatch(undefined, cfg({ x: 1, containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'web' } }), 'kubectl', false, 'example.com/v1', T0, undefined, rules);
    assert.deepEqual(r.object, cfg({ x: 1, containers: [{ name: 'c', image: 'i' }] }, { labels: { app: 'web' } }));
    assert.equal(r.changed, true);
    assert.deepEqual(r.managedFields, [{
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'example.com/v1',
      time: T0,
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': { 'f:containers': { 'k:{"name":"c"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:x': {} },
      },
    }]);
  });

  // kubectl apply (client-side) creates with POST; later `kubectl apply --server-side` by manager `kubectl`.
  const csaObject = obj({ x: 1, y: 2 }, { labels: { app: 'web' }, annotations: { [LAST_APPLIED]: '{}' } });
  const csaMF = recordUpdate(undefined, undefined, csaObject, CSA, 'v1', T0);
  const live = withMF(csaObject, csaMF);

  it('changing a field another manager owns is a 409 conflict', () => {
    assertStatus(
      () => applyPatch(live, cfg({ x: 2, y: 2 }), 'kubectl', false, 'v1', T1),
      409, 'Conflict',
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .spec.x',
      { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field: '.spec.x' }] },
    );
  });

  it('several conflicts with one manager', () => {
    assertStatus(
      () => applyPatch(live, cfg({ x: 2, y: 3 }, { labels: { app: 'db' } }), 'kubectl', false, 'v1', T1),
      409, 'Conflict',
      'Apply failed with 3 conflicts: conflicts with "kubectl-client-side-apply" using v1:\n- .metadata.labels.app\n- .spec.x\n- .spec.y',
      {
        causes: ['.metadata.labels.app', '.spec.x', '.spec.y'].map((field) => ({
          reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using v1', field,
        })),
      },
    );
  });

  it('conflicts with several managers are grouped by manager; Apply managers print without a version', () => {
    const a = applyPatch(live, cfg({ z: 1 }), 'alpha', false, 'v1', T1);
    const b = applyPatch(withMF(a.object, a.managedFields), cfg({ z: 1 }), 'beta', false, 'v1', T1);
    assertStatus(
      () => applyPatch(withMF(b.object, b.managedFields), cfg({ x: 9, z: 2 }), 'gamma', false, 'v1', T2),
      409, 'Conflict',
      'Apply failed with 3 conflicts: conflicts with "alpha":\n- .spec.z\nconflicts with "beta":\n- .spec.z\nconflicts with "kubectl-client-side-apply" using v1:\n- .spec.x',
    );
  });

  it('force takes ownership from the other manager', () => {
    const r = applyPatch(live, cfg({ x: 2, y: 2 }), 'kubectl', true, 'v1', T1);
    assert.equal((r.object.spec as J).x, 2);
    assert.deepEqual(paths(r.managedFields, 'kubectl'), ['.spec.x', '.spec.y']);
    assert.deepEqual(paths(r.managedFields, CSA), [
      '.spec', '.metadata.annotations', '.metadata.labels', `.metadata.annotations.${LAST_APPLIED}`, '.metadata.labels.app', '.spec.y',
    ]);
    assert.equal(r.object.metadata.managedFields, undefined, 'managedFields are returned separately');
    assert.deepEqual(live, withMF(csaObject, csaMF), 'input not mutated');
  });

  it('the same value is shared ownership, not a conflict', () => {
    const r = applyPatch(live, cfg({ x: 1 }, { labels: { app: 'web' } }), 'kubectl', false, 'v1', T1);
    assert.equal(r.changed, false);
    assert.deepEqual(paths(r.managedFields, 'kubectl'), ['.metadata.labels.app', '.spec.x']);
    assert.ok(paths(r.managedFields, CSA).includes('.spec.x'));
    assert.deepEqual(r.object, csaObject);
  });

  it('an Update after apply takes the field; re-applying the old value then conflicts', () => {
    const a = applyPatch(undefined, cfg({ replicas: 1 }), 'kubectl', false, 'v1', T0);
    const scaled = structuredClone(a.object);
    (scaled.spec as J).replicas = 5;
    const mf = recordUpdate(a.managedFields, a.object, scaled, 'kubectl-scale', 'v1', T1, 'scale');
    assert.deepEqual(paths(mf, 'kubectl'), []);
    assertStatus(() => applyPatch(withMF(scaled, mf), cfg({ replicas: 1 }), 'kubectl', false, 'v1', T2),
      409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-scale" with subresource "scale" using v1: .spec.replicas');
  });

  describe('fields no longer applied', () => {
    const first = applyPatch(undefined, cfg({ a: 1, b: { c: 1 }, containers: [{ name: 'c', image: '1' }, { name: 'd', image: '1' }] }, { labels: { x: '1', y: '2' }, finalizers: ['f1', 'f2'] }), 'kubectl', false, 'v1', T0, undefined, rules);
    const cur = withMF(first.object, first.managedFields);

    const cases: { name: string; config: J; want: J; other?: (o: KubeObject, mf: ManagedFieldsEntry[]) => [KubeObject, ManagedFieldsEntry[]] }[] = [
      {
        name: 'are removed',
        config: cfg({ a: 1, containers: [{ name: 'c', image: '1' }] }, { labels: { x: '1' }, finalizers: ['f1'] }),
        want: cfg({ a: 1, containers: [{ name: 'c', image: '1' }] }, { labels: { x: '1' }, finalizers: ['f1'] }),
      },
      {
        name: 'maps and lists emptied by removal disappear',
        config: cfg({ a: 1 }),
        want: cfg({ a: 1 }),
      },
      {
        name: 'stay when another manager also owns them',
        config: cfg({ a: 1 }),
        other: (o, mf) => {
          const next = structuredClone(o);
          next.metadata.labels = { x: '1', y: '2', z: '3' };
          (next.spec as { containers: J[] }).containers[1]!.image = '2';
          next.metadata.finalizers = ['f1', 'f2', 'f3'];
          return [next, recordUpdate(mf, o, next, 'kubectl-edit', 'v1', T1, undefined, rules)];
        },
        want: cfg({ a: 1, containers: [{ name: 'd', image: '2' }] }, { labels: { z: '3' }, finalizers: ['f3'] }),
      },
      {
        name: 'fields the applier never owned are kept',
        config: cfg({}),
        other: (o, mf) => {
          const next = structuredClone(o);
          (next.spec as J).extra = true;
          return [next, recordUpdate(mf, o, next, 'kubectl-edit', 'v1', T1, undefined, rules)];
        },
        want: cfg({ extra: true }),
      },
      {
        name: 'an empty set list in the config keeps other managers\' items',
        config: cfg({ a: 1 }, { finalizers: [] }),
        other: (o, mf) => {
          const next = structuredClone(o);
          next.metadata.finalizers = ['f1', 'f2', 'theirs'];
          return [next, recordUpdate(mf, o, next, 'controller', 'v1', T1, undefined, rules)];
        },
        want: cfg({ a: 1 }, { finalizers: ['theirs'] }),
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        let [o, mf] = [first.object, first.managedFields];
        if (c.other) [o, mf] = c.other(o, mf);
        const r = applyPatch(withMF(o, mf), c.config, 'kubectl', false, 'v1', T2, undefined, rules);
        const { uid: _u, resourceVersion: _r, generation: _g, creationTimestamp: _c, ...meta } = r.object.metadata;
        assert.deepEqual({ ...r.object, metadata: meta }, c.want);
        assert.deepEqual(paths(r.managedFields, 'kubectl', 'Apply'), fieldsV1Paths(fieldSetOf(c.config, rules)));
      });
    }
    it('does not mutate the current object', () => {
      const before = structuredClone(cur);
      applyPatch(cur, cfg({}), 'kubectl', false, 'v1', T2, undefined, rules);
      assert.deepEqual(cur, before);
    });
  });

  it('keyed lists merge by key with the live object', () => {
    const a = applyPatch(undefined, cfg({ containers: [{ name: 'c', image: '1' }] }), 'kubectl', false, 'v1', T0, undefined, rules);
    const withSidecar = structuredClone(a.object);
    (withSidecar.spec as { containers: J[] }).containers.push({ name: 'sidecar', image: 's' });
    const mf = recordUpdate(a.managedFields, a.object, withSidecar, 'injector', 'v1', T1, undefined, rules);
    const r = applyPatch(withMF(withSidecar, mf), cfg({ containers: [{ name: 'c', image: '2' }] }), 'kubectl', false, 'v1', T2, undefined, rules);
    assert.deepEqual((r.object.spec as J).containers, [{ name: 'c', image: '2' }, { name: 'sidecar', image: 's' }]);
    assert.deepEqual(paths(r.managedFields, 'injector'), ['.spec.containers[name="sidecar"]', '.spec.containers[name="sidecar"].image', '.spec.containers[name="sidecar"].name']);
  });

  it('atomic lists are replaced and owned whole', () => {
    const a = applyPatch(undefined, cfg({ args: ['a', 'b'] }), 'one', false, 'v1', T0);
    assertStatus(() => applyPatch(withMF(a.object, a.managedFields), cfg({ args: ['a'] }), 'two', false, 'v1', T1),
      409, 'Conflict', 'Apply failed with 1 conflict: conflict with "one": .spec.args');
    const r = applyPatch(withMF(a.object, a.managedFields), cfg({ args: ['a'] }), 'two', true, 'v1', T1);
    assert.deepEqual((r.object.spec as J).args, ['a']);
    assert.deepEqual(r.managedFields.map((e) => e.manager), ['two']);
  });

  it('status in a main-resource config is neither merged nor owned', () => {
    const current = obj({ x: 1 }, {}, { status: { phase: 'Up' } });
    const r = applyPatch(current, { ...cfg({ x: 1 }), status: { phase: 'Down' } }, 'kubectl', false, 'v1', T0);
    assert.deepEqual(r.object.status, { phase: 'Up' });
    assert.deepEqual(paths(r.managedFields, 'kubectl'), ['.spec.x']);
  });

  it('status subresource apply touches only status', () => {
    const current = obj({ x: 1 }, {}, { status: { phase: 'Up' } });
    const r = applyPatch(current, { ...cfg({ x: 2 }), status: { phase: 'Down' } }, 'controller', false, 'v1', T0, 'status', rules);
    assert.deepEqual(r.object.status, { phase: 'Down' });
    assert.deepEqual(r.object.spec, { x: 1 });
    assert.equal(r.managedFields[0]!.subresource, 'status');
    assert.deepEqual(paths(r.managedFields, 'controller'), ['.status.phase']);
  });

  it('system metadata in the config is not merged', () => {
    const current = obj({ x: 1 });
    const r = applyPatch(current, cfg({ x: 1 }, { uid: 'other', resourceVersion: '1', generation: 9 }), 'kubectl', false, 'v1', T0);
    assert.equal(r.object.metadata.uid, 'u1');
    assert.equal(r.object.metadata.resourceVersion, '5');
    assert.equal(r.object.metadata.generation, 1);
  });

  it('a no-op re-apply keeps the entry time', () => {
    const a = applyPatch(undefined, cfg({ x: 1 }), 'kubectl', false, 'v1', T0);
    const r = applyPatch(withMF(a.object, a.managedFields), cfg({ x: 1 }), 'kubectl', false, 'v1', T2);
    assert.equal(r.changed, false);
    assert.deepEqual(r.managedFields, a.managedFields);
  });

  it('rejects managedFields in the config', () => {
    assertStatus(() => applyPatch(undefined, cfg({}, { managedFields: [] }), 'kubectl', false, 'v1', T0),
      400, 'BadRequest', 'metadata.managedFields must be nil');
  });
});

describe('request helpers', () => {
  it('ssaMissingFieldManager', () => {
    const e = ssaMissingFieldManager();
    assert.equal(e.code, 422);
    assert.equal(e.reason, 'Invalid');
    assert.equal(e.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.deepEqual(e.details, {
      name: '', kind: 'PatchOptions', group: 'meta.k8s.io',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
    });
  });

  it('ssaForceForbidden', () => {
    assert.equal(ssaForceForbidden().message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  const agents: [string | undefined, string | undefined, string][] = [
    ['kubectl-edit', 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc', 'kubectl-edit'],
    [undefined, 'kubectl/v1.32.0 (linux/amd64) kubernetes/abc', 'kubectl'],
    ['', 'virtnet-controller/0.1', 'virtnet-controller'],
    [undefined, undefined, ''],
    [undefined, 'a\u0000b/1', 'ab'],
    [undefined, 'x'.repeat(200), 'x'.repeat(128)],
  ];
  for (const [fm, ua, want] of agents) {
    it(`managerOrUserAgent(${JSON.stringify(fm)}, ${JSON.stringify(ua)})`, () => assert.equal(managerOrUserAgent(fm, ua), want));
  }

  describe('managedFieldsBase', () => {
    const live: ManagedFieldsEntry[] = [{ manager: 'a', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];
    const sent: ManagedFieldsEntry[] = [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];
    const cases: [string, unknown, unknown][] = [
      ['absent: live', undefined, live],
      ['[] resets', [], []],
      ['[{}] resets', [{}], []],
      ['a valid list replaces', sent, sent],
      ['an invalid list is ignored', [{ manager: 'x' }], live],
      ['duplicates are invalid', [...sent, ...sent], live],
    ];
    for (const [name, requested, want] of cases) it(name, () => assert.deepEqual(managedFieldsBase(live, requested), want));
  });
});

// The operators.virtnet.io kinds: names, scope, columns and status subresources as OLM's are.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kindByGroupKind, resolveResource, validateSchema } from '../../src/apis/index.js';
import type { KubeObject } from '../../src/common/object.js';

const G = 'operators.virtnet.io';

describe('operators.virtnet.io kinds', () => {
  const cols = (kind: string): string[] => kindByGroupKind(G, kind)!.printerColumns.map((c) => `${c.name}=${c.jsonPath ?? 'cell'}`);
  const table: [kind: string, plural: string, shortNames: string[], namespaced: boolean, status: boolean, columns: string[]][] = [
    ['PackageManifest', 'packagemanifests', [], false, false, ['Catalog=.status.catalogSourceDisplayName', 'Age=.metadata.creationTimestamp']],
    ['Subscription', 'subscriptions', ['sub', 'subs'], true, true, ['Package=.spec.name', 'Source=.spec.source', 'Channel=.spec.channel']],
    ['ClusterServiceVersion', 'clusterserviceversions', ['csv', 'csvs'], true, true, ['Display=.spec.displayName', 'Version=.spec.version', 'Replaces=.spec.replaces', 'Phase=.status.phase']],
  ];
  for (const [kind, plural, shortNames, namespaced, status, columns] of table) {
    it(kind, () => {
      const k = kindByGroupKind(G, kind)!;
      assert.equal(k.plural, plural);
      assert.deepEqual(k.shortNames, shortNames);
      assert.equal(k.namespaced, namespaced);
      assert.equal(k.subresources.status, status);
      assert.deepEqual(cols(kind), columns);
      assert.deepEqual(k.versions, ['v1']);
    });
  }

  it('resolves kubectl names', () => {
    assert.equal(resolveResource('csv')[0]?.def.kind, 'ClusterServiceVersion');
    assert.equal(resolveResource('sub')[0]?.def.kind, 'Subscription');
    assert.equal(resolveResource('packagemanifests')[0]?.def.kind, 'PackageManifest');
    assert.equal(resolveResource('subscriptions.operators.virtnet.io')[0]?.def.kind, 'Subscription');
  });

  it('requires a Subscription\'s package, source and sourceNamespace, as OLM\'s CRD does', () => {
    const sub = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: `${G}/v1`, kind: 'Subscription', metadata: { name: 's', namespace: 'n' }, spec });
    const def = kindByGroupKind(G, 'Subscription')!;
    assert.deepEqual(validateSchema(def, sub({ name: 'p', source: 'c', sourceNamespace: 'm' })), []);
    assert.ok(validateSchema(def, sub({ name: 'p' })).length > 0);
    assert.ok(validateSchema(def, sub({ name: 'p', source: 'c', sourceNamespace: 'm', installPlanApproval: 'Sometimes' })).length > 0);
  });
});

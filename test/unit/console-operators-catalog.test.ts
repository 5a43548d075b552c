// OperatorHub and Installed Operators (pure): tiles from the catalog virtnet seeds, the keyword filter,
// the install form's defaults, the Subscription Install creates, CSV status and provided APIs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultInstallForm, filterTiles, subscriptionFor, tileOf, installNamespace, type PackageManifestLike } from '../../console/src/models/operator-catalog.js';
import { csvOfPackage, csvSummary, defaultInstance, packageInstalled, providedAPIs, type CsvLike } from '../../console/src/models/operator-csv.js';
import { catalogPackages, desiredCsv, resolveSubscription, NMSTATE_CSV } from '../../src/controllers/operator-plan.js';
import type { KubeObject } from '../../src/common/object.js';

const nmstatePkg = catalogPackages()[0] as unknown as PackageManifestLike;

test('tileOf: the NMState package as OperatorHub shows it', () => {
  const t = tileOf(nmstatePkg);
  assert.equal(t.displayName, 'Kubernetes NMState Operator');
  assert.equal(t.provider, 'Red Hat');
  assert.equal(t.catalog, 'virtnet Operators');
  assert.equal(t.defaultChannel, 'stable');
  assert.equal(t.suggestedNamespace, 'openshift-nmstate');
  assert.deepEqual(t.categories, ['Networking']);
  assert.deepEqual(t.providedAPIs.map((a) => a.kind), ['NMState']);
  assert.match(t.summary, /^The Kubernetes NMState Operator installs the NMState handler on the cluster's nodes\.$/);
});

test('filterTiles: keyword over name, display name, provider, keywords; case-insensitive', () => {
  const other = tileOf({ metadata: { name: 'zz-other' }, status: { packageName: 'zz-other', defaultChannel: 'alpha', channels: [{ name: 'alpha', currentCSV: 'zz.v1', currentCSVDesc: { displayName: 'Another One', provider: { name: 'Acme' } } }] } });
  const tiles = [other, tileOf(nmstatePkg)];
  for (const [k, want] of [['NMState', ['Kubernetes NMState Operator']], ['nmstate', ['Kubernetes NMState Operator']], ['acme', ['Another One']], ['', ['Another One', 'Kubernetes NMState Operator']], ['nothing-like-it', []], ['networking', ['Kubernetes NMState Operator']]] as const) {
    assert.deepEqual(filterTiles(tiles, k).map((t) => t.displayName), want, k);
  }
});

test('install form: the suggested namespace forces a specific namespace; the Subscription the controller resolves', () => {
  const form = defaultInstallForm(tileOf(nmstatePkg));
  assert.deepEqual(form, { channel: 'stable', mode: 'OwnNamespace', namespace: 'openshift-nmstate', approval: 'Automatic' });
  const sub = subscriptionFor(nmstatePkg, form);
  assert.deepEqual(sub, {
    apiVersion: 'operators.virtnet.io/v1',
    kind: 'Subscription',
    metadata: { name: 'kubernetes-nmstate-operator', namespace: 'openshift-nmstate' },
    spec: {
      channel: 'stable', installPlanApproval: 'Automatic', name: 'kubernetes-nmstate-operator',
      source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace', startingCSV: NMSTATE_CSV,
    },
  });
  // the operator controller resolves exactly this Subscription
  const r = resolveSubscription(sub as unknown as KubeObject, catalogPackages());
  assert.equal(r.ok, true);
  assert.equal(installNamespace({ ...form, mode: 'AllNamespaces' }), 'openshift-operators');
  assert.equal(installNamespace({ ...form, namespace: ' ns1 ' }), 'ns1');
});

test('a package without a suggested namespace installs in all namespaces when it can', () => {
  const pkg: PackageManifestLike = { metadata: { name: 'p' }, status: { defaultChannel: 'a', channels: [{ name: 'a', currentCSV: 'p.v1', currentCSVDesc: { installModes: [{ type: 'AllNamespaces', supported: true }] } }] } };
  assert.deepEqual(defaultInstallForm(tileOf(pkg)), { channel: 'a', mode: 'AllNamespaces', namespace: 'openshift-operators', approval: 'Automatic' });
});

function csvWith(phase?: string): CsvLike {
  const sub = { apiVersion: 'operators.virtnet.io/v1', kind: 'Subscription', metadata: { name: 'kubernetes-nmstate-operator', namespace: 'openshift-nmstate', uid: 'u' }, spec: { name: 'kubernetes-nmstate-operator', source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace' } } as KubeObject;
  const r = resolveSubscription(sub, catalogPackages());
  assert.ok(r.ok);
  const csv = desiredCsv(sub, r) as unknown as CsvLike;
  return phase ? { ...csv, status: { phase } } : csv;
}

test('csvSummary: phases and their health', () => {
  for (const [phase, want] of [[undefined, ['Unknown', 'unknown']], ['Pending', ['Pending', 'progress']], ['Installing', ['Installing', 'progress']], ['Succeeded', ['Succeeded', 'success']], ['Failed', ['Failed', 'danger']]] as const) {
    const s = csvSummary(csvWith(phase));
    assert.deepEqual([s.phase, s.health], want, String(phase));
  }
});

test('providedAPIs and the default NMState instance (the guide\'s: name nmstate, nothing else)', () => {
  const apis = providedAPIs(csvWith('Succeeded'));
  assert.deepEqual(apis.map((a) => [a.kind, a.group, a.version, a.slug, a.displayName]), [['NMState', 'nmstate.io', 'v1', 'nmstate', 'NMState']]);
  assert.deepEqual(defaultInstance(apis[0]!), { apiVersion: 'nmstate.io/v1', kind: 'NMState', metadata: { name: 'nmstate' } });
});

test('csvOfPackage and packageInstalled', () => {
  const csv = csvWith('Installing');
  assert.equal(csvOfPackage([csv], 'openshift-nmstate', 'kubernetes-nmstate-operator')?.metadata.name, NMSTATE_CSV);
  assert.equal(csvOfPackage([csv], 'other', 'kubernetes-nmstate-operator'), undefined);
  assert.equal(packageInstalled([csv], 'kubernetes-nmstate-operator'), false);
  assert.equal(packageInstalled([csvWith('Succeeded')], 'kubernetes-nmstate-operator'), true);
});

// The operator controller's pure decisions: the catalog, Subscription resolution (OLM's words), the CSV
// it installs, the CSV phase walk, and the Subscription status.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  catalogPackages, desiredCsv, nextCsvStatus, NMSTATE_CSV, NMSTATE_PACKAGE, packageInstalled, PACKAGE_LABEL,
  resolveSubscription, subscriptionStatus, type CsvStatus, type Resolution,
} from '../../src/controllers/operator-plan.js';
import { kindByGroupKind, validateSchema } from '../../src/apis/index.js';
import type { KubeObject } from '../../src/common/object.js';

const T0 = '2025-01-01T00:00:00Z';
const T1 = '2025-01-01T00:00:05Z';

function sub(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'operators.virtnet.io/v1', kind: 'Subscription',
    metadata: { name: 'kubernetes-nmstate-operator', namespace: 'openshift-nmstate', uid: 'uid-1' },
    spec: { source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace', ...spec },
    ...(status ? { status } : {}),
  };
}

describe('the catalog', () => {
  const [pm] = catalogPackages();
  it('lists the NMState package as OLM shows it', () => {
    assert.equal(pm?.metadata.name, 'kubernetes-nmstate-operator');
    const st = pm?.status as { catalogSource: string; provider: { name: string }; defaultChannel: string; channels: { name: string; currentCSV: string; currentCSVDesc: { displayName: string; installModes: unknown[] } }[] };
    assert.equal(st.catalogSource, 'virtnet-operators');
    assert.equal(st.provider.name, 'Red Hat');
    assert.equal(st.defaultChannel, 'stable');
    assert.equal(st.channels[0]?.currentCSV, 'kubernetes-nmstate-operator.v4.18.0');
    assert.equal(st.channels[0]?.currentCSVDesc.displayName, 'Kubernetes NMState Operator');
    assert.equal(st.channels[0]?.currentCSVDesc.installModes.length, 4);
  });
  it('is valid against the PackageManifest schema', () => {
    assert.deepEqual(validateSchema(kindByGroupKind('operators.virtnet.io', 'PackageManifest')!, pm!), []);
  });
});

describe('subscription resolution (OLM resolver words)', () => {
  const pkgs = catalogPackages();
  const suffix = ', subscription kubernetes-nmstate-operator exists';
  const cases: [string, Record<string, unknown>, string][] = [
    ['default channel', { name: NMSTATE_PACKAGE }, `ok ${NMSTATE_CSV}`],
    ['explicit channel', { name: NMSTATE_PACKAGE, channel: 'stable' }, `ok ${NMSTATE_CSV}`],
    ['startingCSV of the channel', { name: NMSTATE_PACKAGE, startingCSV: NMSTATE_CSV }, `ok ${NMSTATE_CSV}`],
    ['unknown package', { name: 'no-such-operator' },
      `constraints not satisfiable: no operators found in package no-such-operator in the catalog referenced by subscription kubernetes-nmstate-operator${suffix}`],
    ['unknown channel', { name: NMSTATE_PACKAGE, channel: 'alpha' },
      `constraints not satisfiable: no operators found in channel alpha of package kubernetes-nmstate-operator in the catalog referenced by subscription kubernetes-nmstate-operator${suffix}`],
    ['unknown startingCSV', { name: NMSTATE_PACKAGE, startingCSV: 'kubernetes-nmstate-operator.v4.1.0' },
      `constraints not satisfiable: no operators found with name kubernetes-nmstate-operator.v4.1.0 in channel stable of package kubernetes-nmstate-operator in the catalog referenced by subscription kubernetes-nmstate-operator${suffix}`],
    ['unknown catalog', { name: NMSTATE_PACKAGE, source: 'redhat-operators' },
      `constraints not satisfiable: no operators found from catalog redhat-operators in namespace openshift-marketplace referenced by subscription kubernetes-nmstate-operator${suffix}`],
    ['catalog in another namespace', { name: NMSTATE_PACKAGE, sourceNamespace: 'olm' },
      `constraints not satisfiable: no operators found from catalog virtnet-operators in namespace olm referenced by subscription kubernetes-nmstate-operator${suffix}`],
  ];
  for (const [name, spec, want] of cases) {
    it(name, () => {
      const r = resolveSubscription(sub(spec), pkgs);
      assert.equal(r.ok ? `ok ${r.csvName}` : r.message, want);
    });
  }
  it('fails on an empty catalog', () => assert.equal(resolveSubscription(sub({ name: NMSTATE_PACKAGE }), []).ok, false));
});

describe('the CSV a subscription installs', () => {
  const s = sub({ name: NMSTATE_PACKAGE });
  const r = resolveSubscription(s, catalogPackages()) as Extract<Resolution, { ok: true }>;
  const csv = desiredCsv(s, r);
  it('lives in the subscription namespace, labelled with its package and owned by the subscription', () => {
    assert.equal(csv.metadata.name, NMSTATE_CSV);
    assert.equal(csv.metadata.namespace, 'openshift-nmstate');
    assert.equal(csv.metadata.labels?.[PACKAGE_LABEL], NMSTATE_PACKAGE);
    assert.deepEqual(csv.metadata.ownerReferences, [{
      apiVersion: 'operators.virtnet.io/v1', kind: 'Subscription', name: 'kubernetes-nmstate-operator', uid: 'uid-1', controller: true, blockOwnerDeletion: true,
    }]);
    assert.equal(csv.metadata.annotations?.['olm.operatorNamespace'], 'openshift-nmstate');
  });
  it('carries the channel head\'s description and is schema-valid', () => {
    const spec = csv.spec as { displayName: string; version: string; provider: { name: string } };
    assert.equal(spec.displayName, 'Kubernetes NMState Operator');
    assert.equal(spec.version, '4.18.0');
    assert.equal(spec.provider.name, 'Red Hat');
    assert.deepEqual(validateSchema(kindByGroupKind('operators.virtnet.io', 'ClusterServiceVersion')!, csv), []);
  });
});

describe('CSV phase walk (OLM transitionCSVState)', () => {
  const cases: [string | undefined, string | undefined][] = [
    [undefined, 'Pending/RequirementsUnknown: requirements not yet checked'],
    ['Pending', 'InstallReady/AllRequirementsMet: all requirements found, attempting install'],
    ['InstallReady', 'Installing/InstallSucceeded: waiting for install components to report healthy'],
    ['Installing', 'Succeeded/InstallSucceeded: install strategy completed with no errors'],
    ['Succeeded', undefined],
    ['Failed', undefined],
  ];
  for (const [from, want] of cases) {
    it(`${from ?? '(none)'} → ${want ?? 'stays'}`, () => {
      const n = nextCsvStatus(from === undefined ? undefined : { phase: from }, T0);
      assert.equal(n ? `${n.phase}/${n.reason}: ${n.message}` : undefined, want);
    });
  }
  it('keeps a history of transitions as conditions', () => {
    let st: CsvStatus | undefined;
    for (let i = 0; i < 4; i++) st = nextCsvStatus(st, T0);
    assert.deepEqual(st?.conditions?.map((c) => c.phase), ['Pending', 'InstallReady', 'Installing', 'Succeeded']);
    assert.equal(st?.lastTransitionTime, T0);
  });
});

describe('subscription status', () => {
  const pkgs = catalogPackages();
  const types = (st: { conditions?: { type: string; status: string; reason: string }[] } | undefined): string =>
    (st?.conditions ?? []).map((c) => `${c.type}=${c.status}/${c.reason}`).join(' ');
  it('UpgradePending with currentCSV before the CSV exists', () => {
    const s = sub({ name: NMSTATE_PACKAGE });
    const st = subscriptionStatus(s, resolveSubscription(s, pkgs), false, T0);
    assert.equal(st?.state, 'UpgradePending');
    assert.equal(st?.currentCSV, NMSTATE_CSV);
    assert.equal(st?.installedCSV, undefined);
  });
  it('AtLatestKnown with installedCSV once the CSV exists', () => {
    const s = sub({ name: NMSTATE_PACKAGE });
    const st = subscriptionStatus(s, resolveSubscription(s, pkgs), true, T0);
    assert.equal(st?.state, 'AtLatestKnown');
    assert.equal(st?.installedCSV, NMSTATE_CSV);
    assert.equal(types(st), 'CatalogSourcesUnhealthy=False/AllCatalogSourcesHealthy');
    assert.equal(st?.lastUpdated, T0);
  });
  it('ResolutionFailed/ConstraintsNotSatisfiable for an unknown package, without a state', () => {
    const s = sub({ name: 'nope' });
    const st = subscriptionStatus(s, resolveSubscription(s, pkgs), false, T0);
    assert.equal(types(st), 'CatalogSourcesUnhealthy=False/AllCatalogSourcesHealthy ResolutionFailed=True/ConstraintsNotSatisfiable');
    assert.equal(st?.state, undefined);
    assert.match(st?.conditions?.[1]?.message ?? '', /^constraints not satisfiable: no operators found in package nope /);
  });
  it('is unchanged (undefined) when the status already says so, and keeps transition times', () => {
    const s = sub({ name: NMSTATE_PACKAGE });
    const r = resolveSubscription(s, pkgs);
    const first = subscriptionStatus(s, r, true, T0)!;
    assert.equal(subscriptionStatus(sub({ name: NMSTATE_PACKAGE }, first as Record<string, unknown>), r, true, T1), undefined);
    const pending = subscriptionStatus(s, r, false, T0)!;
    const later = subscriptionStatus(sub({ name: NMSTATE_PACKAGE }, pending as Record<string, unknown>), r, true, T1)!;
    assert.equal(later.state, 'AtLatestKnown');
    assert.equal(later.conditions?.[0]?.lastTransitionTime, T0, 'the unchanged condition keeps its transition time');
  });
});

describe('package installed (the node agent\'s gate)', () => {
  const csv = (phase: string | undefined, labels: Record<string, string> = { [PACKAGE_LABEL]: NMSTATE_PACKAGE }, deleting = false): KubeObject => ({
    apiVersion: 'operators.virtnet.io/v1', kind: 'ClusterServiceVersion',
    metadata: { name: NMSTATE_CSV, namespace: 'openshift-nmstate', labels, ...(deleting ? { deletionTimestamp: T0 } : {}) },
    ...(phase ? { status: { phase } } : {}),
  });
  const cases: [string, KubeObject[], boolean][] = [
    ['no CSV', [], false],
    ['Succeeded', [csv('Succeeded')], true],
    ['still Installing', [csv('Installing')], false],
    ['no status yet', [csv(undefined)], false],
    ['another package', [csv('Succeeded', { [PACKAGE_LABEL]: 'other' })], false],
    ['being deleted', [csv('Succeeded', undefined, true)], false],
    ['one of several Succeeded', [csv('Pending'), csv('Succeeded')], true],
  ];
  for (const [name, csvs, want] of cases) it(name, () => assert.equal(packageInstalled(csvs, NMSTATE_PACKAGE), want));
});

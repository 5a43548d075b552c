// Installing NMState from the catalog against a real server with its controllers, driven by the real
// kubectl: the catalog lists the package, a Subscription installs its CSV (Succeeded), an unknown package
// fails resolution in OLM's words, and deleting the Subscription removes its CSV.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';

const SUBSCRIPTION = `apiVersion: v1
kind: Namespace
metadata:
  name: openshift-nmstate
---
apiVersion: operators.virtnet.io/v1
kind: Subscription
metadata:
  name: kubernetes-nmstate-operator
  namespace: openshift-nmstate
spec:
  channel: stable
  installPlanApproval: Automatic
  name: kubernetes-nmstate-operator
  source: virtnet-operators
  sourceNamespace: openshift-marketplace
`;

describe('installing an operator from the catalog', () => {
  let s: ServerProcess;
  before(async () => {
    s = await ServerProcess.start();
  });
  after(async () => {
    await s?.stop();
  });

  it('lists the NMState package in the catalog as `oc get packagemanifests` does', async () => {
    const out = await until(() => {
      const r = s.kubectl(['get', 'packagemanifests']);
      return r.code === 0 && r.stdout.includes('kubernetes-nmstate-operator') ? r.stdout : undefined;
    }, 'the catalog to be seeded');
    assert.match(out, /^NAME\s+CATALOG\s+AGE\n/);
    assert.match(out, /kubernetes-nmstate-operator\s+virtnet Operators\s+\d+s/);
    const pm = JSON.parse(s.kubectlOk(['get', 'packagemanifest', 'kubernetes-nmstate-operator', '-o', 'json'])) as {
      status: { catalogSource: string; defaultChannel: string; provider: { name: string }; channels: { name: string; currentCSV: string; currentCSVDesc: { displayName: string } }[] };
    };
    assert.equal(pm.status.catalogSource, 'virtnet-operators');
    assert.equal(pm.status.provider.name, 'Red Hat');
    assert.equal(pm.status.defaultChannel, 'stable');
    assert.equal(pm.status.channels[0]?.currentCSV, 'kubernetes-nmstate-operator.v4.18.0');
    assert.equal(pm.status.channels[0]?.currentCSVDesc.displayName, 'Kubernetes NMState Operator');
  });

  it('a Subscription installs the CSV: Succeeded, and the Subscription is AtLatestKnown', async () => {
    s.kubectlOk(['apply', '-f', s.writeFile('sub.yaml', SUBSCRIPTION)]);
    const out = await until(() => {
      const r = s.kubectl(['get', 'csv', '-n', 'openshift-nmstate']);
      return r.code === 0 && /Succeeded/.test(r.stdout) ? r.stdout : undefined;
    }, 'the CSV to succeed', 20_000);
    assert.match(out, /^NAME\s+DISPLAY\s+VERSION\s+REPLACES\s+PHASE\n/);
    assert.match(out, /kubernetes-nmstate-operator\.v4\.18\.0\s+Kubernetes NMState Operator\s+4\.18\.0\s+Succeeded/);
    const csv = JSON.parse(s.kubectlOk(['get', 'csv', '-n', 'openshift-nmstate', 'kubernetes-nmstate-operator.v4.18.0', '-o', 'json'])) as {
      metadata: { labels: Record<string, string>; ownerReferences: { kind: string; name: string }[] };
      status: { phase: string; reason: string; message: string; conditions: { phase: string }[] };
    };
    assert.equal(csv.status.reason, 'InstallSucceeded');
    assert.equal(csv.status.message, 'install strategy completed with no errors');
    assert.deepEqual(csv.status.conditions.map((c) => c.phase), ['Pending', 'InstallReady', 'Installing', 'Succeeded']);
    assert.equal(csv.metadata.labels['operators.virtnet.io/package'], 'kubernetes-nmstate-operator');
    assert.deepEqual(csv.metadata.ownerReferences.map((o) => `${o.kind}/${o.name}`), ['Subscription/kubernetes-nmstate-operator']);
    // The label selector the node agents use finds it across namespaces.
    assert.match(s.kubectlOk(['get', 'csv', '-A', '-l', 'operators.virtnet.io/package=kubernetes-nmstate-operator']), /openshift-nmstate\s+kubernetes-nmstate-operator\.v4\.18\.0/);

    const st = await until(async () => {
      const sub = JSON.parse(s.kubectlOk(['get', 'sub', '-n', 'openshift-nmstate', 'kubernetes-nmstate-operator', '-o', 'json'])) as { status?: { state?: string; currentCSV?: string; installedCSV?: string } };
      return sub.status?.state === 'AtLatestKnown' ? sub.status : undefined;
    }, 'the Subscription to be AtLatestKnown');
    assert.equal(st.currentCSV, 'kubernetes-nmstate-operator.v4.18.0');
    assert.equal(st.installedCSV, 'kubernetes-nmstate-operator.v4.18.0');
    assert.match(s.kubectlOk(['get', 'subscriptions', '-n', 'openshift-nmstate']),
      /NAME\s+PACKAGE\s+SOURCE\s+CHANNEL\nkubernetes-nmstate-operator\s+kubernetes-nmstate-operator\s+virtnet-operators\s+stable/);
  });

  it('a Subscription to an unknown package reports ResolutionFailed and installs nothing', async () => {
    s.kubectlOk(['create', 'namespace', 'other']);
    s.kubectlOk(['apply', '-f', '-'], {
      input: 'apiVersion: operators.virtnet.io/v1\nkind: Subscription\nmetadata:\n  name: nope\n  namespace: other\nspec:\n  name: no-such-operator\n  source: virtnet-operators\n  sourceNamespace: openshift-marketplace\n',
    });
    const failed = await until(async () => {
      const sub = JSON.parse(s.kubectlOk(['get', 'sub', '-n', 'other', 'nope', '-o', 'json'])) as { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } };
      return sub.status?.conditions?.find((c) => c.type === 'ResolutionFailed' && c.status === 'True');
    }, 'ResolutionFailed');
    assert.equal(failed.reason, 'ConstraintsNotSatisfiable');
    assert.equal(failed.message, 'constraints not satisfiable: no operators found in package no-such-operator in the catalog referenced by subscription nope, subscription nope exists');
    assert.equal(s.kubectlOk(['get', 'csv', '-n', 'other', '-o', 'name']).trim(), '');
  });

  it('deleting the Subscription removes its CSV', async () => {
    s.kubectlOk(['delete', 'subscription', '-n', 'openshift-nmstate', 'kubernetes-nmstate-operator']);
    await until(() => s.kubectlOk(['get', 'csv', '-n', 'openshift-nmstate', '-o', 'name']).trim() === '', 'the CSV to be garbage-collected', 20_000);
  });
});

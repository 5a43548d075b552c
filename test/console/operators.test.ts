// The guide's step 2 in a real browser against a real server (the operator controller runs in `virtnet
// serve`): OperatorHub → filter "NMState" → tile → Install → install page (stable, openshift-nmstate) →
// Install → CSV Succeeded → View Operator → NMState "Create instance" → Create; the Subscription and the
// NMState are checked through kubectl, and Home → Overview counts the handler still to come until the node
// reports its NodeNetworkState. Then the same labels in Japanese.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ServerProcess } from '../support/server-process.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, openConsole, tokenOf } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping console operators tests: ${skip}`);

const NODE = `apiVersion: v1
kind: Node
metadata:
  name: metal-0
  labels:
    kubernetes.io/os: linux
    node.kubernetes.io/instance-type: c5n.metal
`;

describe('console: Operators (OperatorHub, Installed Operators) and Home → Overview', { skip }, () => {
  let s: ServerProcess;
  let browser: Browser;
  let token: string;
  const getJson = <T>(args: string[]): T => JSON.parse(s.kubectlOk([...args, '-o', 'json'])) as T;

  before(async () => {
    s = await ServerProcess.start();
    token = tokenOf(s.kubeconfig);
    s.kubectlOk(['apply', '-f', '-'], { input: NODE });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('installs NMState from OperatorHub and creates the NMState instance', async () => {
    const { page, shot, context } = await openConsole(browser, s.url, token, 'operators');
    try {
      await page.getByRole('link', { name: 'OperatorHub' }).click();
      await page.waitForURL('**/operatorhub');
      const filter = page.getByRole('textbox', { name: 'Filter by keyword...' });
      await filter.fill('no-such-operator');
      await page.getByText('No Results Match the Filter Criteria').waitFor();
      await filter.fill('NMState');
      const tile = page.getByTestId('operator-tile-kubernetes-nmstate-operator');
      await tile.getByText('provided by Red Hat').waitFor();
      await shot('operatorhub');
      await tile.getByRole('button', { name: 'Kubernetes NMState Operator' }).click();
      const details = page.getByRole('dialog', { name: 'Kubernetes NMState Operator' });
      await details.getByText('4.18.0 provided by Red Hat').waitFor();
      await shot('operator-details');
      await details.getByRole('button', { name: 'Install' }).click();

      await page.waitForURL('**/operatorhub/subscribe?pkg=kubernetes-nmstate-operator');
      await page.getByRole('radio', { name: 'stable' }).waitFor();
      assert.equal(await page.getByRole('radio', { name: 'stable' }).isChecked(), true);
      assert.equal(await page.getByRole('radio', { name: 'A specific namespace on the cluster' }).isChecked(), true);
      assert.equal(await page.getByRole('textbox', { name: 'Installed Namespace' }).inputValue(), 'openshift-nmstate');
      assert.equal(await page.getByRole('radio', { name: 'Automatic' }).isChecked(), true);
      await shot('install-form');
      assert.notEqual(s.kubectl(['get', 'namespace', 'openshift-nmstate']).code, 0, 'the namespace does not exist yet');
      await page.getByRole('button', { name: 'Install' }).click();

      await page.getByText('Installed operator: ready for use').waitFor({ timeout: 20_000 });
      await shot('installed');
      const sub = getJson<{ metadata: { name: string; namespace: string }; spec: unknown }>(['get', 'subscription', '-n', 'openshift-nmstate', 'kubernetes-nmstate-operator']);
      assert.deepEqual(sub.spec, {
        channel: 'stable', installPlanApproval: 'Automatic', name: 'kubernetes-nmstate-operator',
        source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace', startingCSV: 'kubernetes-nmstate-operator.v4.18.0',
      });
      assert.match(s.kubectlOk(['get', 'csv', '-n', 'openshift-nmstate']), /kubernetes-nmstate-operator\.v4\.18\.0\s+Kubernetes NMState Operator\s+4\.18\.0\s+Succeeded/);

      // Installed Operators: the row the guide waits on
      await page.getByRole('link', { name: 'Installed Operators' }).click();
      const row = page.getByTestId('csv-row-kubernetes-nmstate-operator.v4.18.0');
      await row.getByText('openshift-nmstate', { exact: true }).waitFor();
      await row.getByTestId('csv-status').getByText('Succeeded').waitFor();
      await row.getByRole('link', { name: 'NMState', exact: true }).waitFor();
      await shot('installed-operators');

      await row.getByRole('link', { name: 'Kubernetes NMState Operator' }).click();
      await page.waitForURL('**/operators/installed/openshift-nmstate/kubernetes-nmstate-operator.v4.18.0');
      await page.getByTestId('provided-api-nmstate').getByRole('link', { name: 'Create instance' }).click();
      await page.waitForURL('**/operators/installed/openshift-nmstate/kubernetes-nmstate-operator.v4.18.0/nmstate/~new');
      assert.equal(await page.getByRole('textbox', { name: 'Name' }).inputValue(), 'nmstate');
      await page.getByRole('radio', { name: 'YAML view' }).check();
      assert.match(await page.getByRole('textbox', { name: 'YAML' }).inputValue(), /^apiVersion: nmstate\.io\/v1\nkind: NMState\nmetadata:\n {2}name: nmstate\n$/);
      await shot('create-nmstate-yaml');
      await page.getByRole('radio', { name: 'Form view' }).check();
      await shot('create-nmstate');
      await page.getByRole('button', { name: 'Create', exact: true }).click();

      await page.waitForURL('**/kubernetes-nmstate-operator.v4.18.0/nmstate');
      const nm = getJson<{ apiVersion: string; kind: string; metadata: { name: string; labels?: unknown }; spec?: Record<string, unknown> }>(['get', 'nmstate', 'nmstate']);
      assert.equal(nm.metadata.name, 'nmstate');
      assert.equal(nm.metadata.labels, undefined);
      // the server fills in defaults (probeConfiguration); the form itself set nothing in spec
      assert.deepEqual(Object.keys(nm.spec ?? {}).filter((k) => k !== 'probeConfiguration'), []);
      const inst = page.getByTestId('instance-row-nmstate');
      await inst.getByTestId('instance-status').getByText('Available: False').waitFor();
      await shot('nmstate-tab');

      // Home → Overview: metal-0's handler has not reported yet → 1 in progress; its NodeNetworkState → 0
      await page.getByRole('link', { name: 'Overview' }).click();
      const inv = page.getByTestId('cluster-inventory');
      await inv.getByText('1 Nodes').waitFor();
      await inv.getByTestId('in-progress-count').getByText('1', { exact: true }).waitFor();
      await inv.getByText('NMState handlers starting: 1').waitFor();
      await shot('overview-in-progress');
      s.kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: nmstate.io/v1beta1\nkind: NodeNetworkState\nmetadata:\n  name: metal-0\n' });
      await inv.getByTestId('in-progress-count').getByText('0', { exact: true }).waitFor();
      await page.getByTestId('status-nmstate').getByText('Installed and available').waitFor();
      await shot('overview');

      // and the instance's Available condition turns True on the NMState tab
      await page.goto('/operators/installed/openshift-nmstate/kubernetes-nmstate-operator.v4.18.0/nmstate');
      await page.getByTestId('instance-row-nmstate').getByText('All components are available and ready').waitFor();
    } finally {
      await context.close();
    }
  });

  it('in Japanese: インストール, インスタンスの作成, 作成', async () => {
    const { page, shot, context } = await openConsole(browser, s.url, token, 'operators-ja', 'ja');
    try {
      await page.getByRole('link', { name: 'OperatorHub' }).click();
      await page.getByRole('textbox', { name: 'キーワードでフィルター...' }).fill('NMState');
      await page.getByRole('button', { name: 'Kubernetes NMState Operator' }).click();
      const dialog = page.getByRole('dialog', { name: 'Kubernetes NMState Operator' });
      await dialog.getByRole('button', { name: 'インストール済みの Operator の表示' }).waitFor();
      await page.goto('/operatorhub/subscribe?pkg=kubernetes-nmstate-operator');
      await page.getByRole('button', { name: 'インストール' }).waitFor();
      await page.getByRole('radiogroup', { name: '更新チャネル' }).waitFor();
      await shot('install-form-ja');
      await page.getByRole('link', { name: 'インストール済みの Operator' }).click();
      await page.getByRole('link', { name: 'Kubernetes NMState Operator' }).click();
      await page.getByRole('link', { name: 'インスタンスの作成' }).click();
      await page.getByRole('button', { name: '作成' }).waitFor();
      await shot('create-instance-ja');
      await page.goto('/dashboards');
      await page.getByText('クラスタインベントリ').waitFor();
      await shot('overview-ja');
    } finally {
      await context.close();
    }
  });
});

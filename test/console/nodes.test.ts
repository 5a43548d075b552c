// Compute → Nodes in a real browser against a real server: the list (status, roles, instance type,
// labels), the guide's "Edit labels" (node-type=baremtal + Enter, Save) checked through kubectl, a label
// removed (null in the merge patch), Kubernetes' own words for a bad label, and the same in Japanese.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ServerProcess, until } from '../support/server-process.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, openConsole, tokenOf } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping console nodes tests: ${skip}`);

const node = (name: string, type: string, extra: Record<string, string> = {}): string => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels:
    kubernetes.io/os: linux
    kubernetes.io/hostname: ${name}
    node.kubernetes.io/instance-type: ${type}
    node-role.kubernetes.io/worker: ""
${Object.entries(extra).map(([k, v]) => `    ${k}: "${v}"`).join('\n')}
`;

describe('console: Compute → Nodes', { skip }, () => {
  let s: ServerProcess;
  let browser: Browser;
  let token: string;
  const labelsOf = (name: string): Record<string, string> =>
    (JSON.parse(s.kubectlOk(['get', 'node', name, '-o', 'json'])) as { metadata: { labels: Record<string, string> } }).metadata.labels;

  before(async () => {
    s = await ServerProcess.start(undefined, []);
    token = tokenOf(s.kubeconfig);
    s.kubectlOk(['apply', '-f', '-'], { input: [node('metal-0', 'c5n.metal', { 'stale': 'yes' }), node('metal-1', 'c5n.metal'), node('worker-0', 'm5.xlarge')].join('---\n') });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.stop();
  });

  it('lists nodes and edits labels as the guide does; Save patches metadata.labels', async () => {
    const { page, shot, context } = await openConsole(browser, s.url, token, 'nodes');
    try {
      await page.getByRole('link', { name: 'Nodes' }).first().click();
      await page.waitForURL('**/k8s/cluster/nodes');
      const row = page.getByRole('row').filter({ hasText: 'metal-0' });
      await row.getByText('c5n.metal', { exact: true }).waitFor();
      await assert.doesNotReject(row.getByText('worker', { exact: true }).waitFor());
      // no kubelet renews these nodes' leases: NotReady, as kubectl would say
      assert.match((await row.getByTestId('node-status').textContent()) ?? '', /^\s*(Ready|NotReady)$/);
      assert.equal(await page.getByRole('row').filter({ hasText: 'm5.xlarge' }).count(), 1);
      await shot('nodes-list');

      await row.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Edit labels' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit labels' });
      await dialog.waitFor();
      const input = dialog.getByRole('textbox', { name: 'Labels' });

      // a bad label: the API server's own words, and nothing is added
      await input.fill('node type=baremtal');
      await input.press('Enter');
      await dialog.getByText(/Invalid value: "node type": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character/).waitFor();
      await shot('edit-labels-invalid');

      await input.fill('node-type=baremtal');
      await input.press('Enter');
      await dialog.getByText('node-type=baremtal', { exact: true }).waitFor();
      assert.equal(await input.inputValue(), '');
      await dialog.getByRole('button', { name: 'Remove label stale=yes' }).click();
      await shot('edit-labels');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'hidden' });

      const labels = await until(() => { const l = labelsOf('metal-0'); return l['node-type'] === 'baremtal' ? l : undefined; }, 'the label to be saved');
      assert.equal(labels.stale, undefined, 'the removed label is gone');
      assert.equal(labels['node.kubernetes.io/instance-type'], 'c5n.metal', 'other labels are kept');
      // the list is live: the new label shows in the row (behind "N more")
      await row.getByRole('button', { name: /more$/ }).click();
      await row.getByText('node-type=baremtal').waitFor();
      assert.equal(await row.getByText('stale=yes').count(), 0);

      // a label typed but not yet Entered is saved too (as the OpenShift modal does)
      await row.getByRole('button', { name: 'Actions' }).click();
      await page.getByRole('menuitem', { name: 'Edit labels' }).click();
      await dialog.getByRole('textbox', { name: 'Labels' }).fill('rack=r1');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await until(() => labelsOf('metal-0').rack === 'r1', 'rack=r1');

      // details page: labels and the same modal
      await page.getByRole('link', { name: 'metal-0', exact: true }).click();
      await page.waitForURL('**/k8s/cluster/nodes/metal-0');
      await page.getByTestId('node-labels').getByText('rack=r1').waitFor();
      await shot('node-details');
    } finally {
      await context.close();
    }
  });

  it('in Japanese: ラベルの編集 and 保存', async () => {
    const { page, shot, context } = await openConsole(browser, s.url, token, 'nodes-ja', 'ja');
    try {
      await page.goto('/k8s/cluster/nodes');
      const row = page.getByRole('row').filter({ hasText: 'metal-1' });
      await row.getByRole('button', { name: 'アクション' }).click();
      await page.getByRole('menuitem', { name: 'ラベルの編集' }).click();
      const dialog = page.getByRole('dialog', { name: 'ラベルの編集' });
      const input = dialog.getByRole('textbox', { name: 'ラベル' });
      await input.fill('node-type=baremtal');
      await input.press('Enter');
      await shot('edit-labels-ja');
      await dialog.getByRole('button', { name: '保存' }).click();
      await until(() => labelsOf('metal-1')['node-type'] === 'baremtal', 'metal-1 labelled');
    } finally {
      await context.close();
    }
  });
});

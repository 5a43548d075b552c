// Networking → NodeNetworkState and NodeNetworkConfigurationPolicy in a browser, against a real server.
// No lab: the nodes, their NodeNetworkStates and enactments are written through the API (their status via
// the /status subresource), as the agents would; the NNCP controller of the server computes the policies'
// conditions from them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { ServerProcess } from '../support/server-process.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, openConsole, tokenOf, type ConsoleSession } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping console nmstate tests: ${skip}`);

let server: ServerProcess;
let browser: Browser;
let s: ConsoleSession;

const iface = (name: string, type: string, extra: Record<string, unknown> = {}): Record<string, unknown> =>
  ({ name, type, state: 'up', mtu: 1500, 'mac-address': '02:00:00:00:00:01', ipv4: { enabled: false }, ipv6: { enabled: false }, ...extra });

async function put(path: string, obj: unknown, status?: unknown): Promise<void> {
  const r = await server.request('POST', path, obj);
  assert.ok(r.status < 300, `${path}: ${r.text}`);
  if (status === undefined) return;
  const name = (obj as { metadata: { name: string } }).metadata.name;
  const st = await server.request('PATCH', `${path}/${name}/status`, { status }, { 'Content-Type': 'application/merge-patch+json' });
  assert.ok(st.status < 300, `${path}/${name}/status: ${st.text}`);
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (skip) return;
  server = await ServerProcess.start();
  const ready = { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ready' }] };
  for (const [name, labels] of [['metal-0', { 'node-type': 'baremtal' }], ['metal-1', { 'node-type': 'baremtal' }], ['worker-0', {}]] as const) {
    await put('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } } }, ready);
    const metal = name.startsWith('metal');
    const interfaces = [
      iface('eth0', 'ethernet', { ipv4: { enabled: true, dhcp: false, address: [{ ip: `10.89.0.${metal ? 11 : 21}`, 'prefix-length': 24 }] } }),
      iface('lo', 'loopback', { ipv4: { enabled: true, address: [{ ip: '127.0.0.1', 'prefix-length': 8 }] } }),
      ...(metal ? [
        iface('eth1', 'ethernet', { controller: 'br0' }),
        iface('br0', 'linux-bridge', { bridge: { options: { stp: { enabled: false } }, port: [{ name: 'eth1' }] }, ipv4: { enabled: true, address: [{ ip: '192.168.95.1', 'prefix-length': 24 }] } }),
      ] : []),
    ];
    await put('/apis/nmstate.io/v1beta1/nodenetworkstates', { apiVersion: 'nmstate.io/v1beta1', kind: 'NodeNetworkState', metadata: { name } },
      { currentState: { interfaces }, lastSuccessfulUpdateTime: new Date().toISOString() });
  }
  // the guide's policy with its selector that the typo'd labels miss
  server.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name: 'create-br0-static' },
    spec: { nodeSelector: { 'node-type': 'baremetal' }, desiredState: { interfaces: [{ name: 'br0', type: 'linux-bridge', state: 'up', ipv4: { enabled: false }, bridge: { options: { stp: { enabled: false } } } }] } },
  }) });
  // a policy the typo'd label does match, enacted on both nodes
  server.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name: 'br-typo' },
    spec: { nodeSelector: { 'node-type': 'baremtal' }, desiredState: { interfaces: [{ name: 'br0', type: 'linux-bridge', state: 'up' }] } },
  }) });
  for (const node of ['metal-0', 'metal-1']) {
    const available = node === 'metal-0';
    await put('/apis/nmstate.io/v1beta1/nodenetworkconfigurationenactments', {
      apiVersion: 'nmstate.io/v1beta1', kind: 'NodeNetworkConfigurationEnactment',
      metadata: { name: `${node}.br-typo`, labels: { 'nmstate.io/policy': 'br-typo', 'nmstate.io/node': node } },
    }, {
      policyGeneration: 1,
      conditions: available
        ? [{ type: 'Available', status: 'True', reason: 'SuccessfullyConfigured', message: 'successfully reconciled' }, { type: 'Failing', status: 'False' }]
        : [{ type: 'Failing', status: 'True', reason: 'FailedToConfigure', message: 'error reconciling NodeNetworkConfigurationPolicy on node metal-1: probe api-server failed' }, { type: 'Progressing', status: 'False' }],
    });
  }
  browser = await launchBrowser();
  s = await openConsole(browser, server.url, tokenOf(server.kubeconfig), 'nmstate');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('NodeNetworkState: Expand all lists each node\'s interfaces; the topology draws br0 over eth1', { skip }, async () => {
  const { page } = s;
  await page.goto('/nmstate/nodenetworkstates');
  await page.getByTestId('nns-row-metal-0').waitFor();
  await page.getByRole('button', { name: 'Expand all' }).click();
  const metal0 = page.getByRole('grid', { name: 'Interfaces of metal-0' }).or(page.getByRole('table', { name: 'Interfaces of metal-0' }));
  const br0 = metal0.getByTestId('iface-br0');
  await br0.waitFor();
  assert.match(await br0.innerText(), /linux-bridge[\s\S]*up[\s\S]*192\.168\.95\.1\/24[\s\S]*eth1/);
  assert.match(await page.getByTestId('interfaces-worker-0').innerText(), /10\.89\.0\.21\/24/);
  await s.shot('nns-expanded');
  await page.getByLabel('Filter interfaces by name, type or IP address').fill('bridge');
  await page.getByTestId('interfaces-worker-0').waitFor({ state: 'detached' });
  assert.equal(await page.getByTestId('interfaces-metal-1').locator('tbody tr').count(), 1);
  await page.getByLabel('Filter interfaces by name, type or IP address').fill('');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await page.getByTestId('interfaces-metal-0').waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'Topology' }).click();
  const svg = page.getByRole('img', { name: 'Topology of node metal-0' });
  await svg.waitFor();
  assert.equal(await svg.locator('[data-test="topology-box"][data-name="br0"][data-kind="bridge"]').count(), 1);
  assert.equal(await svg.locator('[data-test="topology-link"][data-from="br0"][data-to="eth1"]').count(), 1);
  assert.match(await svg.textContent() ?? '', /192\.168\.95\.1\/24/);
  assert.ok(page.url().endsWith('?view=topology'));
  await s.shot('nns-topology');
});

test('NNCP list: Ignored/NoMatchingNode with the baremtal near-miss; enactment states per node', { skip }, async () => {
  const { page } = s;
  await page.goto('/nmstate/policies');
  const row = page.getByTestId('nncp-row-create-br0-static');
  await row.getByText('NoMatchingNode').waitFor();
  assert.match(await row.getByTestId('nncp-status').innerText(), /Ignored/);
  assert.match(await row.getByTestId('near-miss').innerText(), /2 nodes have node-type=baremtal, which is close to baremetal/);
  assert.match(await row.getByTestId('matched-nodes').innerText(), /0 nodes/);
  const typo = page.getByTestId('nncp-row-br-typo');
  await typo.getByText('1 Available').waitFor();
  await typo.getByText('1 Failing').waitFor();
  assert.match(await typo.getByTestId('matched-nodes').innerText(), /2 nodes/);
  await typo.getByTestId('enactments-Failing').click();
  await page.getByText(/probe api-server failed/).waitFor();
  await page.waitForTimeout(300); // the popover fades in; only for the screenshot
  await s.shot('nncp-list');
  await page.keyboard.press('Escape');

  await typo.getByRole('link', { name: 'br-typo' }).click();
  const failing = page.getByTestId('nnce-metal-1');
  await failing.waitFor();
  assert.match(await failing.innerText(), /Failing[\s\S]*FailedToConfigure[\s\S]*probe api-server failed/);
  assert.match(await page.getByTestId('nnce-metal-0').innerText(), /Available[\s\S]*SuccessfullyConfigured/);
  await s.shot('nncp-details');
});

test('NNCP form: validation, live node preview, and exactly the expected policy', { skip }, async () => {
  const { page } = s;
  await page.goto('/nmstate/policies');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('menuitem', { name: 'From Form' }).click();
  await page.getByLabel('Policy name').waitFor();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByText('Policy name is required').waitFor();

  await page.getByLabel('Policy name').fill('br1-eth1');
  await page.getByLabel('Description').fill('Flat network bridge');
  const preview = page.getByTestId('selector-preview');
  assert.match(await preview.innerText(), /All 3 nodes match/);
  await page.getByRole('button', { name: 'Add label' }).click();
  await page.getByLabel('Key').fill('node-type');
  await page.getByLabel('Value').fill('baremetal');
  await preview.getByText('0 nodes match').waitFor();
  assert.match(await page.getByTestId('near-miss').innerText(), /2 nodes have node-type=baremtal, which is close to baremetal/);
  await page.getByLabel('Value').fill('baremtal');
  await preview.getByText('2 nodes match').waitFor();
  assert.match(await preview.innerText(), /metal-0[\s\S]*metal-1/);

  await page.getByLabel('Interface name').fill('br-flat-network0');
  await page.getByText('The name should be 15 characters or less.').waitFor();
  await page.getByLabel('Interface name').fill('br1');
  await page.getByLabel('Port(s)').fill('eth1');
  await page.getByLabel('Enable STP').check();
  await page.getByLabel('Static IP').check();
  await page.getByLabel('IPv4 address').fill('192.168.95.300');
  await page.getByText('Enter an IPv4 address such as 192.168.95.1').waitFor();
  await page.getByLabel('Prefix length').fill('33');
  await page.getByText('Prefix length must be a whole number from 0 to 32').waitFor();
  await page.getByLabel('IPv4 address').fill('192.168.95.2');
  await page.getByLabel('Prefix length').fill('24');
  await page.getByText('YAML preview').click();
  await s.shot('nncp-form');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByTestId('conditions').waitFor();
  assert.ok(page.url().endsWith('/nmstate/policies/br1-eth1'));

  const got = JSON.parse(server.kubectlOk(['get', 'nncp', 'br1-eth1', '-o', 'json'])) as { metadata: { annotations?: Record<string, string> }; spec: unknown };
  assert.deepEqual(got.spec, {
    nodeSelector: { 'node-type': 'baremtal' },
    desiredState: {
      interfaces: [{
        name: 'br1', type: 'linux-bridge', state: 'up',
        bridge: { options: { stp: { enabled: true } }, port: [{ name: 'eth1' }] },
        ipv4: { enabled: true, address: [{ ip: '192.168.95.2', 'prefix-length': 24 }] },
      }],
    },
  });
  assert.equal(got.metadata.annotations?.description, 'Flat network bridge');
});

test('NNCP YAML: server errors field by field, then the example creates', { skip }, async () => {
  const { page } = s;
  await page.goto('/nmstate/policies/~new/yaml');
  const area = page.getByLabel('YAML', { exact: true });
  assert.match(await area.inputValue(), /kind: NodeNetworkConfigurationPolicy/);
  const example = await area.inputValue();
  await area.fill(example.replace('node-type: baremetal', 'node-type: [baremetal]'));
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  const err = page.getByTestId('error-alert');
  await err.waitFor();
  assert.match(await err.innerText(), /nodeSelector/);
  await s.shot('nncp-yaml-error');
  await area.fill(example);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByTestId('conditions').waitFor();
  await waitFor('br1-eth1-policy', () => (server.kubectl(['get', 'nncp', 'br1-eth1-policy']).code === 0 ? true : undefined));
});

test('Japanese: すべて展開 on NodeNetworkState', { skip }, async () => {
  const ja = await openConsole(browser, server.url, tokenOf(server.kubeconfig), 'nmstate-ja', 'ja');
  try {
    await ja.page.goto('/nmstate/nodenetworkstates');
    await ja.page.getByRole('button', { name: 'すべて展開' }).click();
    await ja.page.getByRole('button', { name: 'すべて折りたたむ' }).waitFor();
    await ja.page.getByTestId('interfaces-metal-0').waitFor();
    await ja.shot('nns-ja');
  } finally {
    await ja.context.close();
  }
});

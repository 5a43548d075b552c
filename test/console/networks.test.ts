// The networks views in a browser against a real `virtnet serve` (no lab; the UDN controllers run in serve):
// the Create Network Attachment Definition form writes what the OpenShift console writes, the NAD list
// flags a bridge no node has, the UDN/CUDN modals create the guide's networks and the UDN's generated NAD
// shows up in the NAD list live; validation and server errors; one page in Japanese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ServerProcess, repoRoot } from '../support/server-process.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, openConsole, tokenOf, type ConsoleSession } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping the networks console test: ${skip}`);

const NS = 'vmexamples-user1';
const UDN_NS = 'vmexamples-user1-udn';
const PLAIN_NS = 'vn-plain';
const CUDN_NS = 'vn-cudn-a';

let server: ServerProcess;
let browser: Browser;
let s: ConsoleSession;
let token = '';

const ns = (name: string, labels: Record<string, string> = {}): string =>
  `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n  labels: ${JSON.stringify(labels)}\n`;

before(async () => {
  if (skip) return;
  server = await ServerProcess.start();
  token = tokenOf(server.kubeconfig);
  server.kubectlOk(['apply', '-f', '-'], {
    input: [
      ns(NS), ns(UDN_NS, { 'k8s.ovn.org/primary-user-defined-network': '' }), ns(PLAIN_NS),
      ns(CUDN_NS, { 'k8s.ovn.org/primary-user-defined-network': '', team: 'blue' }),
    ].join('---\n'),
  });
  browser = await launchBrowser();
  s = await openConsole(browser, server.url, token, 'networks');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const getJson = <T>(args: string[]): T => JSON.parse(server.kubectlOk([...args, '-o', 'json'])) as T;
const fieldErrors = (page: Page): Promise<string[]> => page.getByTestId('field-error').allInnerTexts();

test('Create Network Attachment Definition: validation, the upstream form\'s object, details, server error', { skip }, async () => {
  const { page, shot } = s;
  await page.goto(`/k8s/ns/${NS}/network-attachment-definitions`);
  await page.getByText('No NetworkAttachmentDefinitions found').waitFor();
  await shot('nad-list-empty');
  await page.getByRole('button', { name: 'Create Network Attachment Definition' }).click();
  await page.waitForURL(`**/k8s/ns/${NS}/network-attachment-definitions/~new/form`);
  await page.getByText('Networks are not project-bound. Using the same name creates a shared NAD.').waitFor();

  await page.getByRole('button', { name: 'Create', exact: true }).click();
  assert.deepEqual(await fieldErrors(page), ['Name is required', 'Network Type is required']);

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Flat_Net');
  await page.getByLabel('Network Type').selectOption('bridge');
  await page.getByLabel('VLAN tag number').fill('5000');
  assert.equal(await page.getByLabel('MAC spoof check').isChecked(), true, 'MAC spoof check is on by default');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  assert.deepEqual(await fieldErrors(page), [
    "Name must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    'Bridge name is required',
    'VLAN tag number must be an integer between 0 and 4094',
  ]);
  await shot('nad-form-invalid');

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('flatnetwork');
  await page.getByLabel('Description').fill('CNV Linux Bridge');
  await page.getByLabel('Bridge name').fill('br-flat');
  await page.getByLabel('VLAN tag number').fill('');
  await shot('nad-form-filled');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/k8s/ns/${NS}/network-attachment-definitions/flatnetwork`);
  await page.getByTestId('nad-config').getByText('"preserveDefaultVlan": false').waitFor();
  assert.equal(await page.getByTestId('nad-type').innerText(), 'Linux bridge');
  await shot('nad-details');

  const nad = getJson<{ metadata: { annotations: Record<string, string> }; spec: { config: string } }>(['get', 'net-attach-def', 'flatnetwork', '-n', NS]);
  assert.deepEqual(nad.metadata.annotations, { 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br-flat', description: 'CNV Linux Bridge' });
  assert.equal(nad.spec.config, '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}');

  // The same name again: the server's AlreadyExists, shown by ErrorAlert; a VLAN tag and no MAC spoof check.
  await page.goto(`/k8s/ns/${NS}/network-attachment-definitions/~new/form`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('flatnetwork');
  await page.getByLabel('Network Type').selectOption('bridge');
  await page.getByLabel('Bridge name').fill('br-missing');
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await assert.doesNotReject(page.getByTestId('error-alert').getByText(/already exists/).first().waitFor());
  await shot('nad-form-server-error');
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('vlan-net');
  await page.getByLabel('VLAN tag number').fill('100');
  await page.getByLabel('MAC spoof check').uncheck();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/network-attachment-definitions/vlan-net`);
  const vlan = getJson<{ spec: { config: string } }>(['get', 'net-attach-def', 'vlan-net', '-n', NS]);
  assert.equal(vlan.spec.config, '{"cniVersion":"0.3.1","name":"vlan-net","type":"bridge","bridge":"br-missing","ipam":{},"macspoofchk":false,"preserveDefaultVlan":false,"vlan":100}');
});

test('NAD list: the bridge cannot be checked without NodeNetworkStates, then a bridge no node has is flagged, live', { skip }, async () => {
  const { page, shot } = s;
  await page.goto(`/k8s/ns/${NS}/network-attachment-definitions`);
  const flat = page.getByTestId('nad-row-flatnetwork');
  const missing = page.getByTestId('nad-row-vlan-net');
  await flat.getByTestId('bridge-unknown').waitFor();
  assert.equal(await flat.locator('td').nth(2).innerText(), 'Linux bridge');
  assert.equal(await flat.locator('td').nth(3).innerText(), 'CNV Linux Bridge');
  await shot('nad-list-unknown-bridges');

  server.kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: nmstate.io/v1beta1\nkind: NodeNetworkState\nmetadata:\n  name: vn-fake-node\n' });
  server.kubectlOk(['patch', 'nns', 'vn-fake-node', '--subresource=status', '--type=merge', '-p',
    JSON.stringify({ status: { currentState: { interfaces: [{ name: 'eth0', type: 'ethernet', state: 'up' }, { name: 'br-flat', type: 'linux-bridge', state: 'up' }] } } })]);
  await missing.getByTestId('bridge-missing').waitFor();
  assert.equal(await missing.getByTestId('bridge-missing').innerText(), 'Bridge br-missing not found on any node');
  await flat.getByTestId('bridge-unknown').waitFor({ state: 'detached' });
  assert.equal(await flat.getByTestId('bridge-missing').count(), 0);
  await shot('nad-list-bridge-flagged');
});

test('Create UserDefinedNetwork: validation, the guide\'s primary-udn, its NAD in the NAD list live, server errors', { skip }, async () => {
  const { page, shot, context } = s;
  const nadPage = await context.newPage();
  await nadPage.goto(`/k8s/ns/${UDN_NS}/network-attachment-definitions`);
  await nadPage.getByText('No NetworkAttachmentDefinitions found').waitFor();

  await page.goto(`/k8s/ns/${UDN_NS}/userdefinednetworks`);
  await page.getByText('No UserDefinedNetworks found').waitFor();
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('menuitem', { name: 'UserDefinedNetwork', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Create UserDefinedNetwork').waitFor();
  assert.equal(await dialog.getByLabel('Project name').inputValue(), UDN_NS, 'the current project is the default');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  assert.deepEqual(await fieldErrors(page), ['Subnet is required']);
  await dialog.getByLabel('Subnet').fill('192.168.254.0');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  assert.deepEqual(await fieldErrors(page), ['Invalid CIDR: 192.168.254.0']);
  await shot('udn-modal-invalid');
  await dialog.getByLabel('Subnet').fill('192.168.254.0/24');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/k8s/ns/${UDN_NS}/userdefinednetworks/primary-udn`);
  await page.getByTestId('udn-conditions').getByText('NetworkAttachmentDefinitionCreated').waitFor();
  await page.getByTestId('udn-nads').getByText('primary-udn').waitFor();
  await shot('udn-details');

  const udn = getJson<{ spec: unknown }>(['get', 'userdefinednetwork', 'primary-udn', '-n', UDN_NS]);
  assert.deepEqual(udn.spec, { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } } });

  // The generated NAD reached the NAD list that was open all along.
  const row = nadPage.getByTestId('nad-row-primary-udn');
  await row.getByTestId('udn-owned').waitFor();
  assert.equal(await row.getByTestId('udn-owned').innerText(), 'Generated by UserDefinedNetwork primary-udn');
  assert.equal(await row.locator('td').nth(2).innerText(), 'OVN Kubernetes L2 overlay network');
  await nadPage.screenshot({ path: join(repoRoot, 'test-artifacts', 'console', 'networks', 'udn-nad-in-list.png') });
  await nadPage.close();

  await page.goto(`/k8s/ns/${UDN_NS}/userdefinednetworks`);
  const list = page.getByTestId('udn-row-primary-udn');
  await list.getByTestId('udn-condition').waitFor();
  assert.deepEqual((await list.locator('td').allInnerTexts()).slice(0, 7), ['primary-udn', 'UserDefinedNetwork', UDN_NS, 'Layer2', 'Primary', '192.168.254.0/24', 'NetworkCreated']);
  await shot('udn-list');

  // A second primary-udn in the project: the server's AlreadyExists in the modal.
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('menuitem', { name: 'UserDefinedNetwork', exact: true }).click();
  await dialog.getByLabel('Subnet').fill('10.1.0.0/24');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await dialog.getByTestId('error-alert').getByText(/already exists/).first().waitFor();
  await shot('udn-modal-server-error');

  // A project without the primary-network label: warned, created, and the controller's message on the details.
  await dialog.getByLabel('Project name').selectOption(PLAIN_NS);
  await dialog.getByTestId('udn-unlabelled').waitFor();
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/k8s/ns/${PLAIN_NS}/userdefinednetworks/primary-udn`);
  await page.getByTestId('udn-conditions').getByText(/required namespace label "k8s.ovn.org\/primary-user-defined-network"/).waitFor();
  await shot('udn-details-sync-error');
});

test('Create ClusterUserDefinedNetwork: default name, match labels, the object, details', { skip }, async () => {
  const { page, shot } = s;
  await page.goto(`/k8s/ns/${UDN_NS}/userdefinednetworks`);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('menuitem', { name: 'ClusterUserDefinedNetwork' }).click();
  const dialog = page.getByRole('dialog');
  const name = await dialog.getByRole('textbox', { name: 'Name', exact: true }).inputValue();
  assert.match(name, /^cluster-udn-[a-z]+-[a-z]+$/);
  await dialog.getByLabel('Subnet').fill('10.200.0.0/16');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  assert.deepEqual(await fieldErrors(page), ['At least one label is required']);
  await dialog.getByLabel('Project(s) Match Labels').fill('team=blue');
  await dialog.getByRole('button', { name: 'Review selected Namespace(s)' }).click();
  assert.deepEqual(await dialog.getByTestId('cudn-selected').getByRole('listitem').allInnerTexts(), [CUDN_NS]);
  await shot('cudn-modal');
  await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  await page.waitForURL(`**/k8s/cluster/clusteruserdefinednetworks/${name}`);
  await page.getByTestId('udn-nads').getByText(`${CUDN_NS}/${name}`).waitFor();
  await shot('cudn-details');
  const cudn = getJson<{ spec: unknown }>(['get', 'clusteruserdefinednetwork', name]);
  assert.deepEqual(cudn.spec, {
    namespaceSelector: { matchLabels: { team: 'blue' } },
    network: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.200.0.0/16'], ipam: { lifecycle: 'Persistent' } } },
  });
});

test('in Japanese: the NAD form\'s title, labels and a validation message', { skip }, async () => {
  const ja = await openConsole(browser, server.url, token, 'networks-ja', 'ja');
  try {
    await ja.page.goto(`/k8s/ns/${NS}/network-attachment-definitions/~new/form`);
    await ja.page.getByRole('heading', { name: 'Network Attachment Definition の作成' }).waitFor();
    await ja.page.getByRole('button', { name: '作成', exact: true }).click();
    assert.deepEqual(await fieldErrors(ja.page), ['名前は必須です', 'ネットワークタイプは必須です']);
    await ja.shot('nad-form-ja');
  } finally {
    await ja.context.close();
  }
});

// Virtualization → VirtualMachines in a browser against a real server (no lab, so no agents): the live
// list, 1,000 VMs in the virtualized table, the Network tile and serial console of a VM whose VMI this
// test marks Running (as virt-handler writes it; console socket served here), the NIC modal's validation and the
// exact VM patch, Start/Stop, Migrate progress, and one check in Japanese.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { ServerProcess, until } from '../support/server-process.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, openConsole, tokenOf, type ConsoleSession } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping console VM tests: ${skip}`);

const NS = 'vmt';
const BULK = 'bulk';
const run = `vn-t${randomBytes(3).toString('hex')}`;

interface Obj { metadata: { name: string; uid?: string; resourceVersion?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> }

const vmBody = (ns: string, name: string, runStrategy: string, ifaces: object[], nets: object[]): object => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: ns },
  spec: { runStrategy, template: { spec: { domain: { devices: { interfaces: ifaces }, resources: { requests: { memory: '128M' } } }, networks: nets } } },
});
const nadBody = (ns: string, name: string): object => ({
  apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: ns },
  spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'bridge', bridge: 'br-flat', ipam: {} }) },
});

describe('console: VirtualMachines', { skip: skip !== undefined }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let s: ConsoleSession;
  let consoleSock: Server;
  const sockDir = mkdtempSync(join(tmpdir(), `${run}-`));
  const sockPath = join(sockDir, 'serial.sock');
  let typed = '';

  const api = async (method: string, path: string, body?: unknown): Promise<Obj> => {
    const r = await server.request(method, path, body, method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {});
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.json as Obj;
  };
  const vmJson = (name: string, ns = NS): Obj => JSON.parse(server.kubectlOk(['-n', ns, 'get', 'vm', name, '-o', 'json'])) as Obj;

  before(async () => {
    // A fake serial line: echoes input and answers a typed `ping` line as a guest's ping would.
    consoleSock = createServer((c) => {
      c.write('fedora login: ');
      let line = '';
      c.on('data', (d: Buffer) => {
        const text = d.toString();
        typed += text;
        for (const ch of text) {
          if (ch === '\r') {
            c.write('\r\n');
            const m = /^ping -c (\d+) (\S+)$/.exec(line.trim());
            if (m) for (let i = 1; i <= Number(m[1]); i++) c.write(`64 bytes from ${m[2]}: icmp_seq=${i} ttl=64 time=0.3 ms\r\n`);
            c.write('$ ');
            line = '';
          } else {
            line += ch;
            c.write(ch);
          }
        }
      });
      c.on('error', () => undefined);
    });
    await new Promise<void>((r) => consoleSock.listen(sockPath, r));
    server = await ServerProcess.start();
    browser = await launchBrowser();
    for (const ns of [NS, BULK]) await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await api('POST', `/apis/k8s.cni.cncf.io/v1/namespaces/${NS}/network-attachment-definitions`, nadBody(NS, 'flatnetwork'));
    await api('POST', '/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions', nadBody('default', 'shared'));
    const vms = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachines`;
    await api('POST', vms, vmBody(NS, 'fedora01', 'Halted', [{ name: 'default', masquerade: {}, model: 'virtio' }], [{ name: 'default', pod: {} }]));
    await api('POST', vms, vmBody(NS, 'web01', 'Always',
      [{ name: 'default', masquerade: {}, model: 'virtio' }, { name: 'flat', bridge: {}, model: 'virtio' }],
      [{ name: 'default', pod: {} }, { name: 'flat', multus: { networkName: 'flatnetwork' } }]));
    // No agent runs here: play the node's part for web01's VMI (placed, running, console socket, addresses).
    const vmiPath = `/apis/kubevirt.io/v1/namespaces/${NS}/virtualmachineinstances/web01`;
    await until(async () => (await server.request('GET', vmiPath)).status === 200, 'the VMI of web01');
    // (KubeVirt's VMI has no status subresource: status is written with the object, as virt-handler does.)
    await api('PATCH', vmiPath, { metadata: { annotations: { 'virtnet.io/console-socket': sockPath } }, status: {
      phase: 'Running', nodeName: 'metal-0',
      interfaces: [
        { name: 'default', interfaceName: 'eth0', ipAddress: '10.128.4.2', ipAddresses: ['10.128.4.2'], mac: '02:00:00:00:00:01', infoSource: 'domain, guest-agent' },
        { name: 'flat', interfaceName: 'eth1', mac: '02:00:00:00:00:02', infoSource: 'domain' },
      ],
      conditions: [{ type: 'Ready', status: 'True' }, { type: 'AgentConnected', status: 'True' }],
    } });
    s = await openConsole(browser, server.url, tokenOf(server.kubeconfig), 'vms');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    consoleSock?.close();
    rmSync(sockDir, { recursive: true, force: true });
  });

  test('the list is live: status, node, IP; a VM created with kubectl appears', async () => {
    const { page } = s;
    await page.goto(`/k8s/ns/${NS}/virtualmachines`);
    const web = page.getByTestId(`row-${NS}/web01`);
    await web.getByText('Running').waitFor();
    await web.getByText('metal-0').waitFor();
    await web.getByText('10.128.4.2').waitFor();
    await page.getByTestId(`row-${NS}/fedora01`).getByText('Stopped').waitFor();
    server.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(vmBody(NS, 'late01', 'Halted', [], [])) });
    await page.getByRole('link', { name: 'late01' }).waitFor();
    await s.shot('list');
  });

  test('Overview: the Network tile lists IPs, and why a NIC has none; Migrate shows progress', async () => {
    const { page } = s;
    await page.getByRole('link', { name: 'web01' }).click();
    const tile = page.getByTestId('network-tile');
    await tile.getByTestId('nic-default').getByText('10.128.4.2').waitFor();
    await tile.getByTestId('nic-flat').getByText('Waiting for DHCP in the guest').waitFor();
    assert.equal(await tile.getByTestId('nic-flat').getByText('flatnetwork').count(), 1);
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Migrate' }).click();
    await page.getByTestId('migration-progress').waitFor();
    const vmims = JSON.parse(server.kubectlOk(['-n', NS, 'get', 'vmim', '-o', 'json'])) as { items: Obj[] };
    assert.equal(vmims.items.length, 1);
    assert.equal(vmims.items[0]!.spec?.['vmiName'], 'web01');
    await s.shot('overview');
  });

  test('Console: type into the serial console and read the replies', async () => {
    const { page } = s;
    await page.getByRole('tab', { name: 'Console' }).click();
    await page.getByTestId('console-state').getByText('Connected').waitFor();
    const screen = page.getByTestId('serial-console-text');
    await until(async () => (await screen.textContent())?.includes('fedora login:'), 'the login prompt');
    await page.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('ping -c 3 192.168.64.154');
    await page.keyboard.press('Enter');
    await until(async () => (await screen.textContent())?.includes('icmp_seq=3'), 'three ping replies');
    assert.match(typed, /ping -c 3 192\.168\.64\.154\r/);
    await s.shot('console');
  });

  test('Add network interface: validation and the exact VM patch', async () => {
    const { page } = s;
    await page.goto(`/k8s/ns/${NS}/virtualmachines/fedora01/configuration/network`);
    await page.getByTestId('nic-row-default').waitFor();
    await page.getByRole('button', { name: 'Add network interface' }).click();
    const dialog = page.getByRole('dialog');
    assert.match(await dialog.getByLabel('Name').inputValue(), /^nic-[a-z]+-[a-z]+-\d{2}$/);
    await dialog.getByLabel('Name').fill('flat');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('Network is required').waitFor();
    await dialog.getByRole('button', { name: 'Advanced' }).click();
    await dialog.getByLabel('MAC address').fill('02:aa:bb:cc:dd');
    await dialog.getByText('Invalid MAC address format').waitFor();
    await dialog.getByLabel('MAC address').fill('02:aa:bb:cc:dd:01');
    await dialog.locator('#nic-network').click();
    // Pod Networking is not offered: the VM already has its pod network.
    assert.equal(await page.getByRole('option', { name: /Pod Networking/ }).count(), 0);
    await page.getByRole('option', { name: /vmt\/flatnetwork/ }).click();
    assert.equal(await dialog.getByTestId('nic-type').textContent(), 'Bridge');
    await s.shot('add-nic');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('nic-row-flat').waitFor();
    const spec = vmJson('fedora01').spec as { template: { spec: { domain: { devices: { interfaces: unknown[] } }; networks: unknown[] } } };
    assert.deepEqual(spec.template.spec.domain.devices.interfaces[1], { name: 'flat', model: 'virtio', macAddress: '02:aa:bb:cc:dd:01', bridge: {} });
    assert.deepEqual(spec.template.spec.networks[1], { name: 'flat', multus: { networkName: 'flatnetwork' } });
    await s.shot('nic-added');
  });

  test('Start and Stop change the run strategy as the API does', async () => {
    const { page } = s;
    await page.goto(`/k8s/ns/${NS}/virtualmachines/fedora01`);
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await until(() => vmJson('fedora01').spec?.['runStrategy'] === 'Always', 'runStrategy Always');
    await page.getByTestId('vm-status').getByText(/Starting|Running|ErrorUnschedulable/).first().waitFor();
    await page.getByRole('button', { name: 'Actions' }).click();
    await page.getByRole('menuitem', { name: 'Stop' }).click();
    await until(() => vmJson('fedora01').spec?.['runStrategy'] === 'Halted', 'runStrategy Halted');
    await page.getByRole('button', { name: 'Start', exact: true }).waitFor();
  });

  test('1,000 VMs: the virtualized list renders a window and scrolls to the last', async () => {
    const path = `/apis/kubevirt.io/v1/namespaces/${BULK}/virtualmachines`;
    const names = Array.from({ length: 1000 }, (_, i) => `vm-${String(i).padStart(4, '0')}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((n) => api('POST', path, vmBody(BULK, n, 'Halted', [], []))));
    }
    const { page } = s;
    await page.goto(`/k8s/ns/${BULK}/virtualmachines`);
    const table = page.getByTestId('virtualized-table');
    await until(async () => (await table.getAttribute('data-rows')) === '1000', '1000 rows in the model');
    await page.getByRole('link', { name: 'vm-0000' }).waitFor();
    const domRows = await table.locator('tbody tr').count();
    assert.ok(domRows < 80, `${domRows} rows in the DOM`);
    await page.getByTestId('virtualized-scroller').evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.getByRole('link', { name: 'vm-0999' }).waitFor();
    assert.ok(await table.locator('tbody tr').count() < 80);
    await s.shot('bulk-end');
    await page.getByLabel('Search by name...').fill('vm-0500');
    await page.getByRole('link', { name: 'vm-0500' }).waitFor();
    assert.equal(await table.getAttribute('data-rows'), '1');
  });

  test('Japanese: the tabs, the Actions menu and the NIC modal, with a NAD of default', async () => {
    const ja = await openConsole(browser, server.url, tokenOf(server.kubeconfig), 'vms-ja', 'ja');
    try {
      const { page } = ja;
      await page.goto(`/k8s/ns/${NS}/virtualmachines/web01/configuration/network`);
      await page.getByRole('tab', { name: 'コンソール' }).waitFor();
      await page.getByRole('button', { name: 'アクション' }).waitFor();
      await page.getByRole('button', { name: 'ネットワークインターフェースの追加' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel('名前').fill('shared');
      await dialog.locator('#nic-network').click();
      await page.getByRole('option', { name: /default\/shared/ }).click();
      assert.equal(await dialog.getByTestId('nic-type').textContent(), 'ブリッジ');
      await ja.shot('add-nic-ja');
      await dialog.getByRole('button', { name: '保存' }).click();
      await page.getByTestId('nic-row-shared').waitFor();
      const spec = vmJson('web01').spec as { template: { spec: { domain: { devices: { interfaces: Record<string, unknown>[] } }; networks: unknown[] } } };
      const iface = spec.template.spec.domain.devices.interfaces.find((i) => i['name'] === 'shared');
      assert.deepEqual({ ...iface, macAddress: undefined }, { name: 'shared', model: 'virtio', bridge: {}, macAddress: undefined });
      assert.deepEqual(spec.template.spec.networks.at(-1), { name: 'shared', multus: { networkName: 'default/shared' } });
    } finally {
      await ja.context.close();
    }
  });
});

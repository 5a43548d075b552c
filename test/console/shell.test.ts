// The console's frame in a browser against a real server: sign-in with a token (a wrong one refused, the
// users listed), the masthead's user, the language switch remembered across a reload, the project selector,
// Import YAML with several documents, AsciiDoc fences stripped with a notice and the server's errors field by
// field, and sign-out.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { ServerProcess } from '../support/server-process.js';
import { ensureLabUsers } from '../../src/cli/users.js';
import { chromiumMissingReason, consoleBuiltReason, launchBrowser, tokenOf } from './browser.js';

const skip = chromiumMissingReason() ?? consoleBuiltReason();
if (skip) console.log(`# skipping the console shell tests: ${skip}`);

const IMPORT = `----
apiVersion: v1
kind: ConfigMap
metadata:
  name: imported-one
data:
  a: "1"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: Bad_Name
---
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: imported-nad
spec:
  config: 42
---
apiVersion: example.com/v1
kind: Gadget
metadata:
  name: g
----
`;

describe('console: sign-in, language, project, Import YAML', { skip: skip !== undefined }, () => {
  let server: ServerProcess;
  let browser: Browser;
  let token = '';

  before(async () => {
    server = await ServerProcess.start();
    token = tokenOf(server.kubeconfig);
    server.kubectlOk(['create', 'namespace', 'shell-proj']);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function freshPage(): Promise<Page> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: server.url, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  test('a wrong token is refused; the right one signs in; the language is remembered; sign-out', async () => {
    const page = await freshPage();
    await page.goto('/k8s/cluster/nodes');
    await page.getByRole('heading', { name: 'Log in to your account' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Users of this lab' }).getByRole('listitem').allInnerTexts().then((x) => x.join(',')), 'admin');
    await page.getByRole('textbox', { name: 'Token' }).fill('not-a-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('The token is not valid.').waitFor();
    await page.getByRole('textbox', { name: 'Token' }).fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('user-menu').getByText('admin').waitFor();
    // the page asked for is the page shown after signing in
    await page.getByRole('heading', { name: 'Nodes' }).waitFor();

    await page.getByRole('button', { name: 'Language' }).click();
    await page.getByRole('menuitem', { name: '日本語' }).click();
    await page.getByRole('heading', { name: 'ノード' }).waitFor();
    assert.equal(await page.evaluate('document.documentElement.lang'), 'ja');
    await page.reload();
    await page.getByRole('heading', { name: 'ノード' }).waitFor();
    await page.getByTestId('perspective').getByText('管理者向け表示').waitFor();
    await page.getByRole('button', { name: '言語' }).click();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Nodes' }).waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to your account' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Log in to your account' }).waitFor();
    await page.context().close();
  });

  test("a lab user who may not list namespaces signs in and sees its own projects; the sign-in page lists it", async () => {
    const [user1] = await ensureLabUsers(server.dataDir, 1);
    const userToken = tokenOf(user1!.kubeconfig);
    const page = await freshPage();
    await page.goto('/');
    await page.getByRole('region', { name: 'Users of this lab' }).getByText('user1', { exact: true }).waitFor();
    await page.getByRole('textbox', { name: 'Token' }).fill(userToken);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('user-menu').getByText('user1').waitFor();
    await page.goto('/k8s/ns/vmexamples-user1/virtualmachines');
    await page.getByRole('button', { name: 'Project' }).click();
    await page.getByRole('option', { name: 'vmexamples-user1-udn', exact: true }).waitFor();
    const options = (await page.getByRole('option').allInnerTexts()).map((x) => x.trim());
    assert.ok(options.includes('vmexamples-user1'), options.join(','));
    assert.ok(!options.includes('shell-proj') && !options.includes('kube-system'), options.join(','));
    await page.context().close();
  });

  test('the project selector changes the page\'s project; Import YAML creates per document and shows errors field by field', async () => {
    const page = await freshPage();
    await page.goto(`/dashboards#token=${encodeURIComponent(token)}`);
    await page.getByTestId('user-menu').waitFor();
    await page.getByRole('button', { name: 'Import YAML' }).click();
    await page.getByRole('button', { name: 'Project' }).click();
    await page.getByRole('option', { name: 'shell-proj', exact: true }).click();
    await page.getByTestId('project-bar').getByText('shell-proj', { exact: true }).waitFor();

    await page.getByRole('textbox', { name: 'YAML', exact: true }).fill(IMPORT);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const results = page.getByTestId('import-results');
    await results.waitFor();
    assert.match(await page.getByTestId('fence-notice').innerText(), /Removed 2 AsciiDoc ---- fence lines/);
    await results.getByText('Created ConfigMap imported-one').waitFor();
    const text = await results.innerText();
    assert.match(text, /Failed to create ConfigMap Bad_Name/);
    assert.match(text, /metadata\.name: Invalid value: "Bad_Name"/);
    assert.match(text, /Failed to create NetworkAttachmentDefinition imported-nad/);
    assert.match(await results.getByTestId('error-causes').allInnerTexts().then((x) => x.join('\n')), /spec\.config/);
    assert.match(text, /Unknown kind Gadget of example\.com\/v1/);
    // the world: only the valid object exists, in the chosen project
    assert.equal(server.kubectlOk(['get', 'configmap', 'imported-one', '-n', 'shell-proj', '-o', 'jsonpath={.data.a}']), '1');
    assert.notEqual(server.kubectl(['get', 'networkattachmentdefinition', 'imported-nad', '-n', 'shell-proj']).code, 0);
    await page.context().close();
  });
});

// Web console benchmark (issue 6, Performance and "Lists stay live") against a real `virtnet serve` and
// the built console, in Debian's Chromium; each figure beside a baseline measured in the same run:
// - first page: /dashboards cold and warm until Overview is painted and a nav click answers, against the
//   same browser loading the server's /version JSON;
// - the VM list with N VMs: first rows, rows in the DOM, memory, frame times of a scroll driven by the
//   page's frames, quiet and with 200 API changes arriving, against a plain HTML table of the same rows;
// - live latency: create → row in the DOM of an open NAD list and VM list, against a bare WebSocket watch.
// Usage: node dist/bench/console/console-bench.js [--rounds N] [--vms N] [--changes N] [--latency N] [--step PX]
// The console comes from console/dist, or $VIRTNET_CONSOLE_DIR (a build of one's own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromiumMissingReason, consoleBuiltReason, consoleDir, launchBrowser } from '../../test/console/browser.js';
import { BenchClient } from '../api/http-client.js';
import { startServer, type RunningServer } from '../api/servers.js';
import { firstPage } from './first-page.js';
import { pageLatency, wsLatency, type LiveTarget } from './live-latency.js';
import { createNamespace, nadBody, nadsPath, vmBody, vmsPath } from './objects.js';
import { render } from './report.js';
import { freshContext } from './session.js';
import { SCROLLER, vmList } from './vm-list.js';

function option(name: string, dflt: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}

const ROUNDS = option('--rounds', 5);
const VMS = option('--vms', 1000);
const CHANGES = option('--changes', 200);
const LATENCY = option('--latency', 20);
// Three rows per frame (~9,400 px/s at 60 Hz): a brisk wheel scroll, inside the table's overscan.
const STEP = option('--step', 156);
const LIST_NS = 'bench-vms';
const NAD_NS = 'bench-nads';

async function main(): Promise<void> {
  const missing = chromiumMissingReason() ?? consoleBuiltReason();
  if (missing) throw new Error(missing);
  const started = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'vn-bench-console-'));
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let api: BenchClient | undefined;
  const cleanup = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    api?.close();
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startServer('virtnet', tmp, true);
    browser = await launchBrowser();
    const base = server.url.origin;
    const token = server.token;
    api = new BenchClient(server.url, token, 64, server.ca);
    console.log(`virtnet ${base}, console from ${consoleDir()}, Chromium ${browser.version()}; rounds ${ROUNDS}, ${VMS} VMs, ${CHANGES} changes, ${LATENCY} creates, step ${STEP} px`);
    for (const ns of [LIST_NS, NAD_NS]) await createNamespace(api, ns);

    console.log('first page …');
    const first = await firstPage(browser, base, token, ROUNDS);

    console.log(`VM list with ${VMS} VMs …`);
    const list = await vmList(browser, base, token, api, LIST_NS, { vms: VMS, step: STEP, changes: CHANGES });
    let vmLatency;
    try {
      // Names that sort first, so each new row lands in view at the top of the scrolled-up list.
      await list.page.evaluate(`document.querySelector('${SCROLLER}').scrollTop = 0`);
      const vmTarget: LiveTarget = { path: vmsPath(LIST_NS), body: (n) => vmBody(LIST_NS, n), row: (n) => `[data-test="row-${LIST_NS}/${n}"]` };
      console.log('live latency …');
      vmLatency = await pageLatency(list.page, token, vmTarget, 'aaa-page', LATENCY);
    } finally {
      await list.close();
    }
    const vmBaseline = await wsLatency(api, server.ca, token, { path: vmsPath(LIST_NS), body: (n) => vmBody(LIST_NS, n), row: () => '' }, 'aaa-ws', LATENCY);

    const nadTarget: LiveTarget = { path: nadsPath(NAD_NS), body: (n) => nadBody(NAD_NS, n), row: (n) => `[data-test="nad-row-${n}"]` };
    const context = await freshContext(browser, base, token);
    let nadLatency;
    try {
      const page = await context.newPage();
      await api.expect(201, 'POST', nadsPath(NAD_NS), JSON.stringify(nadBody(NAD_NS, 'seed')));
      await page.goto(`/k8s/ns/${NAD_NS}/network-attachment-definitions`);
      await page.locator('[data-test="nad-row-seed"]').waitFor();
      nadLatency = await pageLatency(page, token, nadTarget, 'nad-page', LATENCY);
    } finally {
      await context.close();
    }
    const nadBaseline = await wsLatency(api, server.ca, token, nadTarget, 'nad-ws', LATENCY);

    const result = { rounds: ROUNDS, first, list, nadLatency, nadBaseline, vmLatency, vmBaseline, latencyRounds: LATENCY };
    console.log(render(result));
    console.log(`\n(whole bench ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

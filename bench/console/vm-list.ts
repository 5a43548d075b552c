// The VM list with N VMs: time to first rows and to all N in the table's model, rows in the DOM, memory,
// and a top-to-bottom scroll driven by the page's frames, quiet and then with API changes arriving
// during the scroll (half new VMs, half label patches). Baseline: the same rows as a plain HTML table
// (no React, no virtualization) scrolled the same way in the same browser.
import type { Browser, Page } from 'playwright-core';
import type { BenchClient } from '../api/http-client.js';
import { plainTablePage, scrollScript, type ScrollTrace } from './in-page.js';
import { createVm, createVms, labelVm } from './objects.js';
import { VIEWPORT, freshContext, mark, memoryOf, type PageMemory } from './session.js';

export const SCROLLER = '[data-test="virtualized-scroller"]';
const TABLE = '[data-test="virtualized-table"]';
const ROW_HEIGHT = 52;
const SCROLL_LIMIT_MS = 30_000;

export interface ListLoad {
  /** ms since navigation start: a first row painted; all N rows in the table's model (data-rows). */
  firstRows: number;
  allRows: number;
}

export interface VmListResult {
  vms: number;
  createSeconds: number;
  /** Opening the list by its URL in a fresh context (cold) and again in it (warm). */
  cold: ListLoad;
  warm: ListLoad;
  rowsInDom: number;
  memory: PageMemory;
  quiet: ScrollTrace;
  live: ScrollTrace;
  /** Changes sent during the live scroll, how many landed (2xx) before it ended, and ms until the list showed them all. */
  changes: number;
  changesDuringScroll: number;
  caughtUpMs: number;
  baseline: ScrollTrace;
  baselineMemory: PageMemory;
  /** Kept open for the live-latency part. */
  page: Page;
  close(): Promise<void>;
}

interface InPage { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }

/** Resolves with the page's time once the table's model holds `n` rows (a function: the CSP forbids eval). */
async function rowsInModel(page: Page, n: number, timeout: number): Promise<number> {
  const h = await page.waitForFunction(([sel, want]) => (globalThis as unknown as InPage).document.querySelector(sel)?.getAttribute('data-rows') === want && performance.now(),
    [TABLE, String(n)] as const, { polling: 'raf', timeout });
  return Number(await h.jsonValue());
}

/**
 * Sends `count` changes through the API, one every `gapMs`: even ones create `vm-live-NNNN` (sorted after
 * the others, so the end of the list grows while it is scrolled), odd ones patch a label on an existing VM.
 */
async function sendChanges(api: BenchClient, ns: string, names: readonly string[], count: number, gapMs: number, scrolling: () => boolean): Promise<{ created: number; duringScroll: number }> {
  const sent: Promise<boolean>[] = [];
  let created = 0;
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      const name = `vm-live-${String(created++).padStart(4, '0')}`;
      sent.push(createVm(api, ns, name).then(scrolling));
    } else {
      sent.push(labelVm(api, ns, names[(i * 7919) % names.length]!, String(i)).then(scrolling));
    }
    await new Promise((r) => setTimeout(r, gapMs));
  }
  const during = await Promise.all(sent);
  return { created, duringScroll: during.filter(Boolean).length };
}

export async function vmList(browser: Browser, baseURL: string, token: string, api: BenchClient, ns: string, opts: { vms: number; step: number; changes: number }): Promise<VmListResult> {
  const names = Array.from({ length: opts.vms }, (_, i) => `vm-${String(i).padStart(4, '0')}`);
  const t0 = performance.now();
  await createVms(api, ns, names, 50);
  const createSeconds = (performance.now() - t0) / 1000;

  const context = await freshContext(browser, baseURL, token);
  const basePage = await browser.newPage({ viewport: VIEWPORT });
  const close = async (): Promise<void> => {
    await basePage.close();
    await context.close();
  };
  try {
    const page = await context.newPage();
    const open = async (): Promise<ListLoad> => {
      await page.goto(`/k8s/ns/${ns}/virtualmachines`, { waitUntil: 'commit' });
      return { firstRows: await mark(page, 'row'), allRows: await rowsInModel(page, opts.vms, 30_000) };
    };
    const cold = await open();
    const warm = await open();
    const rowsInDom = Number(await page.evaluate(`document.querySelectorAll('${TABLE} tbody tr:not([aria-hidden])').length`));
    const quiet = (await page.evaluate(scrollScript(SCROLLER, opts.step, SCROLL_LIMIT_MS))) as ScrollTrace;
    // after the scroll: the CDP calls it takes must not land in the measured frames
    const memory = await memoryOf(page);

    // The scroll starts first; the changes are paced to land within its first ~4 s.
    let scrolling = true;
    const liveScroll = (page.evaluate(scrollScript(SCROLLER, opts.step, SCROLL_LIMIT_MS)) as Promise<ScrollTrace>).finally(() => { scrolling = false; });
    await new Promise((r) => setTimeout(r, 100));
    const [live, sent] = await Promise.all([liveScroll, sendChanges(api, ns, names, opts.changes, 4000 / Math.max(1, opts.changes), () => scrolling)]);
    const end = Number(await page.evaluate('performance.now()'));
    // Infinity: the list never showed every created VM
    const caught = await rowsInModel(page, opts.vms + sent.created, 10_000).catch(() => Infinity);

    const height = Number(await page.evaluate(`document.querySelector('${SCROLLER}').clientHeight`));
    const rows = names.map((n) => [n, ns, 'Stopped', '-', '-', '1 minute', '⋮']);
    await basePage.setContent(plainTablePage(['Name', 'Namespace', 'Status', 'Node', 'IP address', 'Created', ''], rows, height, ROW_HEIGHT));
    const baseline = (await basePage.evaluate(scrollScript('#s', opts.step, SCROLL_LIMIT_MS))) as ScrollTrace;
    const baselineMemory = await memoryOf(basePage);

    return {
      vms: opts.vms, createSeconds, cold, warm, rowsInDom, memory, quiet, live,
      changes: opts.changes, changesDuringScroll: sent.duringScroll, caughtUpMs: Math.max(0, caught - end),
      baseline, baselineMemory, page, close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

// First page: /dashboards until the Overview heading is painted and a click in the nav has led to the
// Nodes page, cold (fresh context: empty cache) and warm (the same URL again in that context); baseline:
// the same browser loading the server's /version JSON the same two ways.
import type { Browser, Page } from 'playwright-core';
import { NAV_TIMING, type NavTiming } from './in-page.js';
import { freshContext, mark } from './session.js';

export interface ConsoleLoad {
  /** ms from navigation start until the Overview heading was painted. */
  visible: number;
  /**
   * ms from navigation start until the Nodes heading was painted after a click on the nav's Nodes link,
   * sent as soon as Overview was seen. An upper bound: it includes the harness's own click latency.
   */
  interactive: number;
  /** ms from the click's event time to the Nodes heading painted: the page's answer to input. */
  inputToNext: number;
  /** ms from Overview painted to the click's event time: the harness's part of `interactive`. */
  clickDelay: number;
  timing: NavTiming;
}

export interface BaselineLoad {
  /** ms from navigation start until the JSON text was painted. */
  visible: number;
  timing: NavTiming;
}

export interface FirstPageResult {
  cold: ConsoleLoad[];
  warm: ConsoleLoad[];
  baseCold: BaselineLoad[];
  baseWarm: BaselineLoad[];
}

interface Point { x: number; y: number }

/**
 * `at` keeps where the nav's Nodes link was found in the first (unmeasured) load: measured loads click
 * there at once with a raw mouse click, where a locator click would first wait for the page to settle.
 */
async function loadConsole(page: Page, at: { link?: Point }): Promise<ConsoleLoad> {
  await page.goto('/dashboards', { waitUntil: 'commit' });
  const visible = await mark(page, 'h1:Overview');
  if (!at.link) {
    const box = await page.getByRole('navigation', { name: 'Global' }).getByRole('link', { name: 'Nodes', exact: true }).boundingBox();
    if (!box) throw new Error('no Nodes link in the nav');
    at.link = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }
  await page.mouse.click(at.link.x, at.link.y);
  const next = await mark(page, 'h1:Nodes');
  const click = Number(await page.evaluate('window.__vnMarks.click'));
  await page.waitForLoadState('load');
  const timing = (await page.evaluate(NAV_TIMING)) as NavTiming;
  return { visible, interactive: next, inputToNext: next - click, clickDelay: click - visible, timing };
}

async function loadBaseline(page: Page): Promise<BaselineLoad> {
  await page.goto('/version', { waitUntil: 'commit' });
  const visible = await mark(page, 'text');
  await page.waitForLoadState('load');
  return { visible, timing: (await page.evaluate(NAV_TIMING)) as NavTiming };
}

/**
 * `rounds` measured rounds after one unmeasured one (it pays for the browser's first renderer process and
 * code caches, which are the browser's start, not the console's). Console and baseline alternate per round
 * so both see the same machine state.
 */
export async function firstPage(browser: Browser, baseURL: string, token: string, rounds: number): Promise<FirstPageResult> {
  const r: FirstPageResult = { cold: [], warm: [], baseCold: [], baseWarm: [] };
  const at: { link?: Point } = {};
  for (let i = 0; i <= rounds; i++) {
    const c = await freshContext(browser, baseURL, token);
    try {
      const page = await c.newPage();
      const cold = await loadConsole(page, at);
      const warm = await loadConsole(page, at);
      if (i > 0) {
        r.cold.push(cold);
        r.warm.push(warm);
      }
    } finally {
      await c.close();
    }
    const b = await freshContext(browser, baseURL, token);
    try {
      const page = await b.newPage();
      const cold = await loadBaseline(page);
      const warm = await loadBaseline(page);
      if (i > 0) {
        r.baseCold.push(cold);
        r.baseWarm.push(warm);
      }
    } finally {
      await b.close();
    }
  }
  return r;
}

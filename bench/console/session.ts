// Browser contexts for the bench: fresh (own cache and storage, like a new incognito window), signed in by
// putting the token where the console keeps a remembered one, and with the landmark recorder installed.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MARKS_INIT } from './in-page.js';

export const VIEWPORT = { width: 1400, height: 900 };

export async function freshContext(browser: Browser, baseURL: string, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL, viewport: VIEWPORT, locale: 'en-US' });
  await context.addInitScript({ content: `localStorage.setItem('virtnet.token', ${JSON.stringify(token)}); localStorage.setItem('virtnet.lang', 'en');` });
  await context.addInitScript({ content: MARKS_INIT });
  return context;
}

/** Waits (polling every frame) for a landmark of MARKS_INIT; returns its time in ms since navigation start. */
export async function mark(page: Page, name: string, timeout = 20_000): Promise<number> {
  // A function, not a string: the console's CSP forbids eval, which a string predicate would need.
  const h = await page.waitForFunction((n) => (globalThis as unknown as { __vnMarks?: Record<string, number> }).__vnMarks?.[n], name, { polling: 'raf', timeout });
  return Number(await h.jsonValue());
}

export interface PageMemory {
  heapMB: number;
  domNodes: number;
}

/** JS heap in use after a full GC, and DOM nodes, from Chromium's own counters (CDP Performance domain). */
export async function memoryOf(page: Page): Promise<PageMemory> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('Performance.enable');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const m = (name: string): number => metrics.find((x) => x.name === name)?.value ?? NaN;
    return { heapMB: m('JSHeapUsedSize') / 2 ** 20, domNodes: m('Nodes') };
  } finally {
    await cdp.detach();
  }
}

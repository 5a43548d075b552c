// Debian's Chromium driven by playwright-core (never a downloaded browser), signed in to a running server.
// Screenshots go to test-artifacts/console/<suite>/ (kept after the run as the test's artifacts).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, selectors, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '../support/server-process.js';
import { tokenOfKubeconfig } from '../../src/credentials/kubeconfig.js';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumMissingReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no ${CHROMIUM}: install Debian's chromium (make deps does)`;
}

/** Where the server under test finds the console: console/dist, or VIRTNET_CONSOLE_DIR (a build of one's own). */
export function consoleDir(): string {
  return process.env.VIRTNET_CONSOLE_DIR || join(repoRoot, 'console', 'dist');
}

export function consoleBuiltReason(): string | undefined {
  return existsSync(join(consoleDir(), 'index.html')) ? undefined : `${consoleDir()} is not built (make build runs vite build console)`;
}

export async function launchBrowser(): Promise<Browser> {
  selectors.setTestIdAttribute('data-test');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsoleSession {
  context: BrowserContext;
  page: Page;
  shot(name: string): Promise<string>;
}

/** A fresh browser context signed in with `token` (the `/#token=` link `virtnet up` prints), in `lang`. */
export async function openConsole(browser: Browser, baseUrl: string, token: string, suite: string, lang: 'en' | 'ja' = 'en'): Promise<ConsoleSession> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: baseUrl, viewport: { width: 1400, height: 900 }, locale: lang === 'ja' ? 'ja-JP' : 'en-US' });
  await context.addInitScript({ content: `if (!localStorage.getItem('virtnet.lang')) localStorage.setItem('virtnet.lang', ${JSON.stringify(lang)});` });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`/dashboards#token=${encodeURIComponent(token)}`);
  await page.getByTestId('user-menu').waitFor();
  const dir = join(repoRoot, 'test-artifacts', 'console', suite);
  // this run's screenshots only
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return {
    context,
    page,
    async shot(name: string): Promise<string> {
      const file = join(dir, `${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      return file;
    },
  };
}

/** The token of a kubeconfig (a test server's admin one, or a lab user's). */
export function tokenOf(kubeconfig: string): string {
  const token = tokenOfKubeconfig(kubeconfig);
  if (!token) throw new Error(`no token in ${kubeconfig}`);
  return token;
}

// "An object changed with kubectl appears on an open page within a second": objects created one at a time,
// timed in the page from just before its create request until the row is in the DOM (both ends on the
// page's clock). Baseline: the same creates seen by a bare Node WebSocket watch client, timed in this process.
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import type { BenchClient } from '../api/http-client.js';
import { createAndSeeScript } from './in-page.js';

export interface LiveTarget {
  /** Collection path to POST to and to watch. */
  path: string;
  body(name: string): object;
  /** CSS selector of the name's row on the open page. */
  row(name: string): string;
}

export interface LatencySamples {
  /** ms: create sent → row in the DOM (page) or ADDED event received (baseline). */
  seen: number[];
  /** ms: create sent → API reply. */
  reply: number[];
}

const GAP_MS = 50;

export async function pageLatency(page: Page, token: string, target: LiveTarget, prefix: string, rounds: number): Promise<LatencySamples> {
  const out: LatencySamples = { seen: [], reply: [] };
  for (let i = 0; i < rounds; i++) {
    const name = `${prefix}-${String(i).padStart(2, '0')}`;
    const r = (await page.evaluate(createAndSeeScript(target.path, target.body(name), token, target.row(name)))) as { seen: number | null; reply: number };
    // NaN: the row never showed (the script gives up after 10 s)
    out.seen.push(r.seen !== null && Number.isFinite(r.seen) ? r.seen : Infinity);
    out.reply.push(r.reply);
    await new Promise((res) => setTimeout(res, GAP_MS));
  }
  return out;
}

interface WatchEvent { type: string; object: { metadata: { name: string; resourceVersion?: string } } }

export async function wsLatency(api: BenchClient, ca: string | undefined, token: string, target: LiveTarget, prefix: string, rounds: number): Promise<LatencySamples> {
  const list = JSON.parse(await api.expect(200, 'GET', `${target.path}?limit=1`)) as { metadata: { resourceVersion: string } };
  const url = `${api.url.origin.replace(/^http/, 'ws')}${target.path}?watch=true&resourceVersion=${list.metadata.resourceVersion}`;
  const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`;
  const ws = new WebSocket(url, ['binary.k8s.io', bearer], ca ? { ca } : {});
  const waiting = new Map<string, (t: number) => void>();
  ws.on('message', (d: Buffer) => {
    const t = performance.now();
    const e = JSON.parse(d.toString()) as WatchEvent;
    if (e.type === 'ADDED') waiting.get(e.object.metadata.name)?.(t);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`watch: HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
  });
  const out: LatencySamples = { seen: [], reply: [] };
  try {
    for (let i = 0; i < rounds; i++) {
      const name = `${prefix}-${String(i).padStart(2, '0')}`;
      const seen = new Promise<number>((resolve) => {
        waiting.set(name, resolve);
        setTimeout(() => resolve(Infinity), 10_000);
      });
      const t0 = performance.now();
      await api.expect(201, 'POST', target.path, JSON.stringify(target.body(name)));
      out.reply.push(performance.now() - t0);
      out.seen.push((await seen) - t0);
      waiting.delete(name);
      await new Promise((res) => setTimeout(res, GAP_MS));
    }
  } finally {
    ws.close();
  }
  return out;
}

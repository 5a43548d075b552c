// Watch fan-out: many watch streams on one namespace, then a steady stream of merge patches, each
// carrying its send time (performance.now() of this process) in its data. Every watcher reads the
// time back out of each MODIFIED event, so delivery latency = receive time - send time, measured on
// one clock, per (watcher, change).
import type { BenchClient } from './http-client.js';
import { configMapBody, configMapsPath, type Scale } from './shapes.js';
import { createNamespace } from './load.js';
import { summarize, type LatencySummary } from './stats.js';

export interface WatchResult {
  watchers: number;
  changes: number;
  /** Changes the server acknowledged. */
  sent: number;
  writeErrors: number;
  firstError: string | undefined;
  /** The pace the writers actually kept, changes/s. */
  achievedRate: number;
  deliveries: number;
  /** Watchers that received every acknowledged change exactly once. */
  completeWatchers: number;
  duplicates: number;
  streamErrors: number;
  latency: LatencySummary;
}

const SEQ = /"seq":"(\d+)"/;
const SENT_AT = /"sentAt":"([\d.]+)"/;
/** How long to wait for stragglers after the last change was acknowledged. */
const DRAIN_MS = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runWatch(c: BenchClient, s: Scale, round: number): Promise<WatchResult> {
  const ns = `bench-watch-${round}`;
  await createNamespace(c, ns);
  // One object per writer; the changes rotate over them.
  const names = Array.from({ length: s.changeWriters }, (_, i) => `w-${i}`);
  for (const name of names) await c.expect(201, 'POST', configMapsPath(ns), configMapBody(ns, name));
  const list = JSON.parse(await c.expect(200, 'GET', configMapsPath(ns))) as { metadata?: { resourceVersion?: string } };
  const rv = list.metadata?.resourceVersion ?? '';

  const latencies = new Float64Array(s.watchers * s.changes);
  let deliveries = 0;
  let duplicates = 0;
  let streamErrors = 0;
  const seen = Array.from({ length: s.watchers }, () => new Uint8Array(s.changes));
  const got = new Uint32Array(s.watchers);

  // Starting from the list's resourceVersion, a watch misses nothing even if it registers late.
  const streams = await Promise.all(Array.from({ length: s.watchers }, () => c.stream(`${configMapsPath(ns)}?watch=true&resourceVersion=${rv}`)));
  let finished = false;
  streams.forEach(({ res }, w) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const now = performance.now();
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (!line.startsWith('{"type":"MODIFIED"')) continue;
        const seq = Number(SEQ.exec(line)?.[1] ?? -1);
        const sentAt = Number(SENT_AT.exec(line)?.[1] ?? NaN);
        if (seq < 0 || seq >= s.changes || Number.isNaN(sentAt)) continue;
        if (seen[w]![seq]) {
          duplicates++;
          continue;
        }
        seen[w]![seq] = 1;
        got[w]!++;
        latencies[deliveries++] = now - sentAt;
      }
    });
    const lost = (): void => {
      if (!finished) streamErrors++;
    };
    res.on('error', lost);
    res.on('end', lost);
  });

  // Writers: change i is due at start + i/rate; a writer that falls behind sends at once (so the
  // achieved rate shows when the server cannot keep the pace).
  let next = 0;
  let sent = 0;
  let writeErrors = 0;
  let firstError: string | undefined;
  const start = performance.now() + 20;
  const deadline = start + s.phaseLimitMs;
  const writer = async (): Promise<void> => {
    while (next < s.changes) {
      const i = next++;
      const wait = start + (i * 1000) / s.changeRate - performance.now();
      if (wait > 0) await sleep(wait);
      if (performance.now() > deadline) return;
      const sentAt = performance.now();
      const patch = JSON.stringify({ data: { seq: String(i), sentAt: sentAt.toFixed(3) } });
      try {
        await c.expect(200, 'PATCH', configMapsPath(ns, names[i % names.length]), patch, 'application/merge-patch+json');
        sent++;
      } catch (e) {
        writeErrors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: s.changeWriters }, writer));
  const achievedRate = sent / ((performance.now() - start) / 1000);

  const drainUntil = performance.now() + DRAIN_MS;
  while (deliveries < sent * s.watchers && performance.now() < drainUntil) await sleep(10);
  finished = true;
  for (const { req } of streams) req.destroy();

  return {
    watchers: s.watchers,
    changes: s.changes,
    sent,
    writeErrors,
    firstError,
    achievedRate,
    deliveries,
    completeWatchers: got.filter((n) => n === sent && sent > 0).length,
    duplicates,
    streamErrors,
    latency: summarize(latencies.subarray(0, deliveries)),
  };
}

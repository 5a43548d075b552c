import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/client/workqueue.js';

describe('WorkQueue', () => {
  it('deduplicates queued keys and re-runs a key added while it was processed', async () => {
    const runs: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(async (k) => {
      runs.push(k);
      if (runs.length === 1) await gate;
    });
    q.add('a');
    q.add('a'); // running: marks dirty
    q.add('b');
    q.add('b'); // queued: deduplicated
    release();
    await q.idle();
    assert.deepEqual(runs, ['a', 'b', 'a']);
    q.stop();
  });

  it('retries a failing key with backoff until it succeeds', async () => {
    let n = 0;
    const errors: string[] = [];
    const q = new WorkQueue(async () => {
      n++;
      if (n < 4) throw new Error(`fail ${n}`);
    }, 1, (_k, e) => errors.push((e as Error).message));
    q.add('k');
    const deadline = Date.now() + 2000;
    while (n < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(n, 4);
    assert.deepEqual(errors, ['fail 1', 'fail 2', 'fail 3']);
    q.stop();
  });

  it('requeues after the interval a reconcile asks for', async () => {
    let n = 0;
    const q = new WorkQueue(async () => {
      n++;
      return n < 3 ? { requeueAfter: 10 } : {};
    });
    q.add('k');
    const deadline = Date.now() + 2000;
    while (n < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(n, 3);
    q.stop();
  });
});

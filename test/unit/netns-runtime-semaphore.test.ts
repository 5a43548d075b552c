// The netns runtime's start limiter: never more than `limit` at once, first come first served.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from '../../src/common/semaphore.js';

test('at most `limit` holders, served in arrival order, released on failure too', async () => {
  const sem = new Semaphore(2);
  let inside = 0;
  let most = 0;
  const order: number[] = [];
  const gates: (() => void)[] = [];
  const jobs = [0, 1, 2, 3, 4].map((i) => sem.use(async () => {
    inside++;
    most = Math.max(most, inside);
    order.push(i);
    await new Promise<void>((r) => gates.push(r));
    inside--;
    if (i === 1) throw new Error('job 1 fails');
    return i;
  }));
  const settled = Promise.allSettled(jobs);
  for (let done = 0; done < 5; done++) {
    while (gates.length === 0) await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  }
  const results = await settled;
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  assert.throws(() => new Semaphore(0), /positive integer/);
});

// KeyedSerializer: one call at a time per key, in order; a failure does not hold the next; keys are independent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedSerializer } from '../../src/common/keyed-serializer.js';

const tick = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('calls for one key run one at a time, in arrival order, past failures', async () => {
  const s = new KeyedSerializer();
  const log: string[] = [];
  const job = (name: string, ms: number, fail = false) => async (): Promise<string> => {
    log.push(`start ${name}`);
    await tick(ms);
    log.push(`end ${name}`);
    if (fail) throw new Error(name);
    return name;
  };
  const results = await Promise.allSettled([s.run('a', job('1', 20)), s.run('a', job('2', 5, true)), s.run('a', job('3', 1))]);
  assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
});

test('different keys do not wait for each other', async () => {
  const s = new KeyedSerializer();
  const log: string[] = [];
  const slow = s.run('a', async () => { await tick(30); log.push('a'); });
  const fast = s.run('b', async () => { log.push('b'); });
  await Promise.all([slow, fast]);
  assert.deepEqual(log, ['b', 'a']);
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tokenBucketLimiter } from '../../src/api/rate-limit.js';

describe('token bucket rate limiter', () => {
  const clock = (): { now: () => number; advance: (ms: number) => void } => {
    let t = 1000;
    return { now: () => t, advance: (ms) => { t += ms; } };
  };

  it('allows a burst, then refuses with a Retry-After, then refills at the rate', () => {
    const c = clock();
    const l = tokenBucketLimiter({ ratePerSecond: 10, burst: 20, now: c.now });
    for (let i = 0; i < 20; i++) assert.equal(l.take('user:a').ok, true, `request ${i}`);
    const refused = l.take('user:a');
    assert.deepEqual(refused, { ok: false, retryAfterSeconds: 1 });
    c.advance(100);
    assert.equal(l.take('user:a').ok, true, 'one token after 1/rate seconds');
    assert.equal(l.take('user:a').ok, false);
    c.advance(10_000);
    for (let i = 0; i < 20; i++) assert.equal(l.take('user:a').ok, true);
    assert.equal(l.take('user:a').ok, false, 'never more than the burst');
  });

  it('keeps one bucket per client', () => {
    const c = clock();
    const l = tokenBucketLimiter({ ratePerSecond: 1, burst: 2, now: c.now });
    assert.equal(l.take('user:a').ok, true);
    assert.equal(l.take('user:a').ok, true);
    assert.equal(l.take('user:a').ok, false);
    assert.equal(l.take('user:b').ok, true, 'another user is unaffected');
    assert.equal(l.take('address:127.0.0.1').ok, true);
  });

  it('rounds Retry-After up to whole seconds at slow rates', () => {
    const c = clock();
    const l = tokenBucketLimiter({ ratePerSecond: 0.25, burst: 1, now: c.now });
    assert.equal(l.take('x').ok, true);
    assert.deepEqual(l.take('x'), { ok: false, retryAfterSeconds: 4 });
    c.advance(3000);
    assert.deepEqual(l.take('x'), { ok: false, retryAfterSeconds: 1 });
  });

  it('never limits members of an exempt group', () => {
    const c = clock();
    const l = tokenBucketLimiter({ ratePerSecond: 1, burst: 1, exemptGroups: ['system:masters'], now: c.now });
    for (let i = 0; i < 1000; i++) assert.equal(l.take('user:admin', ['system:masters']).ok, true);
    assert.equal(l.take('user:u', ['system:authenticated']).ok, true);
    assert.equal(l.take('user:u', ['system:authenticated']).ok, false);
  });

  it('forgets idle clients first when it holds too many', () => {
    const c = clock();
    const l = tokenBucketLimiter({ ratePerSecond: 1, burst: 2, maxClients: 3, now: c.now });
    l.take('busy');
    l.take('busy');
    l.take('idle1');
    c.advance(5000);
    l.take('idle2');
    l.take('busy');
    l.take('busy');
    // idle1 is full again and is forgotten; busy is empty and kept.
    l.take('new');
    assert.equal(l.take('busy').ok, false, 'the busy client is still limited');
    for (let i = 0; i < 10_000; i++) assert.equal(l.take(`address:10.0.${i >> 8}.${i & 255}`).ok, true, 'fresh clients start full');
  });
});

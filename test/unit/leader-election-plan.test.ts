// client-go leaderelection's decisions, as tables: given the Lease read, what this candidate observed
// before and when (its own clock), and the time → create / acquire / renew / wait; renew deadline;
// release; flag parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide, DEFAULT_TIMING, expiresAtMs, fastRenew, isLeaseValid, leaseSpecFromRecord, microTime, observe, parseGoDuration,
  recordFromLeaseSpec, releaseRecord, renewLost, validateTiming, waitMs, type LeaderElectionRecord, type Observation,
} from '../../src/controllers/leader-election-plan.js';

const T0 = Date.parse('2025-01-02T03:04:05.000Z');
const ME = 'host-a_100_0a0b0c0d';
const OTHER = 'host-b_200_01020304';
const rec = (over: Partial<LeaderElectionRecord> = {}): LeaderElectionRecord => ({
  holderIdentity: OTHER, leaseDurationSeconds: 15, acquireTime: microTime(T0 - 60_000), renewTime: microTime(T0), leaderTransitions: 3, ...over,
});
const obs = (record: LeaderElectionRecord, atMs: number): Observation => ({ record, atMs });

describe('microTime', () => {
  it('formats as Kubernetes MicroTime (six fractional digits, Z)', () => {
    assert.equal(microTime(T0), '2025-01-02T03:04:05.000000Z');
    assert.equal(microTime(T0 + 123), '2025-01-02T03:04:05.123000Z');
  });
});

describe('Lease spec ↔ record', () => {
  it('reads absent fields as zero values and writes back what it read', () => {
    assert.deepEqual(recordFromLeaseSpec(undefined), { holderIdentity: '', leaseDurationSeconds: 0, acquireTime: '', renewTime: '', leaderTransitions: 0 });
    const r = rec();
    assert.deepEqual(recordFromLeaseSpec(leaseSpecFromRecord(r)), r);
    assert.deepEqual(leaseSpecFromRecord(r), {
      holderIdentity: OTHER, leaseDurationSeconds: 15, acquireTime: '2025-01-02T03:03:05.000000Z', renewTime: '2025-01-02T03:04:05.000000Z', leaseTransitions: 3,
    });
  });
});

describe('observe', () => {
  it('restarts the observer\'s clock only when the record changed', () => {
    const first = observe(undefined, rec(), T0 + 500);
    assert.equal(first.atMs, T0 + 500);
    assert.equal(observe(first, rec(), T0 + 9_000), first, 'same record read again: the clock keeps running');
    const renewed = observe(first, rec({ renewTime: microTime(T0 + 2_000) }), T0 + 9_000);
    assert.equal(renewed.atMs, T0 + 9_000, 'a renewal restarts it');
  });
  it('judges validity from the observation, strictly before expiry', () => {
    const o = obs(rec(), T0);
    assert.equal(expiresAtMs(o), T0 + 15_000);
    assert.equal(isLeaseValid(o, T0 + 14_999), true);
    assert.equal(isLeaseValid(o, T0 + 15_000), false);
    assert.equal(isLeaseValid(undefined, T0), false);
  });
});

describe('decide (tryAcquireOrRenew after reading the Lease)', () => {
  const now = T0 + 5_000;
  const cases: { name: string; current: LeaderElectionRecord | undefined; observed: Observation | undefined; nowMs?: number; want: ReturnType<typeof decide> }[] = [
    {
      name: 'no Lease: create it, holding it, transitions 0',
      current: undefined, observed: undefined,
      want: { action: 'create', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: microTime(now), renewTime: microTime(now), leaderTransitions: 0 } },
    },
    {
      name: 'held by another and renewed 5 s ago by our clock: wait until 15 s after we saw it',
      current: rec(), observed: obs(rec(), T0),
      want: { action: 'wait', holder: OTHER, untilMs: T0 + 15_000 },
    },
    {
      name: 'held by another, unchanged for 15 s by our clock: take it over, transitions + 1',
      current: rec(), observed: obs(rec(), T0 - 10_000),
      want: { action: 'acquire', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: microTime(now), renewTime: microTime(now), leaderTransitions: 4 } },
    },
    {
      name: 'the holder\'s clock runs behind (renewTime an hour ago) but we saw it change just now: wait — renewTime is never compared with our clock',
      current: rec({ renewTime: microTime(T0 - 3_600_000) }), observed: obs(rec({ renewTime: microTime(T0 - 3_600_000) }), now),
      want: { action: 'wait', holder: OTHER, untilMs: now + 15_000 },
    },
    {
      name: 'the holder\'s clock runs ahead (renewTime in the future) but unchanged for 15 s: take it over',
      current: rec({ renewTime: microTime(T0 + 3_600_000) }), observed: obs(rec({ renewTime: microTime(T0 + 3_600_000) }), now - 15_000),
      want: { action: 'acquire', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: microTime(now), renewTime: microTime(now), leaderTransitions: 4 } },
    },
    {
      name: 'released (no holder), even if just now: acquire at once',
      current: rec({ holderIdentity: '', leaseDurationSeconds: 1 }), observed: obs(rec({ holderIdentity: '', leaseDurationSeconds: 1 }), now),
      want: { action: 'acquire', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: microTime(now), renewTime: microTime(now), leaderTransitions: 4 } },
    },
    {
      name: 'ours: renew, keeping acquireTime and transitions',
      current: rec({ holderIdentity: ME }), observed: obs(rec({ holderIdentity: ME }), T0),
      want: { action: 'renew', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: rec().acquireTime, renewTime: microTime(now), leaderTransitions: 3 } },
    },
    {
      name: 'ours but lapsed by our clock (a restarted term): still ours, renew',
      current: rec({ holderIdentity: ME }), observed: obs(rec({ holderIdentity: ME }), T0 - 60_000),
      want: { action: 'renew', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: rec().acquireTime, renewTime: microTime(now), leaderTransitions: 3 } },
    },
    {
      name: 'held by another with a shorter duration (their flags): their duration counts',
      current: rec({ leaseDurationSeconds: 4 }), observed: obs(rec({ leaseDurationSeconds: 4 }), now - 4_000),
      want: { action: 'acquire', record: { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: microTime(now), renewTime: microTime(now), leaderTransitions: 4 } },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(decide(ME, c.current, c.observed, c.nowMs ?? now, 15_000), c.want));
  }
});

describe('fastRenew (the leader writes without reading first)', () => {
  it('only while it is the holder and the lease is valid by its clock', () => {
    const mine = obs(rec({ holderIdentity: ME }), T0);
    assert.deepEqual(fastRenew(ME, mine, T0 + 2_000, 15_000),
      { holderIdentity: ME, leaseDurationSeconds: 15, acquireTime: rec().acquireTime, renewTime: microTime(T0 + 2_000), leaderTransitions: 3 });
    assert.equal(fastRenew(ME, mine, T0 + 15_000, 15_000), undefined, 'lapsed: read first');
    assert.equal(fastRenew(ME, obs(rec(), T0), T0 + 2_000, 15_000), undefined, 'not ours');
    assert.equal(fastRenew(ME, undefined, T0, 15_000), undefined, 'nothing observed');
  });
});

describe('releaseRecord (graceful stop)', () => {
  it('clears the holder with a one-second duration, keeping the transition count; not ours: nothing', () => {
    assert.deepEqual(releaseRecord(ME, obs(rec({ holderIdentity: ME }), T0), T0 + 1_000),
      { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(T0 + 1_000), renewTime: microTime(T0 + 1_000), leaderTransitions: 3 });
    assert.equal(releaseRecord(ME, obs(rec(), T0), T0 + 1_000), undefined);
    assert.equal(releaseRecord(ME, undefined, T0), undefined);
  });
});

describe('renewLost', () => {
  const cases: [number, boolean][] = [[0, false], [2_000, false], [9_999, false], [10_000, true], [30_000, true]];
  for (const [since, lost] of cases) {
    it(`${since} ms since the last successful renewal began → ${lost ? 'lost' : 'still leading'}`, () => {
      assert.equal(renewLost(T0, T0 + since, DEFAULT_TIMING), lost);
    });
  }
});

describe('waitMs', () => {
  it('jitters the retry period by up to 1.2×, never sleeping past the observed expiry', () => {
    assert.equal(waitMs(undefined, T0, DEFAULT_TIMING, 0), 2_000);
    assert.equal(waitMs(undefined, T0, DEFAULT_TIMING, 1), 4_400);
    assert.equal(waitMs({ untilMs: T0 + 10_000 }, T0, DEFAULT_TIMING, 0.5), 3_200);
    assert.equal(waitMs({ untilMs: T0 + 700 }, T0, DEFAULT_TIMING, 0.5), 701, 'wake just after the lease lapses');
    assert.equal(waitMs({ untilMs: T0 - 50 }, T0, DEFAULT_TIMING, 0.5), 0);
  });
});

describe('validateTiming (NewLeaderElector\'s checks)', () => {
  const cases: [string, Parameters<typeof validateTiming>[0], RegExp | undefined][] = [
    ['the defaults', DEFAULT_TIMING, undefined],
    ['lease ≤ renew deadline', { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, /leaseDuration must be greater than renewDeadline/],
    ['renew deadline ≤ 1.2 × retry', { leaseDurationMs: 15_000, renewDeadlineMs: 2_400, retryPeriodMs: 2_000 }, /renewDeadline must be greater than retryPeriod\*JitterFactor/],
    ['retry 0', { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 }, /retryPeriod must be greater than zero/],
    ['fractional lease seconds', { leaseDurationMs: 15_500, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 }, /whole seconds/],
  ];
  for (const [name, t, want] of cases) {
    it(name, () => {
      const got = validateTiming(t);
      if (want) assert.match(got ?? '', want);
      else assert.equal(got, undefined);
    });
  }
});

describe('parseGoDuration', () => {
  const cases: [string, number | undefined][] = [
    ['15s', 15_000], ['500ms', 500], ['1m30s', 90_000], ['1.5s', 1_500], ['2h', 7_200_000], ['0', 0], ['1000us', 1],
    ['', undefined], ['15', undefined], ['s', undefined], ['15 s', undefined], ['1x', undefined], ['-', undefined],
  ];
  for (const [s, want] of cases) it(JSON.stringify(s), () => assert.equal(parseGoDuration(s), want));
});

// Cases from k8s.io/apimachinery/pkg/util/duration/duration_test.go plus every branch boundary.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ageSince, humanDuration, parseRFC3339, shortHumanDuration } from '../../src/common/duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const Y = 365 * D;

describe('humanDuration', () => {
  const cases: [ms: number, want: string][] = [
    [-2 * S, '<invalid>'],
    [-1999, '0s'], // int(-1.999s) = -1: tolerated clock skew
    [-1 * S, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * S, '1s'],
    [59 * S, '59s'],
    [60 * S, '60s'],
    [119 * S, '119s'],
    [2 * M, '2m'],
    [2 * M + 1 * S, '2m1s'],
    [3 * M + 2 * S, '3m2s'],
    [9 * M + 59 * S, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 59 * S, '10m'],
    [179 * M, '179m'],
    [3 * H, '3h'],
    [3 * H + 1 * M, '3h1m'],
    [7 * H + 59 * M, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 59 * M, '8h'],
    [47 * H, '47h'],
    [48 * H, '2d'],
    [48 * H + 1 * H, '2d1h'],
    [7 * D + 23 * H, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 23 * H, '8d'],
    [2 * Y - 1 * H, '729d'],
    [2 * Y, '2y'],
    [2 * Y + 1 * D, '2y1d'],
    [8 * Y - 1 * D, '7y364d'],
    [8 * Y, '8y'],
    [100 * Y + 300 * D, '100y'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  }
});

describe('shortHumanDuration', () => {
  const cases: [ms: number, want: string][] = [
    [-2 * S, '<invalid>'],
    [-1 * S, '0s'],
    [59 * S, '59s'],
    [60 * S, '1m'],
    [59 * M, '59m'],
    [60 * M, '1h'],
    [23 * H, '23h'],
    [24 * H, '1d'],
    [364 * D, '364d'],
    [365 * D, '1y'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms}ms → ${want}`, () => assert.equal(shortHumanDuration(ms), want));
  }
});

describe('ageSince', () => {
  const now = new Date('2024-05-10T12:00:00Z');
  const cases: [ts: string | undefined, want: string][] = [
    [undefined, '<unknown>'],
    ['', '<unknown>'],
    ['null', '<unknown>'],
    ['yesterday', '<invalid>'],
    ['2024-05-10', '<invalid>'],
    ['2024-05-10T12:00:00Z', '0s'],
    ['2024-05-10T12:00:01Z', '0s'],
    ['2024-05-10T12:00:05Z', '<invalid>'], // in the future beyond the skew allowance
    ['2024-05-10T11:59:15Z', '45s'],
    ['2024-05-10T11:56:58Z', '3m2s'],
    ['2024-05-10T11:56:58.500Z', '3m1s'],
    ['2024-05-10T13:56:58+02:00', '3m2s'],
    ['2024-05-09T12:00:00Z', '24h'],
    ['2024-05-01T12:00:00Z', '9d'],
  ];
  for (const [ts, want] of cases) {
    it(`${String(ts)} → ${want}`, () => assert.equal(ageSince(ts, now), want));
  }

  it('parses only RFC 3339', () => {
    assert.equal(parseRFC3339('2024-01-02T03:04:05Z'), Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(parseRFC3339('2024-01-02 03:04:05Z'), undefined);
  });
});

// The decisions of client-go's leaderelection (k8s.io/client-go/tools/leaderelection), without the I/O:
// what a candidate does given the Lease it read, what it observed before, the time and its identity.
// leader-election.ts does the reading, writing and waiting.

/** client-go's LeaderElectionRecord, as a coordination.k8s.io/v1 Lease spec carries it. */
export interface LeaderElectionRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** MicroTime strings, as stored. */
  acquireTime: string;
  renewTime: string;
  leaderTransitions: number;
}

/**
 * The last record this candidate saw change, and when by its own clock. Expiry is judged from this
 * time, never from the record's renewTime: the holder's clock may disagree with ours (client-go's
 * observedTime).
 */
export interface Observation {
  record: LeaderElectionRecord;
  atMs: number;
}

export interface ElectionTiming {
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

/** kube-controller-manager's defaults (--leader-elect-lease-duration/-renew-deadline/-retry-period). */
export const DEFAULT_TIMING: ElectionTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** client-go's JitterFactor: a waiting candidate retries after retryPeriod × (1 + rand × 1.2). */
export const JITTER_FACTOR = 1.2;

/** Kubernetes MicroTime (`2006-01-02T15:04:05.000000Z`); a JS clock has milliseconds only. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** LeaseSpecToLeaderElectionRecord: absent fields read as zero values. */
export function recordFromLeaseSpec(spec: LeaseSpec | undefined): LeaderElectionRecord {
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: spec?.acquireTime ?? '',
    renewTime: spec?.renewTime ?? '',
    leaderTransitions: spec?.leaseTransitions ?? 0,
  };
}

/** LeaderElectionRecordToLeaseSpec. */
export function leaseSpecFromRecord(r: LeaderElectionRecord): LeaseSpec {
  return {
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    ...(r.acquireTime ? { acquireTime: r.acquireTime } : {}),
    ...(r.renewTime ? { renewTime: r.renewTime } : {}),
    leaseTransitions: r.leaderTransitions,
  };
}

export function sameRecord(a: LeaderElectionRecord, b: LeaderElectionRecord): boolean {
  return a.holderIdentity === b.holderIdentity && a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime && a.renewTime === b.renewTime && a.leaderTransitions === b.leaderTransitions;
}

/** A record read now: the observation moves (and its clock restarts) only when the record changed. */
export function observe(prev: Observation | undefined, record: LeaderElectionRecord, nowMs: number): Observation {
  return prev && sameRecord(prev.record, record) ? prev : { record, atMs: nowMs };
}

export function isLeader(obs: Observation | undefined, identity: string): boolean {
  return obs !== undefined && obs.record.holderIdentity === identity;
}

/** When the observed lease lapses by our clock: observed time + its leaseDurationSeconds. */
export function expiresAtMs(obs: Observation): number {
  return obs.atMs + obs.record.leaseDurationSeconds * 1000;
}

/** isLeaseValid: strictly before expiry. */
export function isLeaseValid(obs: Observation | undefined, nowMs: number): boolean {
  return obs !== undefined && expiresAtMs(obs) > nowMs;
}

export type Step =
  /** No Lease yet: create it holding it. */
  | { action: 'create'; record: LeaderElectionRecord }
  /** Write the record with the resourceVersion we read; a conflict means someone else wrote first. */
  | { action: 'acquire' | 'renew'; record: LeaderElectionRecord }
  /** Someone else holds an unexpired lease. */
  | { action: 'wait'; holder: string; untilMs: number };

/**
 * tryAcquireOrRenew's slow path, after the Lease was read (`current` undefined: 404) and merged into
 * `obs` with observe(). Step 3 and 4 of client-go.
 */
export function decide(identity: string, current: LeaderElectionRecord | undefined, obs: Observation | undefined,
  nowMs: number, leaseDurationMs: number): Step {
  const now = microTime(nowMs);
  const fresh = { holderIdentity: identity, leaseDurationSeconds: Math.round(leaseDurationMs / 1000), acquireTime: now, renewTime: now };
  if (current === undefined) return { action: 'create', record: { ...fresh, leaderTransitions: 0 } };
  const leader = isLeader(obs, identity);
  if (current.holderIdentity !== '' && isLeaseValid(obs, nowMs) && !leader) {
    return { action: 'wait', holder: current.holderIdentity, untilMs: expiresAtMs(obs!) };
  }
  if (leader) return { action: 'renew', record: { ...fresh, acquireTime: current.acquireTime, leaderTransitions: current.leaderTransitions } };
  return { action: 'acquire', record: { ...fresh, leaderTransitions: current.leaderTransitions + 1 } };
}

/**
 * tryAcquireOrRenew's fast path: a leader whose lease is still valid by its own observation writes
 * over the record it last wrote, without reading first. Undefined: take the slow path.
 */
export function fastRenew(identity: string, obs: Observation | undefined, nowMs: number, leaseDurationMs: number): LeaderElectionRecord | undefined {
  if (!obs || !isLeader(obs, identity) || !isLeaseValid(obs, nowMs)) return undefined;
  return {
    holderIdentity: identity, leaseDurationSeconds: Math.round(leaseDurationMs / 1000), acquireTime: obs.record.acquireTime,
    renewTime: microTime(nowMs), leaderTransitions: obs.record.leaderTransitions,
  };
}

/**
 * The record that gives the lease up on a graceful stop (client-go's release): no holder, a
 * one-second duration, so that a successor acquires at once. Undefined: not ours to release.
 */
export function releaseRecord(identity: string, obs: Observation | undefined, nowMs: number): LeaderElectionRecord | undefined {
  if (!isLeader(obs, identity)) return undefined;
  const now = microTime(nowMs);
  return { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaderTransitions: obs!.record.leaderTransitions };
}

/**
 * A leader that has not renewed for renewDeadline stops leading. Counted from the start of its last
 * successful write (the server stored it no earlier), so that it stops before any observer can see
 * the lease lapse — a little stricter than client-go, which counts from the end of its retry wait.
 */
export function renewLost(lastRenewStartMs: number, nowMs: number, t: ElectionTiming): boolean {
  return nowMs - lastRenewStartMs >= t.renewDeadlineMs;
}

/**
 * How long a waiting candidate sleeps: the jittered retry period, but never past the moment the
 * observed lease lapses (so a dead leader is replaced leaseDuration after we last saw it renew).
 */
export function waitMs(step: { untilMs: number } | undefined, nowMs: number, t: ElectionTiming, rand: number): number {
  const jittered = t.retryPeriodMs * (1 + rand * JITTER_FACTOR);
  if (!step) return jittered;
  return Math.max(0, Math.min(jittered, step.untilMs - nowMs + 1));
}

/** NewLeaderElector's checks. */
export function validateTiming(t: ElectionTiming): string | undefined {
  if (!(t.retryPeriodMs > 0)) return 'retryPeriod must be greater than zero';
  if (!(t.leaseDurationMs > t.renewDeadlineMs)) return 'leaseDuration must be greater than renewDeadline';
  if (!(t.renewDeadlineMs > JITTER_FACTOR * t.retryPeriodMs)) return `renewDeadline must be greater than retryPeriod*JitterFactor (${JITTER_FACTOR})`;
  if (t.leaseDurationMs % 1000 !== 0) return 'leaseDuration must be whole seconds (leaseDurationSeconds)';
  return undefined;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's time.ParseDuration (`15s`, `1m30s`, `500ms`, `1.5s`), in milliseconds; undefined if malformed. */
export function parseGoDuration(s: string): number | undefined {
  const src = s.trim();
  if (src === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let i = 0;
  let sign = 1;
  if (src.startsWith('-') || src.startsWith('+')) {
    sign = src.startsWith('-') ? -1 : 1;
    i = 1;
  }
  if (i >= src.length) return undefined;
  while (i < src.length) {
    re.lastIndex = i;
    const m = re.exec(src);
    if (!m) return undefined;
    ms += Number(m[1]) * UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  return sign * ms;
}

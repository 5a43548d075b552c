// Per-client request rate limiting: a token bucket per user name (per source address for requests that
// fail authentication). Members of the exempt groups are never limited: system:masters is the cluster's
// operator and the in-process controllers, as kube-apiserver's API Priority and Fairness exempts it.
export interface RateDecision {
  ok: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** `groups`: the authenticated user's groups (exemptions); omitted for unauthenticated clients. */
  take(client: string, groups?: readonly string[]): RateDecision;
}

export const unlimited: RateLimiter = { take: () => ({ ok: true, retryAfterSeconds: 0 }) };

export interface TokenBucketOptions {
  /** Tokens added per second (sustained requests per second). */
  ratePerSecond: number;
  /** Bucket size: requests a client may send at once after being idle. */
  burst: number;
  /** Groups whose members are not limited. */
  exemptGroups?: readonly string[];
  /** Buckets kept at most; full (idle) buckets are forgotten first, so spoofed addresses cannot grow memory. */
  maxClients?: number;
  /** Milliseconds clock (tests). */
  now?: () => number;
}

/** Lab defaults: an agent, a controller or a test flooding kubectl stays well below them. */
export const DEFAULT_RATE_PER_SECOND = 200;
export const DEFAULT_BURST = 400;
export const DEFAULT_EXEMPT_GROUPS: readonly string[] = ['system:masters'];

interface Bucket {
  tokens: number;
  last: number;
}

export function tokenBucketLimiter(o: TokenBucketOptions): RateLimiter {
  const now = o.now ?? (() => performance.now());
  const exempt = new Set(o.exemptGroups ?? []);
  const maxClients = o.maxClients ?? 10_000;
  const buckets = new Map<string, Bucket>();
  const refill = (b: Bucket, t: number): void => {
    b.tokens = Math.min(o.burst, b.tokens + ((t - b.last) / 1000) * o.ratePerSecond);
    b.last = t;
  };
  const evict = (t: number): void => {
    for (const [k, b] of buckets) {
      refill(b, t);
      if (b.tokens >= o.burst) buckets.delete(k);
    }
    // Still too many busy clients: forget the oldest (Map keeps insertion order); they start full again.
    for (const k of buckets.keys()) {
      if (buckets.size < maxClients) break;
      buckets.delete(k);
    }
  };
  return {
    take(client: string, groups: readonly string[] = []): RateDecision {
      if (groups.some((g) => exempt.has(g))) return { ok: true, retryAfterSeconds: 0 };
      const t = now();
      let b = buckets.get(client);
      if (b === undefined) {
        if (buckets.size >= maxClients) evict(t);
        b = { tokens: o.burst, last: t };
        buckets.set(client, b);
      } else {
        refill(b, t);
      }
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true, retryAfterSeconds: 0 };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / o.ratePerSecond)) };
    },
  };
}

export function defaultRateLimiter(): RateLimiter {
  return tokenBucketLimiter({ ratePerSecond: DEFAULT_RATE_PER_SECOND, burst: DEFAULT_BURST, exemptGroups: DEFAULT_EXEMPT_GROUPS });
}

// Per-client request rate limiting (a token bucket per user, or per address before authentication).
export interface RateDecision {
  ok: boolean;
  retryAfterSeconds: number;
}

export interface RateLimiter {
  take(client: string): RateDecision;
}

export const unlimited: RateLimiter = { take: () => ({ ok: true, retryAfterSeconds: 0 }) };

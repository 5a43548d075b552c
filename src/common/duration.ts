// Human-readable ages as kubectl prints them.
// humanDuration/shortHumanDuration: k8s.io/apimachinery/pkg/util/duration/duration.go.
// ageSince: kubectl's translateTimestampSince (k8s.io/kubectl/pkg/cmd/get, printers) and
// metatable.ConvertToHumanReadableDateType, which the CRD table convertor uses for `date` columns.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Go's int(x) / integer division of a Duration: truncation toward zero. */
const trunc = (x: number): number => Math.trunc(x);

/** HumanDuration: ~2-3 significant figures, e.g. `45s`, `3m2s`, `15m`, `5h3m`, `3d4h`, `2y10d`. */
export function humanDuration(ms: number): string {
  // Up to 2s in the future (exclusive) reads as "now", to tolerate clock skew.
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${trunc(hours / 24)}d` : `${trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = trunc(hours / 24) % 365;
    const y = trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${trunc(hours / 24 / 365)}y`;
}

/** ShortHumanDuration: one unit only, e.g. `59s`, `59m`, `23h`, `364d`, `1y`. */
export function shortHumanDuration(ms: number): string {
  const seconds = trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${trunc(hours / 24)}d`;
  return `${trunc(ms / HOUR / 24 / 365)}y`;
}

// metav1.Time parses query/JSON values with time.RFC3339 (fractional seconds allowed, upper-case T/Z).
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined if it is not one. */
export function parseRFC3339(s: string): number | undefined {
  if (!RFC3339.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * translateTimestampSince: `<unknown>` for a missing (zero) timestamp, else humanDuration(now - t).
 * A string that is not RFC 3339 gives `<invalid>`, as the CRD table convertor shows for such a
 * `date` column (Go objects can't hold one).
 */
export function ageSince(timestamp: string | undefined, now: Date): string {
  // metav1.Time.UnmarshalQueryParameter treats "" and "null" as the zero time.
  if (timestamp === undefined || timestamp === '' || timestamp === 'null') return '<unknown>';
  const t = parseRFC3339(timestamp);
  if (t === undefined) return '<invalid>';
  return humanDuration(now.getTime() - t);
}

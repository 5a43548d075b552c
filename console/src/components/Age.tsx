// "5m" style age of a timestamp, with the full time on hover.
import type { ReactNode } from 'react';

export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '-';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

export function Age({ ts }: { ts: string | undefined }): ReactNode {
  return <span title={ts}>{age(ts)}</span>;
}

// The audit log: one JSON line per request in DATA/audit/audit.log.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { AuditEvent, AuditSink } from './audit-sink.js';

export function openAuditLog(dir: string): AuditSink {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out: WriteStream = createWriteStream(join(dir, 'audit.log'), { flags: 'a', mode: 0o600 });
  return {
    record(event: AuditEvent): void {
      out.write(`${JSON.stringify(event)}\n`);
    },
    close: () => new Promise<void>((resolve) => out.end(() => resolve())),
  };
}

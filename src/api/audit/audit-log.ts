// The audit log: one JSON line per request in DATA/audit/audit.log, rotated by size (audit.log.1 is the
// newest old file, audit.log.N the oldest). A request never waits for the disk: record() queues the line and
// one writer drains the queue; when the queue outgrows its cap (the disk is slower than the requests), lines
// are dropped and counted, and the count is written as a line of its own once the writer catches up.
import { mkdirSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEvent, AuditSink } from './audit-sink.js';

export interface AuditLogOptions {
  /** Rotate before the file would grow past this many bytes (kube-apiserver: --audit-log-maxsize, in MiB there). */
  maxBytes?: number;
  /** Old files kept: audit.log.1 … audit.log.N (--audit-log-maxbackup). 0 keeps none (the file is truncated). */
  maxBackups?: number;
  /** Bytes of lines waiting for the disk before new ones are dropped. */
  maxQueuedBytes?: number;
}

export const DEFAULT_AUDIT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_AUDIT_MAX_BACKUPS = 5;
const DEFAULT_MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export interface AuditLog extends AuditSink {
  /** Lines dropped so far because the writer fell behind. */
  readonly dropped: number;
  /** Resolves when every line recorded so far is on disk (tests). */
  flush(): Promise<void>;
}

export const AUDIT_FILE = 'audit.log';

/** The rename plan of one rotation (pure): oldest first, so nothing is overwritten before it moved. */
export function rotationRenames(file: string, maxBackups: number): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let i = maxBackups - 1; i >= 1; i--) out.push({ from: `${file}.${i}`, to: `${file}.${i + 1}` });
  if (maxBackups >= 1) out.push({ from: file, to: `${file}.1` });
  return out;
}

export function openAuditLog(dir: string, o: AuditLogOptions = {}): AuditLog {
  const maxBytes = o.maxBytes ?? DEFAULT_AUDIT_MAX_BYTES;
  const maxBackups = o.maxBackups ?? DEFAULT_AUDIT_MAX_BACKUPS;
  const maxQueued = o.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, AUDIT_FILE);
  let queue: string[] = [];
  let queuedBytes = 0;
  let dropped = 0;
  let droppedUnreported = 0;
  let fh: FileHandle | undefined;
  let size = 0;
  let writing: Promise<void> | undefined;
  let closed = false;

  const openFile = async (): Promise<FileHandle> => {
    if (fh) return fh;
    fh = await open(file, 'a', 0o600);
    size = (await stat(file)).size;
    return fh;
  };
  const rotate = async (): Promise<void> => {
    await fh?.close();
    fh = undefined;
    if (maxBackups === 0) await rm(file, { force: true });
    else {
      await rm(`${file}.${maxBackups}`, { force: true });
      for (const r of rotationRenames(file, maxBackups)) await rename(r.from, r.to).catch(() => undefined);
    }
  };
  const writeBatch = async (lines: string[]): Promise<void> => {
    let batch = '';
    let batchBytes = 0;
    const emit = async (): Promise<void> => {
      if (batch === '') return;
      await (await openFile()).write(batch);
      size += batchBytes;
      batch = '';
      batchBytes = 0;
    };
    for (const line of lines) {
      const n = Buffer.byteLength(line);
      await openFile();
      if (size + batchBytes + n > maxBytes && size + batchBytes > 0) {
        await emit();
        await rotate();
        await openFile();
      }
      batch += line;
      batchBytes += n;
    }
    await emit();
  };
  const drain = async (): Promise<void> => {
    try {
      while (queue.length > 0 || droppedUnreported > 0) {
        const lines = queue;
        queue = [];
        queuedBytes = 0;
        if (droppedUnreported > 0) {
          lines.push(`${JSON.stringify({ kind: 'AuditEventsDropped', count: droppedUnreported, time: new Date().toISOString() })}\n`);
          droppedUnreported = 0;
        }
        await writeBatch(lines);
      }
    } catch (e) {
      // A full or broken disk must not take the API down: say so once per failure and keep serving.
      console.error(`audit log: ${(e as Error).message}`);
      await fh?.close().catch(() => undefined);
      fh = undefined;
    } finally {
      writing = undefined;
    }
  };
  const kick = (): void => {
    writing ??= drain();
  };
  return {
    get dropped() { return dropped; },
    record(event: AuditEvent): void {
      if (closed) return;
      const line = `${JSON.stringify(event)}\n`;
      if (queuedBytes + line.length > maxQueued) {
        dropped++;
        droppedUnreported++;
        return;
      }
      queue.push(line);
      queuedBytes += line.length;
      kick();
    },
    async flush(): Promise<void> {
      while (writing) await writing;
      if (queue.length > 0 || droppedUnreported > 0) {
        kick();
        await this.flush();
      }
    },
    async close(): Promise<void> {
      await this.flush();
      closed = true;
      await fh?.close();
      fh = undefined;
    },
  };
}

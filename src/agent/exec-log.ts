// The executor log: with VIRTNET_EXEC_LOG=<file> set, every external command an agent or runtime starts is
// appended to that file as one JSON line (`{time, pid, argv, stdin?}`), so a test can prove that no command
// ever carried text a client sent unvalidated. Unset (the default), it costs one property lookup.
import { appendFileSync } from 'node:fs';

export interface ExecLogEntry {
  argv: readonly string[];
  /** What the command read on stdin (e.g. `ip -batch -`), when the caller gave it text. */
  stdin?: string;
}

export function logExec(entry: ExecLogEntry): void {
  const file = process.env.VIRTNET_EXEC_LOG;
  if (!file) return;
  const line = { time: new Date().toISOString(), pid: process.pid, argv: entry.argv, ...(entry.stdin !== undefined ? { stdin: entry.stdin } : {}) };
  try {
    // Synchronous and O_APPEND: lines of several processes sharing the file stay whole and in order.
    appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  } catch (e) {
    console.error(`exec log ${file}: ${(e as Error).message}`);
  }
}

// Group commit for `ip -batch`: requests for the same namespace that arrive while a batch for it runs are
// sent together in the next one. A lone request costs one `ip` process, as before; a hundred VMs starting
// at once cost a handful instead of hundreds (each process costs milliseconds of CPU, and on a two-core
// machine those milliseconds are the start-up time). `-force` keeps one request's failure from stopping
// the others; ip's "Command failed -:N" markers tell whose lines failed.

import { run } from '../../agent/netns.js';

interface Request {
  lines: string[];
  /** Errors to treat as success (e.g. deleting a link that is already gone). */
  ignore: RegExp | undefined;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** ip's messages for each failed batch line (1-based), from `ip -force -batch` stderr. */
export function batchFailures(stderr: string): Map<number, string[]> {
  const failures = new Map<number, string[]>();
  let pending: string[] = [];
  for (const raw of stderr.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const m = /^Command failed -:(\d+)$/.exec(line);
    if (m === null) {
      pending.push(line);
      continue;
    }
    failures.set(Number(m[1]), pending);
    pending = [];
  }
  return failures;
}

export class IpBatcher {
  private readonly queues = new Map<string, Request[]>();
  private readonly busy = new Set<string>();

  constructor(private readonly timeoutMs = 60_000) {}

  /** Runs `lines` (iproute2 batch syntax) in `netns` (undefined: the caller's), grouped with others. */
  run(netns: string | undefined, lines: string[], opts: { ignore?: RegExp } = {}): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const key = netns ?? '';
    return new Promise<void>((resolve, reject) => {
      const queue = this.queues.get(key) ?? [];
      queue.push({ lines, ignore: opts.ignore, resolve, reject });
      this.queues.set(key, queue);
      if (!this.busy.has(key)) void this.drain(key);
    });
  }

  private async drain(key: string): Promise<void> {
    this.busy.add(key);
    try {
      for (;;) {
        const batch = this.queues.get(key) ?? [];
        this.queues.delete(key);
        if (batch.length === 0) return;
        await this.send(key, batch);
      }
    } finally {
      this.busy.delete(key);
    }
  }

  private async send(key: string, batch: Request[]): Promise<void> {
    const input = batch.flatMap((r) => r.lines).join('\n') + '\n';
    let failures: Map<number, string[]>;
    try {
      const r = await run('ip', ['-force', '-batch', '-'], {
        netns: key === '' ? undefined : key, input, allowFailure: true, timeoutMs: this.timeoutMs,
      });
      failures = batchFailures(r.stderr);
    } catch (e) {
      for (const req of batch) req.reject(e as Error);
      return;
    }
    let first = 1;
    for (const req of batch) {
      const errors: string[] = [];
      for (let n = first; n < first + req.lines.length; n++) {
        const messages = failures.get(n);
        if (messages === undefined) continue;
        const text = messages.join('; ') || 'failed';
        if (req.ignore?.test(text) !== true) errors.push(`ip ${key === '' ? '' : `-n ${key} `}${req.lines[n - first] ?? ''}: ${text}`);
      }
      first += req.lines.length;
      if (errors.length === 0) req.resolve();
      else req.reject(new Error(errors.join('\n')));
    }
  }
}

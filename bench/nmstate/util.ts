// Small helpers of the nmstate benchmarks: commands, waiting, medians, formatting, process CPU from /proc.
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface CmdResult {
  stdout: string;
  stderr: string;
}

/** Runs a command (no shell); rejects with its stderr on failure or after `timeoutMs`. */
export function cmd(file: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CmdResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, [...args], { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${file} ${args.join(' ')}: ${err.message.split('\n')[0] ?? ''}${stderr ? `\n${stderr.trim()}` : ''}`));
        else resolve({ stdout, stderr });
      });
    child.stdin?.end(opts.input);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value; throws after `timeoutMs` naming what it waited for. */
export async function until<T>(what: string, fn: () => Promise<T> | T, timeoutMs: number, intervalMs = 200): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what} (last: ${JSON.stringify(last)})`);
    await sleep(intervalMs);
  }
}

export function median(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0);
}

export function fmtS(ms: number): string {
  return Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-';
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(1)}x` : '-';
}

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ProcCpu {
  /** user + system of the process itself, seconds. */
  self: number;
  /** user + system of its children that it has waited for (the `ip`, `ping` it ran), seconds. */
  children: number;
}

/** From /proc/PID/stat (fields 14–17; the command name may contain spaces, so split after ')'). */
export function procCpu(pid: number | 'self'): ProcCpu {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { self: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS, children: (Number(f[13]) + Number(f[14])) / CLOCK_TICKS };
  } catch {
    return { self: NaN, children: NaN };
  }
}

/**
 * The host's CPU time (all cores, busy = everything but idle and iowait), seconds, and the number of
 * processes (forks) created since boot, from /proc/stat.
 */
export function hostCpu(): { busy: number; total: number; forks: number } {
  const stat = readFileSync('/proc/stat', 'utf8').split('\n');
  const v = (stat[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const forks = Number(stat.find((l) => l.startsWith('processes '))?.split(' ')[1] ?? NaN);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS, forks };
}

export function netnsList(): string[] {
  try {
    // stderr ignored: ip complains about other users' namespaces that are being deleted meanwhile.
    const out = execFileSync('ip', ['-json', 'netns', 'list'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === '' ? [] : (JSON.parse(out) as { name: string }[]).map((n) => n.name);
  } catch {
    return [];
  }
}

// Runs one external command, optionally inside a network namespace, the way every process of the agent is
// started: an argument array (never a shell), a timeout, and stderr captured into the error a user sees.
// iproute2's own tools take the namespace as a flag (`ip -n NS …`, `bridge -n NS …`); anything else runs
// under `ip netns exec NS cmd …`, which also bind-mounts /etc/netns/NS/* (e.g. resolv.conf) over /etc.

import { execFile } from 'node:child_process';
import { logExec } from './exec-log.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface RunOptions {
  /** Network namespace name (as listed by `ip netns list`); omitted means the caller's namespace. */
  netns?: string | undefined;
  timeoutMs?: number | undefined;
  /**
   * Written to the child's stdin, which is then closed. A promise: the process starts now and gets its
   * input when the promise resolves (a rejected one closes stdin).
   */
  input?: string | Promise<string> | undefined;
  /** Return a non-zero exit as a result instead of throwing `CommandError`. */
  allowFailure?: boolean | undefined;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** Exit code; -1 when the process was killed (timeout) or could not start. */
  code: number;
}

export type CommandFailure = 'exit' | 'timeout' | 'not-found' | 'spawn';

/** A command that failed: carries the full command line and its stderr, both part of the message. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly argv: readonly string[];
  readonly stderr: string;
  readonly stdout: string;
  readonly code: number;
  readonly failure: CommandFailure;
  constructor(argv: readonly string[], failure: CommandFailure, code: number, stdout: string, stderr: string,
    detail: string) {
    super(`${formatCommand(argv)}: ${detail}`);
    this.argv = argv;
    this.failure = failure;
    this.code = code;
    this.stdout = stdout;
    this.stderr = stderr;
  }
}

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;

/** Throws unless `name` is a plausible namespace name (it becomes a path under /run/netns and /etc/netns). */
export function checkNetnsName(name: string): void {
  if (!NETNS_NAME.test(name) || name.includes('..')) {
    throw new Error(`invalid network namespace name ${JSON.stringify(name)}`);
  }
}

/** Where `ip netns add` bind-mounts named namespaces (what `nsenter --net=` and `ip netns list` read). */
export const NETNS_DIR = '/run/netns';

const NET_ONLY = new Set(['nft', 'sysctl']);

/** The argument vector actually executed: `[file, ...args]`. */
export function commandArgv(cmd: string, args: readonly string[], netns?: string): string[] {
  if (netns === undefined) return [cmd, ...args];
  checkNetnsName(netns);
  if (cmd === 'ip' || cmd === 'bridge') return [cmd, '-n', netns, ...args];
  // nft and sysctl see only the network namespace: entering just that one spares them the mount namespace
  // and /sys remount of `ip netns exec`, which queue behind every other namespace change on a busy host.
  if (NET_ONLY.has(cmd)) return ['nsenter', `--net=${NETNS_DIR}/${netns}`, cmd, ...args];
  return ['ip', 'netns', 'exec', netns, cmd, ...args];
}

/** A command line for messages: arguments with spaces or quotes are JSON-quoted. */
export function formatCommand(argv: readonly string[]): string {
  return argv.map((a) => (a === '' || /[\s"'\\$`]/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

function lastLines(text: string, max = 20): string {
  const lines = text.trim().split('\n');
  return lines.length > max ? ['…', ...lines.slice(-max)].join('\n') : lines.join('\n');
}

/** Runs `cmd args` (in `opts.netns` if given). Rejects with `CommandError` on failure unless `allowFailure`. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const argv = commandArgv(cmd, args, opts.netns);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [file, ...rest] = argv as [string, ...string[]];
  if (typeof opts.input === 'string') logExec({ argv, stdin: opts.input });
  else if (opts.input === undefined) logExec({ argv });
  else opts.input.then((stdin) => logExec({ argv, stdin }), () => logExec({ argv }));
  return new Promise((resolve, reject) => {
    const child = execFile(file, rest, {
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C' },
    }, (err, stdout, stderr) => {
      if (!err) {
        resolve({ stdout, stderr, code: 0 });
        return;
      }
      const e = err as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string | null };
      let failure: CommandFailure;
      let detail: string;
      let code = -1;
      if (e.code === 'ENOENT') {
        failure = 'not-found';
        detail = `command not found: ${file} is not installed or not on PATH`;
      } else if (e.killed === true || (e.signal !== null && e.signal !== undefined && typeof e.code !== 'number')) {
        failure = 'timeout';
        detail = e.killed === true ? `timed out after ${timeoutMs} ms` : `killed by ${String(e.signal)}`;
      } else if (typeof e.code === 'number') {
        failure = 'exit';
        code = e.code;
        detail = `exit status ${e.code}`;
      } else {
        failure = 'spawn';
        detail = e.message;
      }
      // `ip netns exec NS cmd` reports a missing cmd itself, with exit status 255 or 1.
      if (failure === 'exit' && argv[1] === 'netns' && /^exec of ".*" failed: No such file or directory/m.test(stderr)) {
        failure = 'not-found';
        detail = `command not found: ${argv[4] ?? file} is not installed or not on PATH`;
      }
      if (failure === 'exit' && file === 'nsenter' && /^nsenter: failed to execute .*: No such file or directory/m.test(stderr)) {
        failure = 'not-found';
        detail = `command not found: ${argv[2] ?? file} is not installed or not on PATH`;
      }
      const err2 = stderr.trim() === '' ? '' : `: ${lastLines(stderr)}`;
      if (failure === 'exit' && opts.allowFailure === true) {
        resolve({ stdout, stderr, code });
        return;
      }
      reject(new CommandError(argv, failure, code, stdout, stderr, detail + err2));
    });
    if (opts.input !== undefined) {
      child.stdin?.on('error', () => { /* the child may exit before reading; its exit status tells */ });
      if (typeof opts.input === 'string') child.stdin?.end(opts.input);
      else opts.input.then((text) => child.stdin?.end(text), () => child.stdin?.end());
    } else {
      child.stdin?.end();
    }
  });
}

/** Runs an iproute2 command with `-json` and parses stdout (empty output is an empty list). */
export async function runJson<T = unknown>(cmd: 'ip' | 'bridge', args: readonly string[],
  opts: RunOptions = {}): Promise<T> {
  const argv = commandArgv(cmd, ['-json', ...args], opts.netns);
  const r = await run(cmd, ['-json', ...args], opts);
  const text = r.stdout.trim();
  if (text === '') return [] as T;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new CommandError(argv, 'exit', 0, r.stdout, r.stderr,
      `output is not JSON (${(e as Error).message}): ${text.slice(0, 200)}`);
  }
}

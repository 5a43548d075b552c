// The VM's long-lived helper processes (udhcpc per NIC, socat for the console): started detached so they
// outlive the agent that started them, found again through pid files, and killed only after
// /proc/<pid>/cmdline shows the pid is still the process the file names (pids are reused).

import { spawn } from 'node:child_process';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { run } from '../../agent/netns.js';
import { logExec } from '../../agent/exec-log.js';

export interface DetachedSpawn {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr go here (appended). */
  logFile: string;
  pidFile: string;
}

/** Starts a process in its own session and process group and records its pid; does not wait for it. */
export async function spawnDetached(s: DetachedSpawn): Promise<number> {
  const log = await open(s.logFile, 'a');
  let pid: number | undefined;
  try {
    logExec({ argv: [s.file, ...s.args] });
    const child = spawn(s.file, s.args, { cwd: s.cwd, env: s.env, detached: true, stdio: ['ignore', log.fd, log.fd] });
    child.on('error', () => { /* reported below through the missing pid */ });
    child.unref();
    pid = child.pid;
  } finally {
    await log.close();
  }
  if (pid === undefined) throw new Error(`could not start ${s.file} ${s.args.join(' ')}`);
  await writeFile(s.pidFile, `${pid}\n`);
  return pid;
}

async function cmdline(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a killed child of ours stays in /proc until Node reaps it). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** The pid in `pidFile` if that process is alive and its command line passes `matches`. */
export async function verifiedPid(pidFile: string, matches: (argv: string[]) => boolean): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number(text.trim());
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return undefined;
  const argv = await cmdline(pid);
  if (argv === undefined || !matches(argv) || !(await isRunning(pid))) return undefined;
  return pid;
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** Kills the verified process of `pidFile` (its process group too when `group`), then removes the file. */
export async function killPidFile(pidFile: string, matches: (argv: string[]) => boolean,
  opts: { group?: boolean; signal?: NodeJS.Signals } = {}): Promise<number | undefined> {
  const pid = await verifiedPid(pidFile, matches);
  if (pid !== undefined) {
    if (opts.group === true) signal(-pid, opts.signal ?? 'SIGTERM');
    signal(pid, opts.signal ?? 'SIGTERM');
  }
  await rm(pidFile, { force: true });
  return pid;
}

/** Pids of the processes inside network namespace `netns` (none when it does not exist). */
export async function netnsPids(netns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', netns], { allowFailure: true });
  if (r.code !== 0) return [];
  return r.stdout.split('\n').map((l) => Number(l.trim())).filter((p) => Number.isSafeInteger(p) && p > 1);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits up to `graceMs` for `pids` to exit, then SIGKILLs the rest and waits for them to go. */
export async function reap(pids: readonly number[], graceMs: number): Promise<void> {
  let left = [...pids];
  const deadline = Date.now() + graceMs;
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(10);
    left = (await Promise.all(left.map(async (p) => ((await isRunning(p)) ? p : -1)))).filter((p) => p > 0);
  }
  if (left.length === 0) return;
  for (const p of left) signal(p, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (left.length > 0 && Date.now() < killDeadline) {
    await sleep(10);
    left = (await Promise.all(left.map(async (p) => ((await isRunning(p)) ? p : -1)))).filter((p) => p > 0);
  }
}

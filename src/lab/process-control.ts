// Stopping processes the lab started: SIGTERM, a short grace period, then SIGKILL.
import { processArgv } from './netns-query.js';

export function isAlive(pid: number): boolean {
  return processArgv(pid) !== undefined;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Stops every pid; resolves when all are gone. Returns the pids that needed SIGKILL. */
export async function stopProcesses(pids: readonly number[], graceMs = 2000): Promise<number[]> {
  const live = pids.filter(isAlive);
  for (const p of live) signal(p, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (live.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const stubborn = live.filter(isAlive);
  for (const p of stubborn) signal(p, 'SIGKILL');
  const killDeadline = Date.now() + 2000;
  while (stubborn.some(isAlive) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 25));
  return stubborn;
}

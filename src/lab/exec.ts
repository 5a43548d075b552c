// The lab runs external commands through the agent's runner (src/agent/netns.ts: argument arrays, a
// timeout, stderr in the error), translating its failures into LabError codes.
import { CommandError, run as runCommand } from '../agent/netns.js';
import type { RunOptions, RunResult } from '../agent/netns.js';
import { LabError } from './lab-error.js';

export type { RunOptions, RunResult };

export async function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  try {
    return await runCommand(cmd, args, opts);
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    const hint = e.failure === 'not-found' ? ' (see scripts/debian-packages.txt)' : '';
    throw new LabError(e.failure === 'timeout' ? 'timeout' : 'exec-failed', e.message + hint, { cause: e });
  }
}

/** `ip -n NS …` — an iproute2 command acting inside a namespace without entering it. */
export function ipIn(netns: string, args: readonly string[], timeoutMs?: number): Promise<RunResult> {
  return run('ip', args, { netns, timeoutMs });
}

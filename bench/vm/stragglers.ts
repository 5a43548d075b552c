// Processes of this run's lab that `lab down` did not stop: a VM helper (console socat, udhcpc) that an
// agent spawned while being stopped lands in a node namespace teardown has already scanned, and lives on in
// it after the name is gone. They all name a `vn-<id>-` namespace in their command line.
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from '../nmstate/util.js';

function argvOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** Pids, other than ours and `keep`, whose command line holds an argument naming something of `prefix` (`vn-<id>-`). */
export function pidsNaming(prefix: string, keep: readonly number[]): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)
    .filter((pid) => pid !== process.pid && !keep.includes(pid) && (argvOf(pid) ?? []).some((a) => a.includes(prefix)));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* gone */ }
}

/** SIGTERM, then SIGKILL after 2 s; returns what was found (pid and command line). */
export async function stopStragglers(prefix: string, keep: readonly number[]): Promise<string[]> {
  const found = pidsNaming(prefix, keep);
  const what = found.map((p) => `${p} ${(argvOf(p) ?? []).join(' ').slice(0, 160)}`);
  for (const p of found) signal(p, 'SIGTERM');
  for (let i = 0; i < 40 && found.some((p) => argvOf(p) !== undefined); i++) await sleep(50);
  // Only pids that still name the prefix: a pid reused meanwhile names something else.
  for (const p of found) if ((argvOf(p) ?? []).some((a) => a.includes(prefix))) signal(p, 'SIGKILL');
  return what;
}

export function stopStragglersSync(prefix: string, keep: readonly number[]): void {
  for (const p of pidsNaming(prefix, keep)) signal(p, 'SIGKILL');
}

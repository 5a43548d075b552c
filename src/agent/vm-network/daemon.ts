// Stopping a daemon we started, found by its pid file. A pid file may outlive its process and the pid be
// reused, so the process is signalled only while its command line still names that pid file.

import { readFile } from 'node:fs/promises';

async function cmdline(pid: number): Promise<string[] | undefined> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((a) => a !== '');
  } catch {
    return undefined;
  }
}

/** Gone, or a zombie nobody has reaped yet (its parent is not us): either way it serves nothing. */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/**
 * Stops the process named in `pidFile` if its argv contains `marker`: SIGTERM, then SIGKILL after
 * `graceMs`. Returns the pid it stopped, or undefined when there was nothing (of ours) to stop.
 */
export async function stopByPidFile(pidFile: string, marker: string, graceMs = 2000): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  const argv = await cmdline(pid);
  if (argv === undefined || !argv.includes(marker)) return undefined;
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  };
  signal('SIGTERM');
  let deadline = Date.now() + graceMs;
  let killed = false;
  while (await alive(pid)) {
    if (Date.now() > deadline) {
      if (killed) break;
      signal('SIGKILL');
      killed = true;
      deadline = Date.now() + 1000;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return pid;
}

// How many DHCPDISCOVERs a busybox udhcpc sent before its lease (it logs "broadcasting discover" for each):
// more than one means the first went unanswered for the whole -T interval.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export function countDiscovers(log: string): number {
  return log.split('\n').filter((l) => /(broadcasting|sending) discover/i.test(l)).length;
}

/** Discovers in the udhcpc logs (`udhcpc-*.log`) of a netns VM's state dir; NaN when there is none. */
export async function vmDiscovers(stateDir: string): Promise<number> {
  const files = (await readdir(stateDir).catch(() => [] as string[])).filter((f) => /^udhcpc-.+\.log$/.test(f));
  if (files.length === 0) return NaN;
  const counts = await Promise.all(files.map(async (f) => countDiscovers(await readFile(join(stateDir, f), 'utf8').catch(() => ''))));
  return Math.max(...counts);
}

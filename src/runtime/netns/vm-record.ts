// What the netns runtime keeps in `<stateRoot>/<id>/` to find a VM again after an agent restart.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PlacedNic } from './plan.js';

export interface VmRecord {
  version: 1;
  id: string;
  vmNetns: string;
  /** JSON has no undefined: null is the caller's own namespace. */
  hostNetns: string | null;
  hostname: string;
  nics: PlacedNic[];
}

export const RECORD_FILE = 'vm.json';
export const HOSTNAME_FILE = 'hostname';
export const SCRIPT_FILE = 'udhcpc.script';
export const CONSOLE_SOCKET = 'console.sock';
export const CONSOLE_PID = 'console.pid';
export const CONSOLE_LOG = 'console.log';
export const udhcpcPidFile = (guestName: string): string => `udhcpc-${guestName}.pid`;
export const udhcpcLogFile = (guestName: string): string => `udhcpc-${guestName}.log`;

export async function readRecord(dir: string): Promise<VmRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD_FILE), 'utf8')) as VmRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${join(dir, RECORD_FILE)}: ${(e as Error).message}`);
  }
}

/** Replaces the record atomically: a reader never sees half a file. */
export async function writeRecord(dir: string, record: VmRecord): Promise<void> {
  const tmp = join(dir, `${RECORD_FILE}.tmp`);
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
  await rename(tmp, join(dir, RECORD_FILE));
}

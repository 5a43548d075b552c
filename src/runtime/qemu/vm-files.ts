// What the qemu runtime keeps in `<stateRoot>/<id>/` to find a VM again after an agent restart.

import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NicLaunch, VmLaunch } from '../runtime.js';
import type { Accelerator, VmFiles } from './qemu-argv.js';

export interface VmRecord {
  version: 1;
  launch: VmLaunch;
  /** `-name guest=…`: how a pid is recognised as this VM's QEMU (pids get reused). */
  processName: string;
  accelerator: Accelerator;
  acceleratorReason: string;
  /** NICs added by hotplugNic(), recorded before their tap exists so stop() always finds them. */
  hotplugged: NicLaunch[];
  /** QEMU's pid once it is up (QEMU removes its pid file when it exits; this says it did start). */
  pid?: number;
  /** Size of qemu.log once QEMU was up: what it wrote later explains why it stopped. */
  logBytesAtStart?: number;
  /** A live migration's target QEMU still waiting for (or receiving) the VM: abortIncoming may kill it. */
  incoming?: boolean;
}

/** What prepareIncoming leaves in the target's state dir for the source's migrate(): the target launcher. */
export interface IncomingRecord {
  hostNetns: string | undefined;
  nics: NicLaunch[];
}
export const INCOMING_RECORD = 'incoming.json';

/** The incoming QEMU's migration socket. */
export function migrateSocket(dir: string): string {
  return join(dir, 'migrate.sock');
}

const RECORD = 'vm.json';
export const SEED_DIR = 'seed';

/** sockaddr_un.sun_path holds 107 bytes and a NUL. */
export const MAX_SOCKET_PATH = 107;

export function vmFiles(dir: string): VmFiles {
  return {
    consoleSock: join(dir, 'console.sock'),
    qmpSock: join(dir, 'qmp.sock'),
    qgaSock: join(dir, 'qga.sock'),
    pidFile: join(dir, 'qemu.pid'),
    log: join(dir, 'qemu.log'),
    seedIso: join(dir, 'seed.iso'),
  };
}

export async function readRecord(dir: string): Promise<VmRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, RECORD), 'utf8')) as VmRecord;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${join(dir, RECORD)}: ${(e as Error).message}`);
  }
}

/** Replaces the record atomically: a reader never sees half a file. */
export async function writeRecord(dir: string, record: VmRecord): Promise<void> {
  const tmp = join(dir, `${RECORD}.tmp`);
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
  await rename(tmp, join(dir, RECORD));
}

export async function readPid(dir: string): Promise<number | undefined> {
  const text = await readFile(vmFiles(dir).pidFile, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Why a VM whose QEMU is gone stopped, from QEMU's log (its stderr and -D output): QEMU prints a line when
 * it is killed or fails, and nothing when the guest powers off.
 */
export function exitReasonFromLog(log: string, pidFileExisted: boolean): string {
  const last = log.split('\n').map((l) => l.trim()).filter((l) => l !== '').pop();
  if (!pidFileExisted) return last === undefined ? 'QEMU did not start' : `QEMU did not start: ${last}`;
  if (last === undefined) return 'the guest powered off';
  return /terminating on signal/.test(last) ? `QEMU was stopped: ${last}` : `QEMU exited: ${last}`;
}

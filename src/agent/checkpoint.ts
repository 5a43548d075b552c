// A persisted nmstate checkpoint (`nmstatectl apply --no-commit`): the revert state of an apply, kept in a
// file `checkpoint-<netns>.json` with an expiry. Unless it is committed (the file removed) before then, a
// detached watcher applies the revert state at expiry; `rollback` applies it at once.
//
// Exactly one party may act on a checkpoint — commit, rollback or the watcher — so each first *claims* the
// file by renaming it to a name of its own (rename is atomic): whoever wins the rename acts, the others see
// no checkpoint. A failed rollback puts the file back so it can be retried.

import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkNetnsName } from './netns.js';
import type { NetworkState } from './nmstate/index.js';

/** nmstate's default rollback timeout in seconds (nmstatectl `--timeout`). */
export const DEFAULT_CHECKPOINT_TIMEOUT_S = 60;

/** Where checkpoints live when no data directory is given. */
export const DEFAULT_CHECKPOINT_DIR = '/run/virtnet';

/** nmstate's error when there is nothing to commit or roll back (nm_dbus `last_active_checkpoint`). */
export const NO_CHECKPOINT_ERROR = 'NotFound: Not active checkpoints';

export interface Checkpoint {
  version: 1;
  /** Random id: a watcher acts only on the checkpoint it was started for. */
  id: string;
  netns: string;
  node?: string;
  createdAt: string;
  /** When the watcher rolls back (ISO time). */
  expiresAt: string;
  timeoutSeconds: number;
  /** The desired state that undoes the apply. */
  revert: NetworkState;
  /** The node agent's apply it was taken for (none for `nmstate apply --no-commit`). */
  policy?: CheckpointPolicy;
}

/** The NodeNetworkConfigurationPolicy, at which generation, whose apply a checkpoint guards. */
export interface CheckpointPolicy {
  name: string;
  generation: number;
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

export function checkpointPath(dir: string, netns: string): string {
  checkNetnsName(netns);
  return join(dir, `checkpoint-${netns}.json`);
}

/** The watcher's pid file, next to the checkpoint. */
export function watcherPidPath(path: string): string {
  return `${path.replace(/\.json$/, '')}.watcher.pid`;
}

/** The watcher's log (what it rolled back, or why it could not). */
export function watcherLogPath(path: string): string {
  return `${path.replace(/\.json$/, '')}.log`;
}

export function newCheckpoint(netns: string, revert: NetworkState, timeoutSeconds: number, now: Date,
  node?: string, policy?: CheckpointPolicy): Checkpoint {
  return {
    version: 1,
    id: randomUUID(),
    netns,
    ...(node !== undefined ? { node } : {}),
    ...(policy !== undefined ? { policy } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
    timeoutSeconds,
    revert,
  };
}

function parseCheckpoint(text: string, path: string): Checkpoint {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  const c = v as Partial<Checkpoint>;
  if (c.version !== 1 || typeof c.id !== 'string' || typeof c.netns !== 'string' || typeof c.expiresAt !== 'string'
    || typeof c.revert !== 'object' || c.revert === null
    || (c.policy !== undefined && (typeof c.policy?.name !== 'string' || !Number.isSafeInteger(c.policy.generation)))) {
    throw new CheckpointError(`${path} is not a virtnet checkpoint`);
  }
  return c as Checkpoint;
}

/** The checkpoint at `path`, or undefined when there is none. */
export function readCheckpoint(path: string): Checkpoint | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return parseCheckpoint(text, path);
}

/** Writes a new checkpoint atomically; refuses when one is already active (as NetworkManager does). */
export function writeCheckpoint(path: string, cp: Checkpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) {
    throw new CheckpointError(`CheckpointConflict: a checkpoint is already active for ${cp.netns} (${path}); ` +
      'commit or roll it back first');
  }
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cp, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

export interface Claimed {
  checkpoint: Checkpoint;
  /** Where the claimed file now is. */
  claimedPath: string;
  /** The active path it came from. */
  path: string;
}

/**
 * Takes the checkpoint at `path` for this process (atomic rename). Undefined when there is none, someone
 * else took it first, or (with `id`) it is another checkpoint than the one expected — then it is put back.
 */
export function claimCheckpoint(path: string, id?: string): Claimed | undefined {
  const claimedPath = `${path}.claimed-${process.pid}-${randomUUID().slice(0, 8)}`;
  try {
    renameSync(path, claimedPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(readFileSync(claimedPath, 'utf8'), path);
  } catch (e) {
    release({ claimedPath, path });
    throw e;
  }
  if (id !== undefined && checkpoint.id !== id) {
    release({ claimedPath, path });
    return undefined;
  }
  return { checkpoint, claimedPath, path };
}

/**
 * Whether a live process holds a claim on the checkpoint at `path` right now (it may put it back, e.g.
 * after changing its expiry, or after a failed rollback). Claims of dead processes do not count.
 */
export function claimedByLiveProcess(path: string): boolean {
  return claimsOf(path).some((c) => c.pid !== process.pid && isAlive(c.pid));
}

/** The claim files of the checkpoint at `path` (`<name>.claimed-<pid>-…`), oldest name first, with their pids. */
function claimsOf(path: string): { file: string; pid: number }[] {
  const prefix = `${basename(path)}.claimed-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return names.filter((f) => f.startsWith(prefix)).sort()
    .map((f) => ({ file: join(dirname(path), f), pid: Number(f.slice(prefix.length).split('-')[0]) }))
    .filter((c) => Number.isSafeInteger(c.pid) && c.pid > 0);
}

/**
 * Puts back a checkpoint whose claimant died holding it (killed in the middle of a rollback, which is then
 * not known to be done), so that it can be acted on again. Left alone when a checkpoint is active again.
 * Returns whether one was put back.
 */
export function reclaimAbandoned(path: string): boolean {
  if (existsSync(path)) return false;
  for (const { file: claimed, pid } of claimsOf(path)) {
    if (pid === process.pid || isAlive(pid)) continue;
    try {
      // link, not rename: never replaces a checkpoint written meanwhile.
      linkSync(claimed, path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code === 'ENOENT') continue;
      throw e;
    }
    rmSync(claimed, { force: true });
    return true;
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Puts a claimed checkpoint back (a rollback that failed can be retried). */
export function release(c: Pick<Claimed, 'claimedPath' | 'path'>): void {
  try {
    // Never overwrite a checkpoint taken since.
    if (!existsSync(c.path)) renameSync(c.claimedPath, c.path);
    else rmSync(c.claimedPath, { force: true });
  } catch {
    // The claimed file stays behind for inspection.
  }
}

/** Drops a claimed checkpoint for good (committed, or rolled back). */
export function discard(c: Pick<Claimed, 'claimedPath'>): void {
  rmSync(c.claimedPath, { force: true });
}

/** Whether `pid` is the watcher of the checkpoint at `path` (its command line names `_expire` and the path). */
export async function isWatcher(pid: number, path: string): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return argv.includes('_expire') && argv.includes(path);
  } catch {
    return false;
  }
}

/** Stops the watcher of `path`, if one is running (checked by its command line, never a reused pid). */
export async function stopWatcher(path: string): Promise<number | undefined> {
  const pidFile = watcherPidPath(path);
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return undefined;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isSafeInteger(pid) || pid <= 1 || !(await isWatcher(pid, path))) return undefined;
  try {
    process.kill(pid, 'SIGTERM');
    return pid;
  } catch {
    return undefined;
  }
}

export interface WatchOptions {
  /** How often the watcher looks whether the checkpoint was committed. */
  pollMs?: number;
  now?: () => number;
  log?: (msg: string) => void;
  /** Applies the revert state; resolves to an error text on failure. */
  rollback: (cp: Checkpoint) => Promise<string | undefined>;
}

export type WatchResult = 'committed' | 'rolled-back' | 'rollback-failed';

/**
 * The watcher: waits until the checkpoint `id` at `path` expires and rolls it back, unless it disappears
 * first (committed, rolled back by hand, or replaced by another checkpoint).
 */
export async function watchCheckpoint(path: string, id: string, opts: WatchOptions): Promise<WatchResult> {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? (() => undefined);
  const pollMs = opts.pollMs ?? 200;
  for (;;) {
    let cp: Checkpoint | undefined;
    try {
      cp = readCheckpoint(path);
    } catch (e) {
      // Being replaced right now, or garbage: look again shortly.
      log(`reading ${path}: ${(e as Error).message}`);
      cp = undefined;
      if (existsSync(path)) {
        await sleep(pollMs);
        continue;
      }
    }
    if (!cp && claimedByLiveProcess(path)) {
      // Someone holds it for a moment (commit, rollback, or the apply setting its expiry): see what they do.
      await sleep(pollMs);
      continue;
    }
    if (!cp || cp.id !== id) {
      log(`checkpoint ${id} is gone (committed or rolled back): nothing to do`);
      return 'committed';
    }
    const left = Date.parse(cp.expiresAt) - now();
    if (left > 0) {
      await sleep(Math.min(left, pollMs));
      continue;
    }
    const claimed = claimCheckpoint(path, id);
    if (!claimed) {
      log(`checkpoint ${id} was taken by someone else`);
      return 'committed';
    }
    log(`checkpoint ${id} of ${cp.netns} expired: rolling back`);
    const error = await opts.rollback(claimed.checkpoint);
    if (error !== undefined) {
      log(`rollback failed: ${error}`);
      release(claimed);
      return 'rollback-failed';
    }
    discard(claimed);
    log(`rolled back ${cp.netns} to checkpoint ${id}`);
    return 'rolled-back';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

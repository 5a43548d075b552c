// `virtnet nmstate show|apply|commit|rollback`: nmstatectl on one node (a network namespace), with
// nmstate's checkpoint: `apply --no-commit` keeps the revert state in a file and a detached watcher
// (`nmstate _expire`, hidden) rolls back at expiry unless `commit` removed the file first.
import { Command, InvalidArgumentError } from 'commander';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { applyNetworkState } from '../agent/apply-network-state.js';
import type { ApplyOutcome } from '../agent/apply-network-state.js';
import {
  CheckpointError, DEFAULT_CHECKPOINT_DIR, DEFAULT_CHECKPOINT_TIMEOUT_S, NO_CHECKPOINT_ERROR, checkpointPath,
  claimCheckpoint, discard, newCheckpoint, release, stopWatcher, watchCheckpoint, watcherLogPath,
  watcherPidPath, writeCheckpoint,
} from '../agent/checkpoint.js';
import type { Checkpoint, Claimed } from '../agent/checkpoint.js';
import { NETNS_DIR, checkNetnsName } from '../agent/netns.js';
import { readCurrentState } from '../agent/nmstate/current-state.js';
import type { CurrentState } from '../agent/nmstate/current-state.js';
import { computeApply, renderPlanResult } from '../agent/nmstate/index.js';
import type { NetworkState } from '../agent/nmstate/index.js';
import { readState, statePath } from '../lab/index.js';
import { defaultDataDir } from './paths.js';

/** An error the user made or a state we cannot act on: printed as is, exit 1. */
class NmstateCliError extends Error {
  override readonly name = 'NmstateCliError';
}

interface TargetOptions {
  node?: string;
  netns?: string;
  data?: string;
}

interface Target {
  netns: string;
  node?: string;
  /** Where this node's checkpoint is written. */
  checkpointDir: string;
  /** Every directory a checkpoint of this node may be in (the first is checkpointDir). */
  searchDirs: string[];
}

/** --node (through the lab state in --data) or --netns → the namespace, and where its checkpoint lives. */
export function resolveTarget(o: TargetOptions): Target {
  let netns = o.netns;
  let labDir: string | undefined;
  if (netns === undefined) {
    if (o.node === undefined) throw new NmstateCliError('give --node NAME (a lab node) or --netns NS');
    labDir = resolve(o.data ?? defaultDataDir());
    const st = readState(labDir);
    if (!st) {
      throw new NmstateCliError(`no lab state at ${statePath(labDir)} (is a lab up? virtnet lab up --data ${labDir}); ` +
        'pass --data DIR of the lab, or --netns NS');
    }
    const node = st.nodes.find((n) => n.name === o.node);
    if (!node) {
      throw new NmstateCliError(`unknown node "${o.node}" in lab ${st.id} (${statePath(labDir)}); nodes: ` +
        (st.nodes.map((n) => n.name).join(', ') || 'none'));
    }
    netns = node.netns;
  }
  try {
    checkNetnsName(netns);
  } catch (e) {
    throw new NmstateCliError((e as Error).message);
  }
  const dirs = [o.data === undefined ? undefined : resolve(o.data), labDir, DEFAULT_CHECKPOINT_DIR]
    .filter((d): d is string => d !== undefined);
  const searchDirs = [...new Set(dirs)];
  return { netns, ...(o.node !== undefined ? { node: o.node } : {}), checkpointDir: searchDirs[0]!, searchDirs };
}

function describe(t: Target): string {
  return t.node !== undefined ? `node ${t.node} (netns ${t.netns})` : `netns ${t.netns}`;
}

function requireNamespace(t: Target): void {
  if (!existsSync(join(NETNS_DIR, t.netns))) {
    throw new NmstateCliError(`network namespace ${t.netns} does not exist` +
      (t.node !== undefined ? ` (node ${t.node}: is its lab up?)` : ''));
  }
}

/** The active checkpoint file of the target, wherever it is. */
function findCheckpoint(t: Target): string | undefined {
  return t.searchDirs.map((d) => checkpointPath(d, t.netns)).find((p) => existsSync(p));
}

/** nmstate's YAML: keys in nmstate's order, block style, lists not indented under their key (serde_yaml). */
export function toNmstateYaml(v: unknown): string {
  return stringify(v, { indentSeq: false, lineWidth: 0, minContentWidth: 0 });
}

function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${esc}$`);
}

/** `nmstatectl show IFNAME`: only the matching interfaces (glob) and the routes/rules through them. */
export function filterState(s: CurrentState, ifname: string): CurrentState {
  const re = globToRegExp(ifname);
  const interfaces = s.interfaces.filter((i) => re.test(i.name));
  const names = new Set(interfaces.map((i) => i.name));
  const viaIface = <T extends { 'next-hop-interface'?: string }>(r: T): boolean =>
    r['next-hop-interface'] !== undefined && names.has(r['next-hop-interface']);
  return {
    'dns-resolver': s['dns-resolver'],
    'route-rules': s['route-rules'],
    routes: { running: s.routes.running.filter(viaIface), config: s.routes.config.filter(viaIface) },
    interfaces,
  };
}

async function readDesired(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new NmstateCliError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

function seconds(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected whole seconds ≥ 1');
  return n;
}

const say = (msg: string): void => console.error(msg);
const stamp = (msg: string): void => console.log(`${new Date().toISOString()} ${msg}`);

/** The CLI to start the watcher with: bin/virtnet.js of this installation. */
function cliEntry(): string {
  const bin = fileURLToPath(new URL('../../../bin/virtnet.js', import.meta.url));
  return existsSync(bin) ? bin : resolve(process.argv[1] ?? bin);
}

/** Starts the detached watcher of a checkpoint; it outlives this process and logs next to the checkpoint. */
function startWatcher(path: string, cp: Checkpoint): number | undefined {
  const log = openSync(watcherLogPath(path), 'a');
  try {
    const child = spawn(process.execPath, [cliEntry(), 'nmstate', '_expire', '--checkpoint', path, '--id', cp.id], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    child.unref();
    if (child.pid !== undefined) writeFileSync(watcherPidPath(path), `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/**
 * Changes a checkpoint's expiry (taking it for the moment so no watcher acts on it meanwhile). Returns
 * false when the checkpoint is gone (the watcher already rolled back).
 */
function setExpiry(path: string, id: string, timeoutSeconds: number): boolean {
  const c = claimCheckpoint(path, id);
  if (!c) return false;
  const cp = { ...c.checkpoint, expiresAt: new Date(Date.now() + timeoutSeconds * 1000).toISOString() };
  writeFileSync(c.claimedPath, JSON.stringify(cp, null, 2) + '\n', { mode: 0o600 });
  release(c);
  return true;
}

/** Applies a checkpoint's revert state (nothing to do when the namespace is gone). */
async function applyRevert(cp: Checkpoint, log: (m: string) => void): Promise<string | undefined> {
  if (!existsSync(join(NETNS_DIR, cp.netns))) {
    log(`network namespace ${cp.netns} is gone: nothing to roll back`);
    return undefined;
  }
  const r = await applyNetworkState(cp.revert, { netns: cp.netns, onProgress: log });
  for (const w of r.warnings) log(`warning: ${w}`);
  return r.ok ? undefined : (r.error ?? 'rollback failed');
}

/** Extra time the watcher allows for the apply itself before the timeout starts (nmstate extends its own). */
const APPLY_ALLOWANCE_S = 120;

interface ApplyCliOptions extends TargetOptions {
  commit: boolean;
  timeout: number;
  verify: boolean;
  dryRun?: boolean;
}

async function applyAction(file: string, o: ApplyCliOptions): Promise<number> {
  const t = resolveTarget(o);
  requireNamespace(t);
  const text = await readDesired(file);
  const current = await readCurrentState(t.netns);
  const computed = computeApply(text, current as unknown as NetworkState);
  if (!computed.ok) {
    console.error(computed.error.toString());
    return 1;
  }
  const { plan, revert, warnings } = computed.value;
  if (o.dryRun === true) {
    for (const w of warnings) say(`warning: ${w}`);
    const out = renderPlanResult(plan);
    process.stdout.write(out === '' ? '# no changes\n' : out);
    return 0;
  }
  const existing = findCheckpoint(t);
  if (existing !== undefined) {
    console.error(`CheckpointConflict: a checkpoint is active for ${describe(t)} (${existing}); ` +
      'run `virtnet nmstate commit` or `virtnet nmstate rollback` first');
    return 1;
  }

  // --no-commit: the checkpoint exists before the first change (as nmstate's), so a CLI killed half-way
  // is still rolled back; its timeout starts once the apply succeeded.
  let path: string | undefined;
  let cp: Checkpoint | undefined;
  if (!o.commit) {
    path = checkpointPath(t.checkpointDir, t.netns);
    cp = newCheckpoint(t.netns, revert, o.timeout, new Date(), t.node);
    cp.expiresAt = new Date(Date.now() + (APPLY_ALLOWANCE_S + o.timeout) * 1000).toISOString();
    try {
      writeCheckpoint(path, cp);
    } catch (e) {
      if (e instanceof CheckpointError) throw new NmstateCliError(e.message);
      throw e;
    }
    startWatcher(path, cp);
  }

  say(`applying to ${describe(t)}: ${plan.steps.length} steps${plan.dns ? ' and DNS' : ''}`);
  let outcome: ApplyOutcome;
  try {
    outcome = await applyNetworkState(text, { netns: t.netns, onProgress: say, ...(o.verify ? {} : { verifyRetries: 0 }) });
  } catch (e) {
    outcome = { ok: false, error: (e as Error).message, warnings: [], rolledBack: false };
  }
  for (const w of outcome.warnings) say(`warning: ${w}`);
  if (!outcome.ok) {
    if (path !== undefined && cp !== undefined) {
      // The apply rolled itself back (or never changed anything): the checkpoint has nothing left to do.
      const c = claimCheckpoint(path, cp.id);
      if (c) discard(c);
      await stopWatcher(path);
    }
    console.error(outcome.error ?? 'apply failed');
    if (outcome.rolledBack) say(`${describe(t)} was rolled back to its state before the apply`);
    return 1;
  }
  process.stdout.write(toNmstateYaml(computed.value.desired));
  if (path !== undefined && cp !== undefined) {
    if (!setExpiry(path, cp.id, o.timeout)) {
      console.error(`the checkpoint ${path} expired during the apply and was rolled back`);
      return 1;
    }
    console.log(`Checkpoint: ${path} (rolls back in ${o.timeout} s unless committed)`);
  }
  return 0;
}

/** Takes the target's checkpoint for commit/rollback; nmstate's error when there is none. */
function claimFor(t: Target): Claimed {
  for (const d of t.searchDirs) {
    const c = claimCheckpoint(checkpointPath(d, t.netns));
    if (c) return c;
  }
  throw new NmstateCliError(`${NO_CHECKPOINT_ERROR} (no checkpoint for ${describe(t)} in ${t.searchDirs.join(', ')})`);
}

function targetOptions(cmd: Command): Command {
  return cmd
    .option('--node <name>', 'the lab node (resolved to its network namespace through the lab state in --data)')
    .option('--netns <name>', 'the network namespace to act on directly')
    .option('--data <dir>', 'lab state directory (default: VIRTNET_DATA or ./.virtnet); checkpoints are kept here ' +
      `(without --data and --node: ${DEFAULT_CHECKPOINT_DIR})`);
}

/** Runs an action: CLI errors are printed as they are and give exit 1. */
function action<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = await fn(...args);
    } catch (e) {
      if (e instanceof NmstateCliError) {
        console.error(e.message);
        process.exitCode = 1;
        return;
      }
      throw e;
    }
  };
}

export function nmstateCommand(): Command {
  const cmd = new Command('nmstate')
    .description('nmstatectl on one node: show its network state, apply a desired state with checkpoint, commit, rollback');

  cmd.addCommand(targetOptions(new Command('show'))
    .description('the node\'s current network state in nmstate\'s YAML')
    .argument('[ifname]', 'only interfaces matching this name (glob), and the routes through them')
    .option('--json', 'print JSON instead of YAML')
    .action(action(async (ifname: string | undefined, o: TargetOptions & { json?: boolean }) => {
      const t = resolveTarget(o);
      requireNamespace(t);
      let st = await readCurrentState(t.netns);
      if (ifname !== undefined) st = filterState(st, ifname);
      process.stdout.write(o.json === true ? JSON.stringify(st, null, 2) + '\n' : toNmstateYaml(st));
      return 0;
    })));

  cmd.addCommand(targetOptions(new Command('apply'))
    .description('apply a desired state (nmstate YAML or JSON; "-" reads stdin); rolls back if it fails')
    .argument('<file>', 'desired state file, or - for stdin')
    .option('--no-commit', 'keep a checkpoint: roll back after --timeout unless `nmstate commit` runs')
    .option('--timeout <s>', 'checkpoint timeout in seconds (with --no-commit)', seconds, DEFAULT_CHECKPOINT_TIMEOUT_S)
    .option('--no-verify', 'do not verify the state after applying')
    .option('--dry-run', 'print the commands the apply would run and change nothing')
    .action(action(applyAction)));

  cmd.addCommand(targetOptions(new Command('commit'))
    .description('keep the state applied with --no-commit: remove its checkpoint')
    .action(action(async (o: TargetOptions) => {
      const t = resolveTarget(o);
      const c = claimFor(t);
      await stopWatcher(c.path);
      discard(c);
      console.log(`Committed: ${c.path} removed; ${describe(t)} keeps its new state`);
      return 0;
    })));

  cmd.addCommand(targetOptions(new Command('rollback'))
    .description('restore the state from before `apply --no-commit` now, and remove the checkpoint')
    .action(action(async (o: TargetOptions) => {
      const t = resolveTarget(o);
      const c = claimFor(t);
      await stopWatcher(c.path);
      const error = await applyRevert(c.checkpoint, say);
      if (error !== undefined) {
        release(c);
        console.error(error);
        say(`the checkpoint stays at ${c.path}: retry \`virtnet nmstate rollback\`, or \`commit\` to drop it`);
        return 1;
      }
      discard(c);
      console.log(`Rolled back ${describe(t)} to checkpoint ${c.path}`);
      return 0;
    })));

  cmd.addCommand(new Command('_expire')
    .description('(internal) wait for a checkpoint to expire and roll it back unless committed')
    .requiredOption('--checkpoint <file>', 'the checkpoint file')
    .requiredOption('--id <id>', 'the checkpoint id this watcher is for')
    .action(action(async (o: { checkpoint: string; id: string }) => {
      const path = o.checkpoint;
      stamp(`watching checkpoint ${o.id} at ${path}`);
      let result;
      try {
        result = await watchCheckpoint(path, o.id, { log: stamp, rollback: (cp) => applyRevert(cp, stamp) });
      } finally {
        // The pid file is ours only if it names us (a later checkpoint's watcher may have written it).
        const pidFile = watcherPidPath(path);
        try {
          if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile, { force: true });
        } catch {
          // no pid file
        }
      }
      stamp(`watcher done: ${result}`);
      return result === 'rollback-failed' ? 1 : 0;
    })), { hidden: true });

  return cmd;
}

// A node agent, as it starts, restores the checkpoint that an apply of a killed predecessor left behind (as
// NetworkManager rolls back an uncommitted checkpoint when it restarts): the node goes back to its state
// before that apply, and the policy handler then applies the policy again as for any unfinished enactment.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NETNS_DIR } from './netns.js';
import { applyNetworkState } from './apply-network-state.js';
import { checkpointPath, claimCheckpoint, discard, reclaimAbandoned, release, type CheckpointPolicy, type Claimed } from './checkpoint.js';
import { leftoverCheckpointAction, restoredMessage } from './interrupted-apply.js';

export interface RestoreOutcome {
  /** The policy whose apply was interrupted, when the checkpoint names one. */
  policy?: CheckpointPolicy;
  /** What happened, for the log and the enactment's event. */
  message: string;
  /** Set when the revert state could not be applied: the checkpoint is put back for the next start. */
  error?: string;
}

export interface RestoreOptions {
  /** The agent's checkpoint directory (DATA/checkpoints). */
  dir: string;
  node: string;
  netns: string;
  log: (msg: string) => void;
}

/** Restores this node's leftover checkpoint, if there is one; undefined when there was nothing to do. */
export async function restoreInterruptedApply(o: RestoreOptions): Promise<RestoreOutcome | undefined> {
  const path = checkpointPath(o.dir, o.netns);
  if (reclaimAbandoned(path)) o.log(`${path}: a process died restoring this checkpoint; restoring it again`);
  let claimed: Claimed | undefined;
  try {
    claimed = claimCheckpoint(path);
  } catch (e) {
    // Unreadable: left in place, where it makes every apply of this node fail naming it.
    o.log(`leftover checkpoint ${path}: ${(e as Error).message}; left in place`);
    return undefined;
  }
  if (!claimed) return undefined;
  const cp = claimed.checkpoint;
  const policy = cp.policy;
  const action = leftoverCheckpointAction(cp, { node: o.node, netns: o.netns, netnsExists: existsSync(join(NETNS_DIR, o.netns)) });
  if (action === 'foreign') {
    release(claimed);
    o.log(`leftover checkpoint ${path} is node ${cp.node ?? '?'}'s (netns ${cp.netns}), not ours: left alone`);
    return undefined;
  }
  if (action === 'discard') {
    discard(claimed);
    o.log(`leftover checkpoint ${path}: network namespace ${o.netns} is gone, nothing to restore`);
    return undefined;
  }
  o.log(`leftover checkpoint ${path} (taken ${cp.createdAt}): the previous agent stopped mid-apply; restoring it`);
  let error: string | undefined;
  try {
    const r = await applyNetworkState(cp.revert, { netns: o.netns, onProgress: (m) => o.log(`restore: ${m}`) });
    if (!r.ok) error = r.error ?? 'restore failed';
  } catch (e) {
    error = (e as Error).message;
  }
  if (error !== undefined) {
    release(claimed);
    const message = `could not restore checkpoint of interrupted apply${policy ? ` of policy ${policy.name} (generation ${policy.generation})` : ''}: ${error}`;
    o.log(`${message}; ${path} is kept`);
    return { ...(policy ? { policy } : {}), message, error };
  }
  discard(claimed);
  const message = restoredMessage(policy);
  o.log(message);
  return { ...(policy ? { policy } : {}), message };
}

// What a node agent makes of an apply that a predecessor did not finish (killed mid-apply): pure decisions,
// acted on at start (restore-checkpoint.ts) and by the policy handler (its maxUnavailable slot).
import type { Condition } from '../controllers/nncp/conditions.js';
import type { Checkpoint, CheckpointPolicy } from './checkpoint.js';

/**
 * A checkpoint left in the agent's directory for its namespace: restore it (the apply was interrupted),
 * discard it (the namespace is gone: nothing to restore), or leave it alone (another node's, by its record).
 */
export type LeftoverAction = 'restore' | 'discard' | 'foreign';

export function leftoverCheckpointAction(cp: Pick<Checkpoint, 'netns' | 'node'>,
  here: { node: string; netns: string; netnsExists: boolean }): LeftoverAction {
  if (cp.netns !== here.netns || (cp.node !== undefined && cp.node !== here.node)) return 'foreign';
  return here.netnsExists ? 'restore' : 'discard';
}

/** The agent's log line (and the enactment event's message) for a restored checkpoint. */
export function restoredMessage(policy: CheckpointPolicy | undefined): string {
  return policy === undefined
    ? 'restored checkpoint of an interrupted apply'
    : `restored checkpoint of interrupted apply of policy ${policy.name} (generation ${policy.generation})`;
}

/**
 * The policy generation whose maxUnavailable slot this node holds, as its enactment shows: Progressing
 * with reason ConfigurationProgressing is written right after the slot is taken and replaced only once it
 * is released (Retrying, Success) or kept for good (Failed). A reconcile that finds it so was interrupted
 * (the agent killed, an API error) before it finished: the slot is still this node's.
 */
export function slotHeldFor(status: { conditions?: Condition[]; policyGeneration?: number } | undefined): number | undefined {
  const p = status?.conditions?.find((c) => c.type === 'Progressing');
  const gen = status?.policyGeneration;
  if (p?.status !== 'True' || p.reason !== 'ConfigurationProgressing' || gen === undefined || !Number.isSafeInteger(gen)) return undefined;
  return gen;
}

/**
 * How an apply of generation `gen` gets its slot, given the one the node may already hold: reuse it
 * (never take two), or give back one of an older generation first (never leak it).
 */
export type SlotPlan = { kind: 'take' } | { kind: 'reuse' } | { kind: 'release-then-take'; generation: number };

export function slotPlan(held: number | undefined, gen: number): SlotPlan {
  if (held === undefined) return { kind: 'take' };
  return held === gen ? { kind: 'reuse' } : { kind: 'release-then-take', generation: held };
}

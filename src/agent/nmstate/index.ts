// Public face of the pure nmstate engine. Nothing here does I/O: the executor (another module) reads the
// current state, runs the plan, re-reads and calls verifyState, and applies the revert state on failure.
//
//   parse → validate → merge (desired + current) → plan, revert (checkpoint), normalised state, warnings
//   … apply … → verifyState(merged, reread) → commit, or apply the revert

export { NmstateError, invalidArgument, isNmstateError, ok, fail } from './error.js';
export type { NmstateErrorKind, Result } from './error.js';
export type * from './types.js';
export { parseNetworkState } from './parse.js';
export { mergeStates } from './merge.js';
export type { MergedDns, MergedInterface, MergedState } from './merge.js';
export { normalizedDesiredState, renderEnactmentDesiredState } from './normalize.js';
export { buildPlan, renderPlanResult } from './plan.js';
export type { DnsPlan, Plan } from './plan.js';
export { renderPlan } from './plan-step.js';
export type { PlanStep } from './plan-step.js';
export { verifyState, verifyInterface } from './verify.js';
export { generateRevert, revertFromMerged } from './revert.js';
export { evaluateCaptures, parseCapture, resolveTemplate } from './capture.js';

import { NmstateError, fail, ok } from './error.js';
import type { Result } from './error.js';
import { mergeStates } from './merge.js';
import type { MergedState } from './merge.js';
import { normalizedDesiredState } from './normalize.js';
import { parseNetworkState } from './parse.js';
import { buildPlan } from './plan.js';
import type { Plan } from './plan.js';
import { revertFromMerged } from './revert.js';
import type { NetworkState } from './types.js';

export interface ApplyComputation {
  desired: NetworkState;
  merged: MergedState;
  plan: Plan;
  /** The checkpoint: apply this to undo the plan. */
  revert: NetworkState;
  /** The normalised desired state (forApply of every touched interface, merged routes/rules/DNS). */
  normalized: NetworkState;
  warnings: string[];
}

/** Everything apply needs, computed purely; engine errors come back as values, anything else is a bug. */
export function computeApply(desiredInput: string | unknown, current: NetworkState): Result<ApplyComputation> {
  try {
    const desired = parseNetworkState(desiredInput);
    const merged = mergeStates(desired, current);
    return ok({
      desired,
      merged,
      plan: buildPlan(merged),
      revert: revertFromMerged(merged),
      normalized: normalizedDesiredState(merged, desired),
      warnings: merged.warnings,
    });
  } catch (e) {
    if (e instanceof NmstateError) return fail(e);
    throw e;
  }
}

// Pure: what the policy list shows of a NodeNetworkConfigurationPolicy and its enactments — the policy's
// state from its conditions (reference §2) and each enactment's state from its own (§3).
export interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

interface WithConditions {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { conditions?: Cond[] };
}

export type PolicyState = 'Available' | 'Degraded' | 'Progressing' | 'Ignored' | 'Unknown';
export type EnactmentState = 'Available' | 'Failing' | 'Progressing' | 'Pending' | 'Aborted' | 'Unknown';

export const ENACTMENT_STATES: EnactmentState[] = ['Available', 'Failing', 'Progressing', 'Pending', 'Aborted', 'Unknown'];

const isTrue = (o: WithConditions, type: string): Cond | undefined =>
  o.status?.conditions?.find((c) => c.type === type && c.status === 'True');

/** The policy's state: the True condition among Ignored, Degraded, Progressing, Available (in that precedence). */
export function policyState(policy: WithConditions): { state: PolicyState; reason?: string; message?: string } {
  for (const s of ['Ignored', 'Degraded', 'Progressing', 'Available'] as const) {
    const c = isTrue(policy, s);
    if (c) return { state: s, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  }
  return { state: 'Unknown' };
}

/** An enactment's state; Failing while still Progressing is a retry, shown as Progressing. */
export function enactmentState(nnce: WithConditions): { state: EnactmentState; reason?: string; message?: string } {
  const pick = (state: EnactmentState, c: Cond): { state: EnactmentState; reason?: string; message?: string } =>
    ({ state, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) });
  const available = isTrue(nnce, 'Available');
  if (available) return pick('Available', available);
  const aborted = isTrue(nnce, 'Aborted');
  if (aborted) return pick('Aborted', aborted);
  const progressing = isTrue(nnce, 'Progressing');
  const failing = isTrue(nnce, 'Failing');
  if (failing && !progressing) return pick('Failing', failing);
  if (progressing) return pick('Progressing', failing ?? progressing);
  const pending = isTrue(nnce, 'Pending');
  if (pending) return pick('Pending', pending);
  return { state: 'Unknown' };
}

export const POLICY_LABEL = 'nmstate.io/policy';
export const NODE_LABEL = 'nmstate.io/node';

/** The enactments of one policy (by the handler's label, else by the `<node>.<policy>` name). */
export function enactmentsOf<T extends WithConditions>(policy: string, nnces: T[]): T[] {
  return nnces.filter((e) => (e.metadata.labels?.[POLICY_LABEL] ?? e.metadata.name.slice(e.metadata.name.indexOf('.') + 1)) === policy);
}

export function nodeOfEnactment(nnce: WithConditions): string {
  const n = nnce.metadata.name;
  return nnce.metadata.labels?.[NODE_LABEL] ?? (n.includes('.') ? n.slice(0, n.indexOf('.')) : n);
}

/** Counts per enactment state, in a fixed order, leaving out states no enactment is in. */
export function enactmentSummary<T extends WithConditions>(nnces: T[]): { state: EnactmentState; items: T[] }[] {
  return ENACTMENT_STATES
    .map((state) => ({ state, items: nnces.filter((e) => enactmentState(e).state === state) }))
    .filter((g) => g.items.length > 0);
}

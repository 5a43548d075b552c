// Status conditions of NNCPs and NNCEs, computed purely from counts (kubernetes-nmstate
// pkg/policyconditions/conditions.go and pkg/enactmentstatus/conditions/conditions.go).

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
}

export type PolicyConditionType = 'Available' | 'Degraded' | 'Progressing' | 'Ignored';
export type EnactmentConditionType = 'Available' | 'Failing' | 'Progressing' | 'Pending' | 'Aborted';

export interface EnactmentCounts {
  /** Nodes matching the nodeSelector that run a handler (M). */
  matching: number;
  /** The Ready ones among them (R). */
  ready: number;
  available: number;
  failing: number;
  aborted: number;
  pending: number;
  /** Matching nodes skipped because they are NotReady. */
  notReadyIgnored?: number;
}

function cond(type: string, status: ConditionStatus, reason = '', message = ''): Condition {
  return { type, status, reason, message };
}

/** Reference §2: the first rule that applies wins. */
export function policyConditions(c: EnactmentCounts): Condition[] {
  if (c.matching === 0) {
    return [
      cond('Available', 'False'), cond('Degraded', 'False'), cond('Progressing', 'False'),
      cond('Ignored', 'True', 'NoMatchingNode', 'Policy does not match any node'),
    ];
  }
  if (c.failing + c.aborted > 0) {
    let msg = `${c.failing}/${c.matching} nodes failed to configure`;
    if (c.aborted > 0) msg += `, ${c.aborted} nodes aborted configuration`;
    return [
      cond('Available', 'False'), cond('Degraded', 'True', 'FailedToConfigure', msg),
      cond('Progressing', 'False', 'ConfigurationProgressing'), cond('Ignored', 'False'),
    ];
  }
  const finished = c.available + c.failing + c.aborted;
  if (finished < c.ready || c.pending > 0) {
    let msg = `Policy is progressing ${finished}/${c.ready} nodes finished`;
    if (c.pending > 0) msg += `, ${c.pending} pending`;
    if (c.notReadyIgnored) msg += `, ${c.notReadyIgnored} nodes ignored due to NotReady state`;
    return [
      cond('Available', 'Unknown'), cond('Degraded', 'Unknown'),
      cond('Progressing', 'True', 'ConfigurationProgressing', msg), cond('Ignored', 'False'),
    ];
  }
  return [
    cond('Available', 'True', 'SuccessfullyConfigured', `${c.available}/${c.matching} nodes successfully configured`),
    cond('Degraded', 'False'), cond('Progressing', 'False'), cond('Ignored', 'False'),
  ];
}

export type EnactmentState =
  | { state: 'Progressing' }
  | { state: 'Pending' }
  | { state: 'Success' }
  | { state: 'Retrying'; node: string; attempt: number; max: number }
  | { state: 'Failed'; message: string }
  | { state: 'Aborted'; enactment: string };

const ENACTMENT_TYPES: EnactmentConditionType[] = ['Failing', 'Available', 'Progressing', 'Pending', 'Aborted'];

/** Reference §3 table: one True condition (two when retrying), the rest False or Unknown. */
export function enactmentConditions(s: EnactmentState): Condition[] {
  const all = (trueTypes: EnactmentConditionType[], reason: string, message: string, unknown: EnactmentConditionType[] = []): Condition[] =>
    ENACTMENT_TYPES.map((t) => (trueTypes.includes(t)
      ? cond(t, 'True', reason, message)
      : unknown.includes(t) ? cond(t, 'Unknown') : cond(t, 'False')));
  switch (s.state) {
    case 'Progressing':
      return all(['Progressing'], 'ConfigurationProgressing', 'Applying desired state', ['Failing', 'Available']);
    case 'Pending':
      return all(['Pending'], 'MaxUnavailableLimitReached', 'Waiting for progressing nodes to finish');
    case 'Success':
      return all(['Available'], 'SuccessfullyConfigured', 'successfully reconciled');
    case 'Retrying':
      return all(['Failing', 'Progressing'], 'Retrying', `failed to reconcile NodeNetworkConfigurationPolicy on node ${s.node}. Retrying ${s.attempt}/${s.max}`);
    case 'Failed':
      return all(['Failing'], 'FailedToConfigure', s.message);
    case 'Aborted':
      return all(['Aborted'], 'ConfigurationAborted', `reconciliation of enactment "${s.enactment}" has aborted`);
  }
}

/** All conditions Unknown: a new enactment, or a policy whose spec changed. */
export function unknownConditions(types: readonly string[]): Condition[] {
  return types.map((t) => cond(t, 'Unknown'));
}

/**
 * Merges new conditions into old ones: lastTransitionTime moves only when the status changes,
 * lastHeartbeatTime on every write (upstream's condition_types.go).
 */
export function mergeConditions(old: readonly Condition[] | undefined, next: readonly Condition[], now: string): Condition[] {
  return next.map((c) => {
    const prev = old?.find((o) => o.type === c.type);
    return {
      ...c,
      lastHeartbeatTime: now,
      lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    };
  });
}

/**
 * maxUnavailable against the number of enactments: int, or percent rounded up; minimum 1; anything
 * invalid falls back to 50% (kubernetes-nmstate pkg/node/nodes.go).
 */
export function maxUnavailableNodes(value: number | string | undefined, enactments: number): number {
  const percent = (p: number): number => Math.max(1, Math.ceil((enactments * p) / 100));
  if (value === undefined) return percent(50);
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : percent(50);
  const m = /^(\d+)%$/.exec(value.trim());
  if (m) return percent(Number(m[1]));
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : percent(50);
}

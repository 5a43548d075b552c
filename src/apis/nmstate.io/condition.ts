// kubernetes-nmstate's condition list (api/shared/condition_types.go): type and status required,
// heartbeat and transition times; the same shape in NMState, NNCP, NNCE and NNS status.
import { arr } from '../field-types.js';
import { looseCondition } from '../meta.js';

export const nmstateConditions = (description?: string) =>
  arr(looseCondition(['lastHeartbeatTime', 'lastTransitionTime']), description);

/** Printer columns kubernetes-nmstate declares on NNCP and NNCE: the True condition(s). */
export const TRUE_CONDITION_TYPE = '.status.conditions[?(@.status=="True")].type';
export const TRUE_CONDITION_REASON = '.status.conditions[?(@.status=="True")].reason';
export const TRUE_CONDITION_SINCE = '.status.conditions[?(@.status=="True")].lastTransitionTime';

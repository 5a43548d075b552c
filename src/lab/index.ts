// The lab: a datacenter of network namespaces on one host (docs/architecture.md §4).
// planLab (pure) → applyLab (acts, records lab.json) → labStatus → teardownLab / teardownAll.
export { planLab, labPrefix, labFiles, defaultLabId, validateLabId, MAX_NODES } from './lab-plan.js';
export type {
  LabInput, LabPlan, LabNode, LabNamespace, LabBridge, VethPair, LinkEnd, BridgePort, LabAddress, LabRoute,
  LabSysctl, LabProcess, NamespaceRole, NodeRole,
} from './lab-plan.js';
export { applyLab } from './lab-apply.js';
export type { ApplyOptions } from './lab-apply.js';
export { teardownLab, teardownAll } from './teardown.js';
export type { TeardownReport } from './teardown.js';
export { labStatus, ping } from './lab-status.js';
export type { LabStatus, NodeStatus, Reachability } from './lab-status.js';
export { readState, statePath, STATE_FILE } from './lab-state.js';
export type { LabState, LabProcessRecord } from './lab-state.js';
export { LabError } from './lab-error.js';
export type { LabErrorCode } from './lab-error.js';

// The MAC pool (kubemacpool semantics): a mutating admission step for VirtualMachines, its range, and the
// pure allocator underneath.
export { MacPoolAdmission, MACPOOL_WEBHOOK, OPT_OUT_LABEL } from './macpool-admission.js';
export { ensureMacRange, RANGE_CONFIGMAP, RANGE_NAMESPACE } from './range-config.js';
export { parseMacRange, parseMacRangeFlag, randomMacRange, type MacRange, type MacRangeConfig } from './mac-range.js';
export { MacPool, allocateVmMacs, MacAllocationError, RANGE_FULL, REQUESTED_MAC_TAKEN } from './mac-pool.js';

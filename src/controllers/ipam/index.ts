// IPAM for overlay networks, the pure part: address math, the per-network pool (pick + reserve in one
// step), and the IPAMClaim shape and lifetimes. The controller (../ipam-controller.ts) does the I/O.
export * from './ip-address.js';
export * from './subnet-range.js';
export * from './network-pool.js';
export * from './claim-plan.js';

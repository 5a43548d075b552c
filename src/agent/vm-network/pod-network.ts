// Brings a node's namespace to its share of the pod network (pod-network-plan.ts says what): reads the
// bridge and our routes, changes only what differs, replaces the nft table in one transaction.

import { run, runJson } from '../netns.js';
import { ipBatch, nftApply, STEP_TIMEOUT_MS, sysctlWrite } from './exec.js';
import { POD_BRIDGE, POD_NFT_TABLE, POD_ROUTE_PROTO, planPodNetwork } from './pod-network-plan.js';
import type { PodNetworkObserved, PodNetworkSpec, PodRoute } from './pod-network-plan.js';

interface AddrJson {
  mtu?: number;
  flags?: string[];
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

interface RouteJson {
  dst?: string;
  gateway?: string;
}

async function observe(nodeNetns: string): Promise<PodNetworkObserved> {
  const [addrs, routes] = await Promise.all([
    runJson<AddrJson[]>('ip', ['addr', 'show', 'dev', POD_BRIDGE], { netns: nodeNetns, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS }),
    runJson<RouteJson[]>('ip', ['route', 'show', 'proto', POD_ROUTE_PROTO], { netns: nodeNetns, timeoutMs: STEP_TIMEOUT_MS }),
  ]);
  const out: PodNetworkObserved = {
    // iproute2 prints a host route without its /32.
    routes: routes.flatMap((r) => r.dst !== undefined && r.gateway !== undefined
      ? [{ dst: r.dst.includes('/') ? r.dst : `${r.dst}/32`, via: r.gateway }] : []),
  };
  const b = addrs[0];
  if (b !== undefined) {
    out.bridge = {
      mtu: b.mtu ?? 1500,
      up: (b.flags ?? []).includes('UP'),
      addresses: (b.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    };
  }
  return out;
}

export interface PodNetworkResult {
  /** The address of `vn-pod`: the launchers' default gateway. */
  gateway: string;
  routesAdded: PodRoute[];
  routesRemoved: PodRoute[];
}

/**
 * Makes the node namespace carry its pod slice: bridge `vn-pod` with the gateway address, one route per
 * peer slice (and none for nodes no longer listed), egress masquerade, forwarding on. Idempotent.
 */
export async function ensurePodNetwork(nodeNetns: string, spec: PodNetworkSpec): Promise<PodNetworkResult> {
  const plan = planPodNetwork(spec, await observe(nodeNetns));
  await sysctlWrite(nodeNetns, plan.sysctls);
  await ipBatch(nodeNetns, plan.ip);
  await nftApply(nodeNetns, plan.nft);
  return { gateway: plan.gateway, routesAdded: plan.routesAdded, routesRemoved: plan.routesRemoved };
}

/** Removes the bridge, our routes and our table (forwarding stays on: other networks may need it). */
export async function removePodNetwork(nodeNetns: string): Promise<void> {
  await run('ip', ['link', 'del', POD_BRIDGE], { netns: nodeNetns, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
  await run('ip', ['route', 'flush', 'proto', POD_ROUTE_PROTO], { netns: nodeNetns, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
  await nftApply(nodeNetns, `add table ip ${POD_NFT_TABLE}\ndelete table ip ${POD_NFT_TABLE}\n`);
}

// Node capacity for Linux-bridge NADs, as kubevirt/bridge-marker reports it: every Linux bridge on the node
// becomes `bridge.network.kubevirt.io/<bridge>: 1k` in status.capacity and status.allocatable, so a VM
// whose NAD names a bridge (the NAD's resourceName annotation) schedules only where the bridge exists.
// The pure part takes either `ip -json -d link show` entries or NodeNetworkState interfaces.

import { runJson } from '../netns.js';
import { POD_BRIDGE } from './pod-network-plan.js';

export const BRIDGE_RESOURCE_PREFIX = 'bridge.network.kubevirt.io/';
export const BRIDGE_CAPACITY = '1k';

/** An `ip -json -d link` entry. */
export interface Iproute2Link {
  ifname: string;
  linkinfo?: { info_kind?: string };
}

/** A NodeNetworkState `status.currentState.interfaces[]` entry. */
export interface NnsInterface {
  name: string;
  type: string;
}

export type NodeLink = Iproute2Link | NnsInterface;

/** Bridges virtnet makes for itself, which no NAD may name. */
export function isInternalBridge(name: string): boolean {
  return name === POD_BRIDGE || name.startsWith('k6t-');
}

function bridgeName(l: NodeLink): string | undefined {
  if ('ifname' in l) return l.linkinfo?.info_kind === 'bridge' ? l.ifname : undefined;
  return l.type === 'linux-bridge' ? l.name : undefined;
}

/** `{ 'bridge.network.kubevirt.io/br-flat': '1k', … }`, keys sorted. */
export function bridgeCapacity(links: readonly NodeLink[]): Record<string, string> {
  const names = new Set<string>();
  for (const l of links) {
    const n = bridgeName(l);
    if (n !== undefined && !isInternalBridge(n)) names.add(n);
  }
  const out: Record<string, string> = {};
  for (const n of [...names].sort()) out[`${BRIDGE_RESOURCE_PREFIX}${n}`] = BRIDGE_CAPACITY;
  return out;
}

/**
 * The change to make to a node's capacity (or allocatable) map: bridge resources to set, and bridge
 * resources to remove because their bridge is gone (as a merge patch: `null`). Other resources are left.
 */
export function bridgeCapacityPatch(current: Readonly<Record<string, string>>, links: readonly NodeLink[]):
  Record<string, string | null> {
  const want = bridgeCapacity(links);
  const patch: Record<string, string | null> = {};
  for (const k of Object.keys(current)) if (k.startsWith(BRIDGE_RESOURCE_PREFIX) && !(k in want)) patch[k] = null;
  for (const [k, v] of Object.entries(want)) if (current[k] !== v) patch[k] = v;
  return patch;
}

/** The bridge capacity of the node whose namespace is `nodeNetns`. */
export async function readBridgeCapacity(nodeNetns: string): Promise<Record<string, string>> {
  return bridgeCapacity(await runJson<Iproute2Link[]>('ip', ['-d', 'link', 'show', 'type', 'bridge'], { netns: nodeNetns }));
}

// Pure: the Overview's "Cluster inventory" and Status cards from the watched lists. "In progress" is what
// the guide waits on after creating the NMState instance ("until no pod is being created"): pods still
// Pending, VMIs whose launcher is not up yet, enactments being applied and nodes still waiting for their
// NMState handler (selected by the instance but without a NodeNetworkState).

/** The few fields read here; the watched objects carry more. */
export interface Obj {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string; creationTimestamp?: string };
  spec?: unknown;
  status?: unknown;
}

interface Cond { type: string; status: string; reason?: string; message?: string }

function conditions(o: Obj): Cond[] {
  const c = (o.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? c as Cond[] : [];
}

function phase(o: Obj): string {
  const p = (o.status as { phase?: unknown } | undefined)?.phase;
  return typeof p === 'string' ? p : '';
}

/** A node is Ready only while its Ready condition is True (False and Unknown both read NotReady). */
export function nodeReady(node: Obj): boolean {
  return conditions(node).some((c) => c.type === 'Ready' && c.status === 'True');
}

export const VMI_STARTING_PHASES = ['', 'Pending', 'Scheduling', 'Scheduled'];

export function vmiStarting(vmi: Obj): boolean {
  return !vmi.metadata.deletionTimestamp && VMI_STARTING_PHASES.includes(phase(vmi));
}

export function podStarting(pod: Obj): boolean {
  return !pod.metadata.deletionTimestamp && (phase(pod) === 'Pending' || phase(pod) === '');
}

export function enactmentProgressing(nnce: Obj): boolean {
  return conditions(nnce).some((c) => c.type === 'Progressing' && c.status === 'True');
}

const NMSTATE_DEFAULT_SELECTOR: Record<string, string> = { 'kubernetes.io/os': 'linux' };

/** The instance that counts: the oldest live one (kubernetes-nmstate deletes the others). */
export function activeNMState(instances: readonly Obj[]): Obj | undefined {
  return instances.filter((i) => !i.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))[0];
}

/** Nodes the NMState instance selects whose handler has not reported a NodeNetworkState yet. */
export function handlersPending(instances: readonly Obj[], nodes: readonly Obj[], states: readonly Obj[]): string[] {
  const inst = activeNMState(instances);
  if (!inst) return [];
  const sel = (inst.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector ?? NMSTATE_DEFAULT_SELECTOR;
  const reported = new Set(states.map((s) => s.metadata.name));
  return nodes
    .filter((n) => Object.entries(sel).every(([k, v]) => n.metadata.labels?.[k] === v))
    .map((n) => n.metadata.name)
    .filter((n) => !reported.has(n))
    .sort();
}

export interface InventoryInput {
  nodes: readonly Obj[];
  vms: readonly Obj[];
  vmis: readonly Obj[];
  pods: readonly Obj[];
  nnces: readonly Obj[];
  nmstates: readonly Obj[];
  nnss: readonly Obj[];
}

export interface Inventory {
  nodes: number;
  nodesNotReady: number;
  vms: number;
  vmis: number;
  pods: number;
  podsStarting: number;
  vmisStarting: number;
  enactmentsProgressing: number;
  handlersPending: number;
  /** Everything still being created: 0 when the cluster has settled. */
  inProgress: number;
}

export function countInventory(i: InventoryInput): Inventory {
  const podsStarting = i.pods.filter(podStarting).length;
  const vmisStarting = i.vmis.filter(vmiStarting).length;
  const enactmentsProgressing = i.nnces.filter(enactmentProgressing).length;
  const pending = handlersPending(i.nmstates, i.nodes, i.nnss).length;
  return {
    nodes: i.nodes.length,
    nodesNotReady: i.nodes.filter((n) => !nodeReady(n)).length,
    vms: i.vms.length,
    vmis: i.vmis.length,
    pods: i.pods.length,
    podsStarting,
    vmisStarting,
    enactmentsProgressing,
    handlersPending: pending,
    inProgress: podsStarting + vmisStarting + enactmentsProgressing + pending,
  };
}

export type NMStateHealth = 'NotInstalled' | 'Progressing' | 'Available' | 'Degraded';

/** The Status card's NMState line: no instance → NotInstalled, else its Available/Degraded conditions. */
export function nmstateHealth(instances: readonly Obj[]): NMStateHealth {
  const inst = activeNMState(instances);
  if (!inst) return 'NotInstalled';
  const cs = conditions(inst);
  if (cs.some((c) => c.type === 'Degraded' && c.status === 'True')) return 'Degraded';
  if (cs.some((c) => c.type === 'Available' && c.status === 'True')) return 'Available';
  return 'Progressing';
}

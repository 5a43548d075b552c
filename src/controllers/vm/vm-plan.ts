// What the VirtualMachine controller does for one VM, as a pure function of the VM, its VMI and its
// DataVolumes (KubeVirt pkg/virt-controller/watch/vm/vm.go, simplified): run strategy and state change
// requests decide whether a VMI should exist; the VM's status mirrors the VMI.
import { deepEqual, type KubeObject } from '../../common/object.js';
import type { Condition } from '../nncp/conditions.js';
import { isFinal, runStrategyOf, type StateChangeRequest } from '../../common/kubevirt/run-strategy.js';
import { kubevirtConditions } from '../../common/kubevirt/conditions.js';

export { isFinal, runStrategyOf, kubevirtConditions, type StateChangeRequest };

interface VmSpecLike { running?: boolean; runStrategy?: string; template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } }
interface VmStatusLike { stateChangeRequests?: StateChangeRequest[]; conditions?: Condition[] }
interface VmiStatusLike { phase?: string; conditions?: Condition[]; nodeName?: string }

export type VmAction =
  | { type: 'none' }
  | { type: 'create' }
  | { type: 'delete' }
  /** Drop the first state change request: it has been carried out. */
  | { type: 'popRequest' };

/** The next step toward the desired state; the controller applies it and reconciles again. */
export function nextAction(vm: KubeObject, vmi: KubeObject | undefined, volumesReady: boolean): VmAction {
  if (vm.metadata.deletionTimestamp) return vmi && !vmi.metadata.deletionTimestamp ? { type: 'delete' } : { type: 'none' };
  const deleting = vmi?.metadata.deletionTimestamp !== undefined;
  const req = ((vm.status ?? {}) as VmStatusLike).stateChangeRequests?.[0];
  if (req?.action === 'Stop') {
    if (vmi && (!req.uid || req.uid === vmi.metadata.uid)) return deleting ? { type: 'none' } : { type: 'delete' };
    return { type: 'popRequest' };
  }
  if (req?.action === 'Start') {
    if (vmi) return deleting ? { type: 'none' } : { type: 'popRequest' };
    return volumesReady ? { type: 'create' } : { type: 'none' };
  }
  if (deleting) return { type: 'none' };
  const phase = (vmi?.status as VmiStatusLike | undefined)?.phase;
  switch (runStrategyOf(vm)) {
    case 'Always':
      if (!vmi) return volumesReady ? { type: 'create' } : { type: 'none' };
      return isFinal(vmi) ? { type: 'delete' } : { type: 'none' };
    case 'RerunOnFailure':
      if (!vmi) return volumesReady ? { type: 'create' } : { type: 'none' };
      return phase === 'Failed' ? { type: 'delete' } : { type: 'none' };
    case 'Once':
      if (!vmi && !vmiEverCreated(vm)) return volumesReady ? { type: 'create' } : { type: 'none' };
      return { type: 'none' };
    case 'Halted':
      return vmi ? { type: 'delete' } : { type: 'none' };
    case 'Manual':
      return { type: 'none' };
  }
}

function vmiEverCreated(vm: KubeObject): boolean {
  return vm.metadata.annotations?.['virtnet.io/once-started'] === 'true';
}

export const VMI_FINALIZER = 'foregroundDeleteVirtualMachine';

/** The VMI a VM starts: its template, owned by the VM. */
export function vmiFromVm(vm: KubeObject): KubeObject {
  const spec = (vm.spec ?? {}) as VmSpecLike;
  const tmeta = spec.template?.metadata ?? {};
  const name = vm.metadata.name ?? '';
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachineInstance',
    metadata: {
      name,
      namespace: vm.metadata.namespace ?? '',
      labels: { ...(tmeta.labels ?? {}), 'kubevirt.io/vm': name },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      finalizers: [VMI_FINALIZER],
      ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name, uid: vm.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(spec.template?.spec ?? {}) as Record<string, unknown>,
    status: { phase: 'Pending' },
  };
}

interface IfaceLike { name?: string; state?: string; bridge?: unknown }
interface NetLike { name?: string; multus?: unknown }
interface SpecWithNets { domain?: { devices?: { interfaces?: IfaceLike[] } }; networks?: NetLike[] }

/**
 * Live updates of a running VM's interfaces (KubeVirt's LiveUpdate of networks): interfaces added to the
 * template with their network (bridge binding on a Multus network) and `state` changes are carried to
 * the VMI. Returns the VMI spec to write, or undefined when nothing can be carried live.
 */
export function liveInterfaceUpdate(templateSpec: unknown, vmiSpec: unknown): Record<string, unknown> | undefined {
  const t = (templateSpec ?? {}) as SpecWithNets;
  const v = structuredClone((vmiSpec ?? {}) as SpecWithNets & Record<string, unknown>);
  const vIfaces = v.domain?.devices?.interfaces ?? [];
  const vNets = v.networks ?? [];
  let changed = false;
  for (const ti of t.domain?.devices?.interfaces ?? []) {
    const existing = vIfaces.find((i) => i.name === ti.name);
    if (existing) {
      if ((existing.state ?? '') !== (ti.state ?? '') && (ti.state === 'absent' || ti.state === 'up' || ti.state === 'down' || ti.state === undefined)) {
        if (ti.state === undefined) delete existing.state; else existing.state = ti.state;
        changed = true;
      }
      continue;
    }
    const tn = (t.networks ?? []).find((n) => n.name === ti.name);
    if (!tn?.multus || ti.bridge === undefined || vNets.some((n) => n.name === ti.name)) continue;
    vIfaces.push(structuredClone(ti));
    vNets.push(structuredClone(tn));
    changed = true;
  }
  if (!changed) return undefined;
  v.domain = { ...(v.domain ?? {}), devices: { ...(v.domain?.devices ?? {}), interfaces: vIfaces } };
  v.networks = vNets;
  return v;
}

export const RESTART_REQUIRED_MESSAGE = 'a non-live-updatable field was changed in the template spec';

export interface VmStatusInput {
  vm: KubeObject;
  vmi: KubeObject | undefined;
  volumesReady: boolean;
  now: string;
}

function cond(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}

export function printableStatus(vm: KubeObject, vmi: KubeObject | undefined, volumesReady: boolean): string {
  if (vm.metadata.deletionTimestamp) return 'Terminating';
  if (!vmi) {
    if (!volumesReady) return 'Provisioning';
    const failing = (vm.status as { startFailure?: unknown } | undefined)?.startFailure !== undefined;
    const restarts = runStrategyOf(vm) === 'Always' || runStrategyOf(vm) === 'RerunOnFailure';
    return failing && restarts ? 'CrashLoopBackOff' : 'Stopped';
  }
  if (vmi.metadata.deletionTimestamp) return 'Stopping';
  const st = (vmi.status ?? {}) as VmiStatusLike;
  switch (st.phase) {
    case 'Running': return 'Running';
    case 'Succeeded': case 'Failed': return 'Stopped';
    default: {
      const sched = cond(st.conditions, 'PodScheduled');
      if (sched?.status === 'False' && sched.reason === 'Unschedulable') return 'ErrorUnschedulable';
      return 'Starting';
    }
  }
}

/** The VM's status fields virtnet keeps (merged over what is there). */
export function vmStatus(input: VmStatusInput): Record<string, unknown> {
  const { vm, vmi, volumesReady, now } = input;
  const old = ((vm.status ?? {}) as VmStatusLike).conditions ?? [];
  const vst = (vmi?.status ?? {}) as VmiStatusLike;
  const vmiReady = cond(vst.conditions, 'Ready');
  const want: Condition[] = [];
  if (!vmi) want.push({ type: 'Ready', status: 'False', reason: 'VMINotExists', message: 'VMI does not exist' });
  else if (vmiReady) want.push({ type: 'Ready', status: vmiReady.status, reason: vmiReady.reason ?? '', message: vmiReady.message ?? '' });
  else want.push({ type: 'Ready', status: 'False', reason: 'GuestNotRunning', message: 'Guest VM is not reported as running' });
  const failure = cond(vst.conditions, 'Synchronized');
  const remove: string[] = [];
  if (vmi && failure?.status === 'False') want.push({ type: 'Failure', status: 'True', reason: failure.reason ?? 'FailedCreate', message: failure.message ?? '' });
  else remove.push('Failure');
  const restart = vmi && !vmi.metadata.deletionTimestamp && !isFinal(vmi)
    && !deepEqual((vm.spec as VmSpecLike | undefined)?.template?.spec ?? {}, vmi.spec ?? {});
  if (restart) want.push({ type: 'RestartRequired', status: 'True', reason: '', message: RESTART_REQUIRED_MESSAGE });
  else remove.push('RestartRequired');
  const conditions = kubevirtConditions(old.filter((c) => !remove.includes(c.type)), want, now);
  return {
    printableStatus: printableStatus(vm, vmi, volumesReady),
    created: vmi !== undefined,
    ready: vmiReady?.status === 'True',
    runStrategy: runStrategyOf(vm),
    conditions,
  };
}


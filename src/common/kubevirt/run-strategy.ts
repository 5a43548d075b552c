// Run strategies (KubeVirt user guide, run_strategies.md) and the VM start/stop/restart requests of
// virt-api's subresources (pkg/virt-api/rest/subresource.go), as pure functions of the VM and its VMI.
import type { KubeObject } from '../object.js';

export const RUN_STRATEGIES = ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once'] as const;
export type RunStrategy = typeof RUN_STRATEGIES[number];

export interface StateChangeRequest { action: 'Start' | 'Stop'; uid?: string; data?: Record<string, string> }

interface VmSpecLike { running?: boolean; runStrategy?: string }

export function runStrategyOf(vm: KubeObject): RunStrategy {
  const spec = (vm.spec ?? {}) as VmSpecLike;
  if (spec.runStrategy && (RUN_STRATEGIES as readonly string[]).includes(spec.runStrategy)) return spec.runStrategy as RunStrategy;
  return spec.running === true ? 'Always' : 'Halted';
}

export function isFinal(vmi: KubeObject | undefined): boolean {
  const p = (vmi?.status as { phase?: string } | undefined)?.phase;
  return p === 'Succeeded' || p === 'Failed';
}

export type VmRequest = 'start' | 'stop' | 'restart';

/** What a request does to the VM: a spec change, state change requests appended, or a 409 message. */
export type VmRequestOutcome =
  | { spec: Record<string, unknown> }
  | { requests: StateChangeRequest[] }
  | { conflict: string };

export function vmRequestOutcome(vm: KubeObject, vmi: KubeObject | undefined, req: VmRequest): VmRequestOutcome {
  const rs = runStrategyOf(vm);
  const usesRunning = (vm.spec as VmSpecLike | undefined)?.running !== undefined;
  const live = vmi !== undefined && !isFinal(vmi) && !vmi.metadata.deletionTimestamp;
  const pending = ((vm.status as { stateChangeRequests?: StateChangeRequest[] } | undefined)?.stateChangeRequests ?? []).length > 0;
  switch (req) {
    case 'start':
      if (live) return { conflict: 'VM is already running' };
      if (pending) return { conflict: 'VM has a pending state change request; try again' };
      if (rs === 'Halted') return { spec: usesRunning ? { running: true } : { runStrategy: 'Always' } };
      return { requests: [{ action: 'Start' }] };
    case 'stop':
      if (rs === 'Halted' && !live) return { conflict: 'VM is not running' };
      if (rs === 'Manual') {
        if (!live) return { conflict: 'VM is not running' };
        return { requests: [{ action: 'Stop', ...(vmi?.metadata.uid ? { uid: vmi.metadata.uid } : {}) }] };
      }
      return { spec: usesRunning ? { running: false } : { runStrategy: 'Halted' } };
    case 'restart':
      if (rs === 'Halted') return { conflict: 'RunStategy Halted does not support manual restart requests' };
      if (!vmi || vmi.metadata.deletionTimestamp) return { conflict: 'VM is not running' };
      return { requests: [{ action: 'Stop', ...(vmi.metadata.uid ? { uid: vmi.metadata.uid } : {}) }, { action: 'Start' }] };
  }
}

// The live-migration controller's decisions, pure: whether a VirtualMachineInstanceMigration may start,
// which node it goes to (the VMI scheduler without the source node), and the next step of its phase
// machine Pending → Scheduling → Scheduled → PreparingTarget → TargetReady → Running → Succeeded|Failed.
// PreparingTarget → TargetReady is the target agent's, TargetReady → Running and the VMI's
// migrationState.completed|failed the source agent's; everything else is the controller's.
import type { KubeObject } from '../../common/object.js';
import { schedule, type ScheduleInput } from './schedule.js';

export const MIGRATION_PHASES = ['Pending', 'Scheduling', 'Scheduled', 'PreparingTarget', 'TargetReady', 'Running', 'Succeeded', 'Failed'] as const;
export type MigrationPhase = typeof MIGRATION_PHASES[number];

/** What the target agent prepared, on the VMIM (JSON): the source needs it, the VMI gets it on success. */
export const TARGET_ANNOTATION = 'virtnet.io/migration-target';
/** The launcher namespace key of a VMI once it is no longer its uid (after a migration). */
export const LAUNCHER_ID_ANNOTATION = 'virtnet.io/launcher-id';

export interface MigrationState {
  startTimestamp?: string;
  endTimestamp?: string;
  sourceNode?: string;
  sourcePod?: string;
  targetNode?: string;
  targetPod?: string;
  completed?: boolean;
  failed?: boolean;
  failureReason?: string;
  migrationUid?: string;
  mode?: string;
}

export const isFinal = (phase: string | undefined): boolean => phase === 'Succeeded' || phase === 'Failed';

/** A migration of this VMI is under way (started, not ended). */
export function inFlight(st: MigrationState | undefined): boolean {
  return st !== undefined && st.startTimestamp !== undefined && st.endTimestamp === undefined;
}

/**
 * Why this VMIM cannot start, or undefined. Messages as virt-api's migration admitter and subresource
 * give them (`pkg/virt-api/webhooks/validating-webhook/admitters/migration-create-admitter.go`).
 */
export function validateMigration(vmim: KubeObject, vmi: KubeObject | undefined, others: readonly KubeObject[]): string | undefined {
  const name = (vmim.spec as { vmiName?: string } | undefined)?.vmiName;
  const ns = vmim.metadata.namespace ?? '';
  if (!name) return 'spec.vmiName is required';
  if (!vmi) return `the VMI "${ns}/${name}" does not exist`;
  const st = (vmi.status ?? {}) as { phase?: string; migrationState?: MigrationState };
  if (vmi.metadata.deletionTimestamp || st.phase === 'Succeeded' || st.phase === 'Failed') return 'Cannot migrate VMI in finalized state.';
  if (st.phase !== 'Running') return `Cannot migrate VMI which is not running (phase ${st.phase ?? 'Pending'})`;
  const active = others.find((o) => o.metadata.uid !== vmim.metadata.uid && (o.spec as { vmiName?: string } | undefined)?.vmiName === name &&
    !isFinal((o.status as { phase?: string } | undefined)?.phase) && (o.status as { phase?: string } | undefined)?.phase !== undefined);
  if (active || inFlight(st.migrationState)) {
    return `in-flight migration detected. Active migration job (${active?.metadata.uid ?? st.migrationState?.migrationUid ?? ''}) is currently already in progress for VMI ${name}.`;
  }
  return undefined;
}

/** The target node: the scheduler's choice among the nodes other than the source, with addedNodeSelector. */
export function pickTarget(input: ScheduleInput & { source: string; addedNodeSelector?: Record<string, string> }): { node: string } | { unschedulable: string } {
  const spec = (input.vmi.spec ?? {}) as { nodeSelector?: Record<string, string> };
  // The VM's own selector wins on key collisions: addedNodeSelector restricts, never bypasses.
  const nodeSelector = { ...(input.addedNodeSelector ?? {}), ...(spec.nodeSelector ?? {}) };
  const vmi = { ...input.vmi, spec: { ...spec, ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}) } };
  const r = schedule({ ...input, vmi, nodes: input.nodes.filter((n) => n.metadata.name !== input.source) });
  if ('failedCreate' in r) return { unschedulable: r.failedCreate };
  return r;
}

/**
 * The merge patch that makes a VMI's migrationState exactly `next`: members of the previous migration's
 * state that `next` lacks are deleted (`null`). A plain merge would keep the last migration's `completed`
 * and `endTimestamp`, and the new migration would look finished (and not in flight) before it started.
 */
export function migrationStatePatch(prev: MigrationState | undefined, next: MigrationState): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const k of Object.keys(prev ?? {})) if (!(k in next)) patch[k] = null;
  return { ...patch, ...next };
}

/** virt-launcher-<vmi>-<5 random lowercase alphanumerics>, as a ReplicaSet-less pod's generateName gives. */
export function targetPodName(vmiName: string, random: () => number = Math.random): string {
  const abc = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += abc[Math.floor(random() * abc.length) % abc.length];
  return `virt-launcher-${vmiName}-${s}`;
}

export type MigrationStep =
  | { kind: 'none' }
  | { kind: 'phase'; phase: MigrationPhase }
  | { kind: 'fail'; reason: string }
  | { kind: 'schedule'; targetNode: string; state: MigrationState }
  | { kind: 'succeed' };

export interface StepInput {
  vmim: KubeObject;
  vmi: KubeObject | undefined;
  others: readonly KubeObject[];
  /** The scheduler's answer for this VMI (computed only when needed). */
  target: () => { node: string } | { unschedulable: string };
  now: string;
  random?: () => number;
}

/** The controller's next step for one VMIM. */
export function migrationStep(input: StepInput): MigrationStep {
  const { vmim, vmi } = input;
  const phase = (vmim.status as { phase?: string } | undefined)?.phase;
  if (isFinal(phase)) return { kind: 'none' };
  if (phase === undefined || phase === '') {
    const bad = validateMigration(vmim, vmi, input.others);
    return bad ? { kind: 'fail', reason: bad } : { kind: 'phase', phase: 'Pending' };
  }
  if (!vmi || vmi.metadata.deletionTimestamp) return { kind: 'fail', reason: 'the VMI was deleted during the migration' };
  const st = ((vmi.status ?? {}) as { migrationState?: MigrationState; nodeName?: string });
  const mine = st.migrationState?.migrationUid === vmim.metadata.uid;
  switch (phase) {
    case 'Pending': return { kind: 'phase', phase: 'Scheduling' };
    case 'Scheduling': {
      const t = input.target();
      if ('unschedulable' in t) return { kind: 'fail', reason: `target node could not be scheduled: ${t.unschedulable}` };
      return {
        kind: 'schedule', targetNode: t.node,
        state: {
          startTimestamp: input.now, sourceNode: st.nodeName ?? '', targetNode: t.node,
          targetPod: targetPodName(vmi.metadata.name ?? '', input.random), migrationUid: vmim.metadata.uid ?? '', mode: 'PreCopy',
          completed: false, failed: false,
        },
      };
    }
    case 'Scheduled': return { kind: 'phase', phase: 'PreparingTarget' };
    default:
      if (!mine) return { kind: 'fail', reason: 'the VMI no longer records this migration' };
      if (st.migrationState?.failed) return { kind: 'fail', reason: st.migrationState.failureReason ?? 'the migration failed' };
      // The source reports completed only after it set Running and moved the VM: a completed flag seen in an
      // earlier phase is not this migration's and must not move the VMI ahead of its VM.
      if (st.migrationState?.completed && phase === 'Running') return { kind: 'succeed' };
      return { kind: 'none' };
  }
}

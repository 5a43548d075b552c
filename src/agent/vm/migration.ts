// The node agent's part of a live migration (virt-handler's migration source and target). The TARGET
// agent, seeing a VMIM in PreparingTarget that names its node, builds the VM's launcher here (same NICs,
// same MACs; a masquerade NIC gets a new pod IP from this node's slice, bridge-NAD and UDN NICs keep
// MAC and IP: the UDN's DHCP reservation on this node is made before the launcher exists), asks the
// runtime to get ready for an incoming VM, writes what it prepared on the VMIM and sets TargetReady.
// The SOURCE agent then moves the running VM over (VmRuntime.migrate), tears its launcher down and
// reports completed (or failed, the VM still running here) on the VMI; the controller finishes.
// Launcher namespaces are named by a launcher id, the VMI uid at first and then `<uid>-<3 hex of the
// migration's uid>`, since both launchers exist on the one machine while the VM moves.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../../client/index.js';
import type { KubeObject } from '../../common/object.js';
import type { NicLaunch, VmRuntime, MigrationTarget } from '../../runtime/runtime.js';
import { TARGET_ANNOTATION, LAUNCHER_ID_ANNOTATION, isFinal, type MigrationState } from '../../controllers/vm/migration-plan.js';
import { vmiRuntimeId, RUNTIME_ANNOTATION } from './vmi-launch-plan.js';

/** The launcher id a VMI's launcher namespace is named by on its current node. */
export function launcherIdOf(vmi: KubeObject): string {
  return vmi.metadata.annotations?.[LAUNCHER_ID_ANNOTATION] ?? vmiRuntimeId(vmi);
}

/**
 * The launcher id on the migration target: `<uid>-<3 hex of the migration's uid>`, never the VM's current
 * one (whatever the VMI's annotation says, a launcher in use is never reused or torn down for a migration).
 */
export function targetLauncherId(vmi: KubeObject, migrationUid: string): string {
  const uid = vmiRuntimeId(vmi);
  const hex = migrationUid.replace(/[^0-9a-f]/g, '') || '000000';
  const current = launcherIdOf(vmi);
  for (let i = 0; i + 3 <= hex.length; i++) {
    const id = `${uid}-${hex.slice(i, i + 3)}`;
    if (id !== current) return id;
  }
  return current === `${uid}-m` ? `${uid}-n` : `${uid}-m`;
}

export interface TargetInfo extends MigrationTarget {
  launcherId: string;
  consoleSocket: string;
  podIp?: string;
}

/** What the VM handler lends the migration agent. */
export interface MigrationHost {
  node: string;
  runtimeFor(kind: string | undefined): VmRuntime;
  stateRoot(kind: string): string;
  /** Builds the launcher `launcherId` for the VMI's NICs on this node (a fresh pod IP for masquerade). */
  prepareLauncher(vmi: KubeObject, launcherId: string, runtime: VmRuntime): Promise<{ netns: string; nics: NicLaunch[]; podIp?: string }>;
  teardownLauncher(launcherId: string): Promise<void>;
  log(m: string): void;
}

interface VmimStatus { phase?: string; migrationState?: MigrationState }

export class MigrationAgent {
  private readonly vmims: Informer;
  private readonly queue: WorkQueue;
  /** Migrations this agent has acted on (uid → role), so each step runs once. */
  private readonly done = new Map<string, string>();
  /** Launcher ids this agent prepared as a migration target, by migration uid: only these are its to undo. */
  private readonly prepared = new Map<string, string>();

  constructor(private readonly client: ApiClient, private readonly host: MigrationHost) {
    this.vmims = new Informer(client, R.vmim);
    this.queue = new WorkQueue((k) => this.reconcile(k), 4, (k, e) => host.log(`vmim ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.vmims.addHandlers({ onAdd: self, onUpdate: self });
  }

  async start(): Promise<void> {
    this.vmims.start();
    await this.vmims.synced;
  }

  stop(): void {
    this.vmims.stop();
    this.queue.stop();
  }

  private async setPhase(vmim: KubeObject, phase: string): Promise<void> {
    const st = (vmim.status ?? {}) as { phaseTransitionTimestamps?: unknown[] };
    await this.client.patch(R.vmim, vmim.metadata.namespace, vmim.metadata.name ?? '', 'merge', {
      status: { phase, phaseTransitionTimestamps: [...(st.phaseTransitionTimestamps ?? []), { phase, phaseTransitionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] },
    }, { subresource: 'status' });
  }

  private async reconcile(key: string): Promise<void> {
    const vmim = this.vmims.get(key);
    if (!vmim) return;
    const uid = vmim.metadata.uid ?? '';
    const st = (vmim.status ?? {}) as VmimStatus;
    const ms = st.migrationState;
    const me = this.host.node;
    if (isFinal(st.phase)) {
      // A failed migration: the target's half goes (the VM still runs on the source).
      if (st.phase === 'Failed' && ms?.targetNode === me && this.done.get(uid) === 'target') {
        this.done.set(uid, 'cleaned');
        await this.cleanupTarget(vmim);
      }
      return;
    }
    if (st.phase === 'PreparingTarget' && ms?.targetNode === me && !this.done.has(uid)) {
      this.done.set(uid, 'target');
      return this.prepareTarget(vmim);
    }
    if (st.phase === 'TargetReady' && ms?.sourceNode === me && this.done.get(uid) !== 'source') {
      this.done.set(uid, 'source');
      return this.migrateSource(vmim);
    }
  }

  private async getVmi(vmim: KubeObject): Promise<KubeObject> {
    return this.client.get(R.vmi, vmim.metadata.namespace, (vmim.spec as { vmiName?: string }).vmiName ?? '');
  }

  private async reportFailure(vmim: KubeObject, vmi: KubeObject | undefined, reason: string): Promise<void> {
    this.host.log(`vmim ${vmim.metadata.namespace ?? ''}/${vmim.metadata.name ?? ''}: ${reason}`);
    if (!vmi) return;
    const ms = ((vmi.status ?? {}) as { migrationState?: MigrationState }).migrationState;
    if (ms?.migrationUid !== vmim.metadata.uid) return;
    await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'merge', { status: { migrationState: { failed: true, failureReason: reason } } })
      .catch((e: unknown) => { if (!isNotFound(e)) throw e; });
  }

  private async prepareTarget(vmim: KubeObject): Promise<void> {
    let vmi: KubeObject | undefined;
    try {
      vmi = await this.getVmi(vmim);
      const runtime = this.host.runtimeFor(vmi.metadata.annotations?.[RUNTIME_ANNOTATION]);
      if (!runtime.migrate) throw new Error(`the ${runtime.kind} runtime cannot live-migrate`);
      const launcherId = targetLauncherId(vmi, vmim.metadata.uid ?? '');
      this.prepared.set(vmim.metadata.uid ?? '', launcherId);
      const launcher = await this.host.prepareLauncher(vmi, launcherId, runtime);
      const stateRoot = this.host.stateRoot(runtime.kind);
      const target: MigrationTarget = { hostNetns: launcher.netns, nics: launcher.nics, stateRoot };
      const incoming = runtime.prepareIncoming ? await runtime.prepareIncoming(vmiRuntimeId(vmi), target) : target;
      const info: TargetInfo = {
        ...incoming, launcherId, consoleSocket: runtime.consoleSocket(vmiRuntimeId(vmi)),
        ...(launcher.podIp ? { podIp: launcher.podIp } : {}),
      };
      await this.client.patch(R.vmim, vmim.metadata.namespace, vmim.metadata.name ?? '', 'merge', { metadata: { annotations: { [TARGET_ANNOTATION]: JSON.stringify(info) } } });
      await this.setPhase(vmim, 'TargetReady');
      this.host.log(`vmim ${vmim.metadata.namespace ?? ''}/${vmim.metadata.name ?? ''}: target ready (launcher ${launcher.netns})`);
    } catch (e) {
      await this.cleanupTarget(vmim, vmi).catch(() => undefined);
      await this.reportFailure(vmim, vmi, `preparing the target on ${this.host.node}: ${(e as Error).message}`);
    }
  }

  private async cleanupTarget(vmim: KubeObject, known?: KubeObject): Promise<void> {
    const vmi = known ?? await this.getVmi(vmim).catch(() => undefined);
    if (!vmi) return;
    // The VM did not come here: only what this agent prepared goes (never the VM's own namespace).
    const launcherId = this.prepared.get(vmim.metadata.uid ?? '') ?? targetLauncherId(vmi, vmim.metadata.uid ?? '');
    this.prepared.delete(vmim.metadata.uid ?? '');
    if (launcherId === launcherIdOf(vmi)) return;
    const runtime = this.host.runtimeFor(vmi.metadata.annotations?.[RUNTIME_ANNOTATION]);
    if (runtime.abortIncoming) await runtime.abortIncoming(vmiRuntimeId(vmi)).catch(() => undefined);
    await this.host.teardownLauncher(launcherId);
  }

  private async migrateSource(vmim: KubeObject): Promise<void> {
    let vmi: KubeObject | undefined;
    try {
      vmi = await this.getVmi(vmim);
      const info = JSON.parse(vmim.metadata.annotations?.[TARGET_ANNOTATION] ?? 'null') as TargetInfo | null;
      if (!info) throw new Error('the target left no launcher description');
      await this.setPhase(vmim, 'Running');
      const runtime = this.host.runtimeFor(vmi.metadata.annotations?.[RUNTIME_ANNOTATION]);
      if (!runtime.migrate) throw new Error(`the ${runtime.kind} runtime cannot live-migrate`);
      // The launcher the VM leaves, as the VMI names it before the move; never the one it moves onto.
      const leaving = launcherIdOf(vmi);
      if (leaving === info.launcherId) throw new Error(`the target launcher ${info.launcherId} is the VM's current one`);
      const t0 = Date.now();
      await runtime.migrate(vmiRuntimeId(vmi), info);
      await this.host.teardownLauncher(leaving).catch((e: unknown) => this.host.log(`launcher teardown: ${(e as Error).message}`));
      await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'merge', { status: { migrationState: { completed: true } } });
      this.host.log(`vmim ${vmim.metadata.namespace ?? ''}/${vmim.metadata.name ?? ''}: migrated to ${info.hostNetns ?? ''} in ${Date.now() - t0} ms`);
    } catch (e) {
      await this.reportFailure(vmim, vmi, `migration failed: ${(e as Error).message}`);
    }
  }
}

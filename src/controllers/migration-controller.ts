// VirtualMachineInstanceMigration controller (virt-controller's migration controller): validates a
// migration, picks the target node, records the migration on the VMI (status.migrationState) and, once
// the source agent reports it completed, moves the VMI to the target (status.nodeName, the
// kubevirt.io/nodeName label, and what the target agent prepared: launcher, runtime state, pod IP).
// The node agents do the moving itself (src/agent/vm/migration.ts). Decisions: vm/migration-plan.ts.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../client/index.js';
import { DEFAULT_GLOBAL_NAMESPACES } from '../common/kubevirt/vmi-networks.js';
import { kubeTime, type KubeObject } from '../common/object.js';
import { NODE_NAME_LABEL } from './vmi-controller.js';
import { MIGRATION_FINALIZER } from '../apis/kubevirt.io/v1/virtual-machine-instance-migration.js';
import { LAUNCHER_ID_ANNOTATION, TARGET_ANNOTATION, migrationStatePatch, migrationStep, pickTarget, type MigrationState } from './vm/migration-plan.js';

/** What the target agent puts into TARGET_ANNOTATION (the parts the controller copies onto the VMI). */
interface TargetInfo { launcherId?: string; stateRoot?: string; consoleSocket?: string; podIp?: string }

export class MigrationController {
  private readonly vmims: Informer;
  private readonly vmis: Informer;
  private readonly nodes: Informer;
  private readonly nads: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient, private readonly log: (m: string) => void = () => undefined) {
    this.vmims = new Informer(client, R.vmim);
    this.vmis = new Informer(client, R.vmi);
    this.nodes = new Informer(client, R.node);
    this.nads = new Informer(client, R.nad);
    this.queue = new WorkQueue((k) => this.reconcile(k), 4, (k, e) => this.log(`vmim ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.vmims.addHandlers({ onAdd: self, onUpdate: self });
    // A VMI's migrationState changing (the source agent's report) moves its migrations on.
    const byVmi = (v: KubeObject): void => {
      for (const m of this.vmims.list()) {
        if (m.metadata.namespace === v.metadata.namespace && (m.spec as { vmiName?: string } | undefined)?.vmiName === v.metadata.name) self(m);
      }
    };
    this.vmis.addHandlers({ onUpdate: byVmi, onDelete: byVmi });
  }

  async start(): Promise<void> {
    for (const i of [this.vmims, this.vmis, this.nodes, this.nads]) i.start();
    await Promise.all([this.vmims.synced, this.vmis.synced, this.nodes.synced, this.nads.synced]);
  }

  stop(): void {
    for (const i of [this.vmims, this.vmis, this.nodes, this.nads]) i.stop();
    this.queue.stop();
  }

  private async setPhase(vmim: KubeObject, phase: string, extra: Record<string, unknown> = {}): Promise<void> {
    const st = (vmim.status ?? {}) as { phaseTransitionTimestamps?: unknown[] };
    await this.client.patch(R.vmim, vmim.metadata.namespace, vmim.metadata.name ?? '', 'merge', {
      metadata: { resourceVersion: vmim.metadata.resourceVersion },
      status: { ...extra, phase, phaseTransitionTimestamps: [...(st.phaseTransitionTimestamps ?? []), { phase, phaseTransitionTimestamp: kubeTime() }] },
    }, { subresource: 'status' });
    this.log(`vmim ${vmim.metadata.namespace ?? ''}/${vmim.metadata.name ?? ''}: ${phase}`);
  }

  private async reconcile(key: string): Promise<void> {
    const vmim = this.vmims.get(key);
    if (!vmim) return;
    if (vmim.metadata.deletionTimestamp) {
      const fins = vmim.metadata.finalizers ?? [];
      if (!fins.includes(MIGRATION_FINALIZER)) return;
      await this.client.patch(R.vmim, vmim.metadata.namespace, vmim.metadata.name ?? '', 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: vmim.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: fins.filter((f) => f !== MIGRATION_FINALIZER) },
      ]).catch((e: unknown) => { if (!isNotFound(e) && (e as { code?: number }).code !== 409 && (e as { code?: number }).code !== 422) throw e; });
      return;
    }
    const ns = vmim.metadata.namespace ?? '';
    const vmiName = (vmim.spec as { vmiName?: string } | undefined)?.vmiName ?? '';
    const vmi = this.vmis.get(`${ns}/${vmiName}`);
    const now = kubeTime();
    const step = migrationStep({
      vmim, vmi, now, others: this.vmims.list().filter((m) => m.metadata.namespace === ns),
      target: () => {
        const load = new Map<string, number>();
        for (const v of this.vmis.list()) {
          const n = (v.status as { nodeName?: string } | undefined)?.nodeName;
          if (n) load.set(n, (load.get(n) ?? 0) + 1);
        }
        const added = (vmim.spec as { addedNodeSelector?: Record<string, string> } | undefined)?.addedNodeSelector;
        return pickTarget({
          vmi: vmi!, nodes: this.nodes.list(), load, globalNamespaces: DEFAULT_GLOBAL_NAMESPACES,
          nads: new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n])),
          source: (vmi!.status as { nodeName?: string } | undefined)?.nodeName ?? '', ...(added ? { addedNodeSelector: added } : {}),
        });
      },
    });
    const vmiState = (vmi?.status as { migrationState?: MigrationState } | undefined)?.migrationState;
    try {
      switch (step.kind) {
        case 'none': return;
        case 'phase': return await this.setPhase(vmim, step.phase);
        case 'schedule':
          await this.client.patch(R.vmi, ns, vmiName, 'merge', { metadata: { resourceVersion: vmi!.metadata.resourceVersion }, status: { migrationState: migrationStatePatch(vmiState, step.state) } });
          return await this.setPhase(vmim, 'Scheduled', { migrationState: step.state });
        case 'fail': {
          const mine = vmiState?.migrationUid === vmim.metadata.uid;
          const state: MigrationState = { ...(mine ? vmiState : {}), endTimestamp: now, failed: true, completed: false, failureReason: step.reason };
          if (mine && vmi) await this.client.patch(R.vmi, ns, vmiName, 'merge', { status: { migrationState: state } }).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
          this.log(`vmim ${key}: failed: ${step.reason}`);
          return await this.setPhase(vmim, 'Failed', { migrationState: state });
        }
        case 'succeed': {
          const target = vmiState?.targetNode ?? '';
          let info: TargetInfo = {};
          try {
            info = JSON.parse(vmim.metadata.annotations?.[TARGET_ANNOTATION] ?? '{}') as TargetInfo;
          } catch { /* the defaults below */ }
          const annotations: Record<string, string> = {};
          if (info.launcherId) annotations[LAUNCHER_ID_ANNOTATION] = info.launcherId;
          if (info.stateRoot) annotations['virtnet.io/runtime-state'] = info.stateRoot;
          if (info.consoleSocket) annotations['virtnet.io/console-socket'] = info.consoleSocket;
          if (info.podIp) annotations['virtnet.io/pod-ip'] = info.podIp;
          const ifaces = ((vmi!.status as { interfaces?: { podInterfaceName?: string }[] }).interfaces ?? [])
            .map((i) => (info.podIp && i.podInterfaceName === 'eth0' ? { ...i, ipAddress: info.podIp, ipAddresses: [info.podIp] } : i));
          const state: MigrationState = { ...vmiState, endTimestamp: now, completed: true };
          await this.client.patch(R.vmi, ns, vmiName, 'merge', {
            metadata: { labels: { [NODE_NAME_LABEL]: target }, annotations },
            status: { nodeName: target, migrationState: state, interfaces: ifaces },
          });
          this.log(`vmim ${key}: ${vmiName} moved to ${target}`);
          return await this.setPhase(vmim, 'Succeeded', { migrationState: state });
        }
      }
    } catch (e) {
      if (isNotFound(e) || (e as { code?: number }).code === 409) return;
      throw e;
    }
  }
}

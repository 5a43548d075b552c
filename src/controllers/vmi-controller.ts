// VirtualMachineInstance controller: places a pending VMI on a node (what virt-controller and the
// Kubernetes scheduler do together for its virt-launcher pod) and says why when it cannot. A VMI deleted
// before any node took it is finalized here; once placed, the node's agent owns it.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../client/index.js';
import { deepEqual, kubeTime, type KubeObject } from '../common/object.js';
import { DEFAULT_GLOBAL_NAMESPACES } from '../common/kubevirt/vmi-networks.js';
import { schedule } from './vm/schedule.js';
import { kubevirtConditions, VMI_FINALIZER } from './vm/vm-plan.js';
import type { Condition } from './nncp/conditions.js';

export const NODE_NAME_LABEL = 'kubevirt.io/nodeName';

export interface VmiControllerOptions {
  /** Multus `globalNamespaces`: NADs there are usable from every namespace. */
  globalNamespaces?: readonly string[];
  log?: (m: string) => void;
}

export class VmiController {
  private readonly vmis: Informer;
  private readonly nodes: Informer;
  private readonly nads: Informer;
  private readonly queue: WorkQueue;
  private readonly globalNamespaces: readonly string[];
  private readonly log: (m: string) => void;
  private readonly placing = new Map<string, string>();

  constructor(private readonly client: ApiClient, opts: VmiControllerOptions = {}) {
    this.globalNamespaces = opts.globalNamespaces ?? DEFAULT_GLOBAL_NAMESPACES;
    this.log = opts.log ?? (() => undefined);
    this.vmis = new Informer(client, R.vmi);
    this.nodes = new Informer(client, R.node);
    this.nads = new Informer(client, R.nad);
    // Several workers, so that placements share the store's group commits; the load of placements not yet
    // seen by the informer is counted from `placing`, so concurrent placements still spread.
    this.queue = new WorkQueue((k) => this.reconcile(k), 16, (k, e) => this.log(`vmi ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.vmis.addHandlers({ onAdd: self, onUpdate: self });
    const pending = (): void => {
      for (const v of this.vmis.list()) if (!(v.status as { nodeName?: string } | undefined)?.nodeName) self(v);
    };
    this.nodes.addHandlers({ onAdd: pending, onUpdate: (n, old) => { if (!deepEqual(n.status, old.status) || !deepEqual(n.metadata.labels, old.metadata.labels)) pending(); }, onDelete: pending });
    this.nads.addHandlers({ onAdd: pending, onUpdate: pending, onDelete: pending });
  }

  async start(): Promise<void> {
    for (const i of [this.vmis, this.nodes, this.nads]) i.start();
    await Promise.all([this.vmis.synced, this.nodes.synced, this.nads.synced]);
  }

  stop(): void {
    for (const i of [this.vmis, this.nodes, this.nads]) i.stop();
    this.queue.stop();
  }

  private async reconcile(key: string): Promise<void> {
    const vmi = this.vmis.get(key);
    if (!vmi) return;
    const [ns, name] = key.split('/') as [string, string];
    const st = (vmi.status ?? {}) as { nodeName?: string; phase?: string; conditions?: Condition[] };
    if (st.nodeName) return;
    if (vmi.metadata.deletionTimestamp) {
      if (vmi.metadata.finalizers?.includes(VMI_FINALIZER)) {
        await this.client.patch(R.vmi, ns, name, 'json', [
          { op: 'test', path: '/metadata/resourceVersion', value: vmi.metadata.resourceVersion },
          { op: 'replace', path: '/metadata/finalizers', value: vmi.metadata.finalizers.filter((f) => f !== VMI_FINALIZER) },
        ]).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
      }
      return;
    }
    if (st.phase && st.phase !== 'Pending' && st.phase !== 'Scheduling') return;
    const load = new Map<string, number>();
    for (const v of this.vmis.list()) {
      const k = `${v.metadata.namespace ?? ''}/${v.metadata.name ?? ''}`;
      const n = (v.status as { nodeName?: string } | undefined)?.nodeName ?? this.placing.get(k);
      if (n) load.set(n, (load.get(n) ?? 0) + 1);
    }
    const nads = new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n]));
    const result = schedule({ vmi, nodes: this.nodes.list(), nads, load, globalNamespaces: this.globalNamespaces });
    const now = kubeTime();
    const old = st.conditions ?? [];
    let patch: Record<string, unknown>;
    if ('node' in result) {
      this.placing.set(key, result.node);
      patch = {
        metadata: { labels: { [NODE_NAME_LABEL]: result.node } },
        status: {
          phase: 'Scheduled', nodeName: result.node,
          conditions: kubevirtConditions(old.filter((c) => c.type !== 'Synchronized'), [{ type: 'PodScheduled', status: 'True', reason: '', message: '' }], now),
        },
      };
      this.log(`vmi ${key}: scheduled to ${result.node}`);
    } else if ('unschedulable' in result) {
      patch = { status: { phase: 'Scheduling', conditions: kubevirtConditions(old.filter((c) => c.type !== 'Synchronized'), [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: result.unschedulable }], now) } };
    } else {
      patch = { status: { phase: 'Pending', conditions: kubevirtConditions(old.filter((c) => c.type !== 'PodScheduled'), [{ type: 'Synchronized', status: 'False', reason: 'FailedCreate', message: result.failedCreate }], now) } };
    }
    const cur = vmi.status as Record<string, unknown> | undefined;
    const nextStatus = patch['status'] as Record<string, unknown>;
    if (!patch['metadata'] && Object.entries(nextStatus).every(([k, v]) => deepEqual(cur?.[k], v))) return;
    // Guarded by resourceVersion: never place a VMI twice.
    try {
      await this.client.patch(R.vmi, ns, name, 'merge', { ...patch, metadata: { ...(patch['metadata'] as object | undefined), resourceVersion: vmi.metadata.resourceVersion } });
    } catch (e) {
      if (!isNotFound(e) && (e as { code?: number }).code !== 409) throw e;
    } finally {
      // The informer has (or will have on the next event) the placement itself.
      setTimeout(() => this.placing.delete(key), 5000).unref();
    }
  }
}

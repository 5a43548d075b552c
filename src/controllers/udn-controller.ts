// UserDefinedNetwork controller (ovn-kubernetes clustermanager/userdefinednetwork, the UDN half): keeps the
// protection finalizer on each UDN, the NAD of the same name in its namespace, and the UDN's conditions;
// on deletion lets the NAD go once no VMI uses the network. `startUdnControllers` also runs the
// ClusterUserDefinedNetwork controller, on the same caches.
import { R, Informer, WorkQueue, type ApiClient, type ReconcileResult } from '../client/index.js';
import { deepEqual, kubeTime, type KubeObject } from '../common/object.js';
import { UDN_PROTECTION_FINALIZER } from '../apis/k8s.ovn.org/v1/user-defined-network.js';
import { IN_USE_RETRY_MS, UdnCaches, UdnNadWriter, setProtection, writeConditions } from './udn-nads.js';
import { CudnController } from './cudn-controller.js';
import {
  conditionsOf, networkCreatedCondition, NETWORK_ALLOCATION_SUCCEEDED_CONDITION, setStatusCondition, type ConditionSpec,
} from './udn/conditions.js';

export class UdnController {
  private readonly udns: Informer;
  private readonly queue: WorkQueue;
  private readonly nads: UdnNadWriter;
  /** UDNs whose deletion waits for VMIs. */
  private readonly blocked = new Set<string>();
  private ready = false;

  constructor(private readonly client: ApiClient, private readonly caches: UdnCaches, private readonly log: (m: string) => void = () => undefined) {
    this.udns = new Informer(client, R.udn);
    this.nads = new UdnNadWriter(client, caches);
    this.queue = new WorkQueue((k) => this.reconcile(k), 1, (k, e) => this.log(`userdefinednetwork ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.udns.addHandlers({ onAdd: self, onUpdate: self });
    // Any NAD of a namespace can settle a UDN there: its own, a primary one in the way, a foreign one.
    const inNamespace = (o: KubeObject): void => this.addNamespace(o.metadata.namespace ?? '');
    caches.nads.addHandlers({ onAdd: inNamespace, onUpdate: inNamespace, onDelete: inNamespace });
    const ns = (o: KubeObject): void => this.addNamespace(o.metadata.name ?? '');
    caches.namespaces.addHandlers({ onAdd: ns, onUpdate: (n, old) => { if (!deepEqual(n.metadata.labels, old.metadata.labels) || n.metadata.deletionTimestamp !== old.metadata.deletionTimestamp) ns(n); }, onDelete: ns });
    const vmi = (o: KubeObject): void => {
      for (const k of this.blocked) if (k.startsWith(`${o.metadata.namespace ?? ''}/`)) this.add(k);
    };
    caches.vmis.addHandlers({ onAdd: vmi, onUpdate: vmi, onDelete: vmi });
  }

  async start(): Promise<void> {
    this.udns.start();
    await this.udns.synced;
    this.ready = true;
    for (const u of this.udns.list()) this.add(`${u.metadata.namespace ?? ''}/${u.metadata.name ?? ''}`);
  }

  stop(): void {
    this.udns.stop();
    this.queue.stop();
  }

  /** Resolves when nothing is queued or running (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private add(key: string): void {
    if (this.ready) this.queue.add(key);
  }

  private addNamespace(ns: string): void {
    for (const u of this.udns.list()) if (u.metadata.namespace === ns) this.add(`${ns}/${u.metadata.name ?? ''}`);
  }

  private async reconcile(key: string): Promise<ReconcileResult | void> {
    const cached = this.udns.get(key);
    if (!cached) {
      this.blocked.delete(key);
      return;
    }
    const udn: KubeObject = { ...cached, apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork' };
    const ns = udn.metadata.namespace ?? '';
    if (udn.metadata.deletionTimestamp) {
      if (!(udn.metadata.finalizers ?? []).includes(UDN_PROTECTION_FINALIZER)) return;
      const r = await this.nads.release(udn, this.caches.nads.get(key));
      if (r.conflict) throw new Error(r.error);
      if (r.error !== undefined) {
        await this.setConditions(udn, [networkCreatedCondition(undefined, r.error)]);
        if (r.inUse) {
          this.blocked.add(key);
          return { requeueAfter: IN_USE_RETRY_MS };
        }
        throw new Error(r.error);
      }
      this.blocked.delete(key);
      await setProtection(this.client, udn, false);
      this.log(`userdefinednetwork ${key}: finalizer removed`);
      return;
    }
    await setProtection(this.client, udn, true);
    const r = await this.nads.ensure(udn, ns);
    if (r.conflict) throw new Error(r.error);
    const created = networkCreatedCondition(r.nad, r.error);
    await this.setConditions(udn, created.status === 'True' ? [created, NETWORK_ALLOCATION_SUCCEEDED_CONDITION] : [created]);
    if (r.transient) throw new Error(r.error);
  }

  private async setConditions(udn: KubeObject, specs: ConditionSpec[]): Promise<void> {
    const now = kubeTime();
    let conditions = conditionsOf(udn);
    let changed = false;
    for (const c of specs) {
      const r = setStatusCondition(conditions, c, now);
      conditions = r.conditions;
      changed ||= r.changed;
    }
    if (changed) await writeConditions(this.client, udn, conditions);
  }
}

/** Both UDN controllers on shared caches (NADs, namespaces, VMIs). */
export async function startUdnControllers(client: ApiClient, log: (m: string) => void = () => undefined): Promise<{ stop(): void }> {
  const caches = new UdnCaches(client);
  const udns = new UdnController(client, caches, log);
  const cudns = new CudnController(client, caches, log);
  await caches.start();
  await Promise.all([udns.start(), cudns.start()]);
  return {
    stop() {
      udns.stop();
      cudns.stop();
      caches.stop();
    },
  };
}

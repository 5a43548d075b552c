// ClusterUserDefinedNetwork controller (ovn-kubernetes clustermanager/userdefinednetwork, the CUDN half):
// the network's NAD in every namespace its selector matches; a namespace that stops matching (or is being
// deleted) loses it once no VMI there uses it. The namespaces it has a NAD in are read from the NADs it
// controls, so nothing is lost across restarts.
import { R, Informer, WorkQueue, type ApiClient, type ReconcileResult } from '../client/index.js';
import { kubeTime, type KubeObject } from '../common/object.js';
import { labelSelectorFromObject, matchesLabels, type LabelSelector } from '../common/label-selector.js';
import { UDN_PROTECTION_FINALIZER } from '../apis/k8s.ovn.org/v1/user-defined-network.js';
import { IN_USE_RETRY_MS, UdnNadWriter, setProtection, writeConditions, type SyncOutcome, type UdnCaches } from './udn-nads.js';
import { isControlledBy } from './udn/nad-template.js';
import { clusterNetworkCreatedCondition, conditionsOf, setStatusCondition } from './udn/conditions.js';

/** The namespaces a CUDN's selector picks, sorted; terminating namespaces are no longer picked. */
export function selectedNamespaces(cudn: KubeObject, namespaces: readonly KubeObject[]): string[] | { error: string } {
  const sel = (cudn.spec as { namespaceSelector?: LabelSelector } | undefined)?.namespaceSelector;
  if (!sel) return [];
  let reqs;
  try {
    reqs = labelSelectorFromObject(sel);
  } catch (e) {
    return { error: `failed to get selected namespaces: failed to create label-selector: ${(e as Error).message}` };
  }
  return namespaces
    .filter((n) => !n.metadata.deletionTimestamp && matchesLabels(reqs, n.metadata.labels))
    .map((n) => n.metadata.name ?? '')
    .sort();
}

export class CudnController {
  private readonly cudns: Informer;
  private readonly queue: WorkQueue;
  private readonly nads: UdnNadWriter;
  /** CUDN → namespaces where letting the NAD go waits for VMIs. */
  private readonly blocked = new Map<string, Set<string>>();
  private ready = false;

  constructor(private readonly client: ApiClient, private readonly caches: UdnCaches, private readonly log: (m: string) => void = () => undefined) {
    this.cudns = new Informer(client, R.cudn);
    this.nads = new UdnNadWriter(client, caches);
    this.queue = new WorkQueue((k) => this.reconcile(k), 1, (k, e) => this.log(`clusteruserdefinednetwork ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.add(o.metadata.name ?? '');
    this.cudns.addHandlers({ onAdd: self, onUpdate: self });
    // NADs and namespaces anywhere may change what a CUDN can do; there are few CUDNs.
    const all = (): void => { for (const c of this.cudns.list()) self(c); };
    caches.nads.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
    caches.namespaces.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
    const vmi = (o: KubeObject): void => {
      for (const [name, nss] of this.blocked) if (nss.has(o.metadata.namespace ?? '')) this.add(name);
    };
    caches.vmis.addHandlers({ onAdd: vmi, onUpdate: vmi, onDelete: vmi });
  }

  async start(): Promise<void> {
    this.cudns.start();
    await this.cudns.synced;
    this.ready = true;
    for (const c of this.cudns.list()) this.add(c.metadata.name ?? '');
  }

  stop(): void {
    this.cudns.stop();
    this.queue.stop();
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  private add(name: string): void {
    if (this.ready) this.queue.add(name);
  }

  private async reconcile(name: string): Promise<ReconcileResult | void> {
    const cached = this.cudns.get(name);
    if (!cached) {
      this.blocked.delete(name);
      return;
    }
    const cudn: KubeObject = { ...cached, apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork' };
    const owned = this.caches.nads.list().filter((n) => isControlledBy(n, cudn))
      .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''));
    const outcomes: SyncOutcome[] = [];
    const waiting = new Set<string>();
    const release = async (nad: KubeObject): Promise<void> => {
      const r = await this.nads.release(cudn, nad);
      if (r.inUse) waiting.add(nad.metadata.namespace ?? '');
      outcomes.push(r);
    };

    if (cudn.metadata.deletionTimestamp) {
      if (!(cudn.metadata.finalizers ?? []).includes(UDN_PROTECTION_FINALIZER)) return;
      for (const nad of owned) await release(nad);
      if (outcomes.every((o) => o.error === undefined)) {
        this.blocked.delete(name);
        await setProtection(this.client, cudn, false);
        this.log(`clusteruserdefinednetwork ${name}: finalizer removed`);
        return;
      }
      return this.finish(cudn, [], outcomes, waiting);
    }

    await setProtection(this.client, cudn, true);
    const selected = selectedNamespaces(cudn, this.caches.namespaces.list());
    if (!Array.isArray(selected)) return this.finish(cudn, [], [{ error: selected.error }], waiting);
    for (const nad of owned) if (!selected.includes(nad.metadata.namespace ?? '')) await release(nad);
    const nads: KubeObject[] = [];
    for (const ns of selected) {
      const r = await this.nads.ensure(cudn, ns);
      if (r.nad && r.error === undefined) nads.push(r.nad);
      outcomes.push(r);
    }
    return this.finish(cudn, nads, outcomes, waiting);
  }

  /** Writes the condition; errors joined one per line, as errors.Join prints them. */
  private async finish(cudn: KubeObject, nads: KubeObject[], outcomes: SyncOutcome[], waiting: Set<string>): Promise<ReconcileResult | void> {
    const name = cudn.metadata.name ?? '';
    const conflict = outcomes.find((o) => o.conflict);
    if (conflict) throw new Error(conflict.error);
    const errors = outcomes.flatMap((o) => (o.error === undefined ? [] : [o.error]));
    const cond = clusterNetworkCreatedCondition(nads, errors.length > 0 ? errors.join('\n') : undefined);
    const r = setStatusCondition(conditionsOf(cudn), cond, kubeTime());
    if (r.changed) await writeConditions(this.client, cudn, r.conditions);
    if (waiting.size > 0) this.blocked.set(name, waiting);
    else this.blocked.delete(name);
    if (outcomes.some((o) => o.transient)) throw new Error(errors.join('; '));
    if (waiting.size > 0) return { requeueAfter: IN_USE_RETRY_MS };
  }
}

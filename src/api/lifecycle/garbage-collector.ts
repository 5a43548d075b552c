// Background garbage collection by ownerReferences (kube-controller-manager's garbagecollector, simplified):
// a dependent whose owners are all gone is deleted; `orphan` and `foregroundDeletion` finalizers on an owner
// are honoured. Level-triggered: it keeps an index of live uids and dependents, fed by a store watch.
import type { KindIndex } from '../kind-index.js';
import { groupResourceOfKey } from '../kind-index.js';
import type { ResourceService } from '../resource-service.js';
import type { Store, StoreEvent, Watch } from '../storage/store.js';
import type { KubeObject } from '../../common/object.js';
import { StatusError } from '../../common/status-error.js';

interface Node {
  key: string;
  owners: string[];
}

export class GarbageCollector {
  private readonly live = new Map<string, Node>(); // uid → node
  private readonly dependents = new Map<string, Set<string>>(); // owner uid → dependent uids
  private readonly queue = new Set<string>(); // uids to look at
  private watch: Watch | undefined;
  private running = false;
  private stopped = false;

  constructor(private readonly index: KindIndex, private readonly store: Store, private readonly service: ResourceService) {}

  async start(): Promise<void> {
    const all = await this.store.list('/registry/');
    for (const s of all.items) this.observe(s.key, s.object);
    for (const [uid, n] of this.live) {
      if (n.owners.length > 0) this.queue.add(uid);
    }
    this.watch = await this.store.watch('/registry/', all.rv, {
      onEvent: (ev) => this.onEvent(ev),
      onError: () => undefined,
    });
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
  }

  private observe(key: string, obj: KubeObject): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const prev = this.live.get(uid);
    for (const o of prev?.owners ?? []) this.dependents.get(o)?.delete(uid);
    const owners = (obj.metadata.ownerReferences ?? []).map((r) => r.uid);
    this.live.set(uid, { key, owners });
    for (const o of owners) {
      let set = this.dependents.get(o);
      if (!set) this.dependents.set(o, (set = new Set()));
      set.add(uid);
    }
    const fins = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && (fins.includes('orphan') || fins.includes('foregroundDeletion'))) this.queue.add(uid);
  }

  private onEvent(ev: StoreEvent): void {
    const uid = ev.object.metadata.uid;
    if (!uid) return;
    if (ev.type === 'DELETED') {
      const n = this.live.get(uid);
      for (const o of n?.owners ?? []) {
        this.dependents.get(o)?.delete(uid);
        this.queue.add(o); // a foreground owner may be waiting for this dependent
      }
      this.live.delete(uid);
      for (const d of this.dependents.get(uid) ?? []) this.queue.add(d);
    } else {
      this.observe(ev.key, ev.object);
      if ((ev.object.metadata.ownerReferences ?? []).length > 0) this.queue.add(uid);
    }
    this.kick();
  }

  private kick(): void {
    if (this.running || this.stopped || this.queue.size === 0) return;
    this.running = true;
    setImmediate(() => {
      this.drain().catch(() => undefined).finally(() => {
        this.running = false;
        this.kick();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && !this.stopped) {
      const uid = this.queue.values().next().value as string;
      this.queue.delete(uid);
      try {
        await this.reconcile(uid);
      } catch (e) {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
      }
    }
  }

  private async reconcile(uid: string): Promise<void> {
    const n = this.live.get(uid);
    if (!n) return;
    const got = await this.store.get(n.key);
    if (!got || got.object.metadata.uid !== uid) return;
    const obj = got.object;
    const gr = groupResourceOfKey(n.key);
    const def = gr ? this.index.byGroupResource(gr[0], gr[1]) : undefined;
    if (!def) return;
    const ns = obj.metadata.namespace;
    const name = obj.metadata.name ?? '';
    const opts = { dryRun: false, fieldManager: 'garbage-collector', fieldValidation: 'Ignore' as const, version: def.versions[0]! };
    const fins = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp && fins.includes('orphan')) {
      for (const d of [...(this.dependents.get(uid) ?? [])]) await this.dropOwnerRef(d, uid);
      await this.service.update(def, ns, name, (o) => removeFinalizer(o, 'orphan'), opts);
      return;
    }
    if (obj.metadata.deletionTimestamp && fins.includes('foregroundDeletion')) {
      const deps = [...(this.dependents.get(uid) ?? [])];
      if (deps.length === 0) {
        await this.service.update(def, ns, name, (o) => removeFinalizer(o, 'foregroundDeletion'), opts);
      } else {
        for (const d of deps) await this.deleteDependent(d, 'Foreground');
      }
      return;
    }
    if (n.owners.length > 0 && n.owners.every((o) => !this.live.has(o))) {
      await this.service.delete(def, ns, name, { dryRun: false, propagationPolicy: 'Background' }, def.versions[0]!);
    }
  }

  private async deleteDependent(uid: string, policy: 'Background' | 'Foreground'): Promise<void> {
    const n = this.live.get(uid);
    if (!n) return;
    const gr = groupResourceOfKey(n.key);
    const def = gr ? this.index.byGroupResource(gr[0], gr[1]) : undefined;
    const got = await this.store.get(n.key);
    if (!def || !got || got.object.metadata.deletionTimestamp) return;
    await this.service.delete(def, got.object.metadata.namespace, got.object.metadata.name ?? '', { dryRun: false, propagationPolicy: policy }, def.versions[0]!);
  }

  private async dropOwnerRef(uid: string, owner: string): Promise<void> {
    const n = this.live.get(uid);
    if (!n) return;
    const gr = groupResourceOfKey(n.key);
    const def = gr ? this.index.byGroupResource(gr[0], gr[1]) : undefined;
    const got = await this.store.get(n.key);
    if (!def || !got) return;
    await this.service.update(def, got.object.metadata.namespace, got.object.metadata.name ?? '', (o) => {
      const refs = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner);
      if (refs.length > 0) o.metadata.ownerReferences = refs;
      else delete o.metadata.ownerReferences;
      return o;
    }, { dryRun: false, fieldManager: 'garbage-collector', fieldValidation: 'Ignore', version: def.versions[0]! });
  }
}

function removeFinalizer(o: KubeObject, f: string): KubeObject {
  const rest = (o.metadata.finalizers ?? []).filter((x) => x !== f);
  if (rest.length > 0) o.metadata.finalizers = rest;
  else delete o.metadata.finalizers;
  return o;
}

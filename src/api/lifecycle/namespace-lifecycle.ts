// Namespace deletion (kube-controller-manager's namespace controller): a terminating namespace has every
// object in it deleted; once none remains, its `kubernetes` finalizer is dropped and it goes away.
import type { KindIndex } from '../kind-index.js';
import type { ResourceService } from '../resource-service.js';
import { collectionPrefix } from '../request-info.js';
import type { Store, Watch } from '../storage/store.js';
import { StatusError } from '../../common/status-error.js';

const RECHECK_MS = 300;

export class NamespaceLifecycle {
  private watch: Watch | undefined;
  private readonly pending = new Set<string>();
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly index: KindIndex, private readonly store: Store, private readonly service: ResourceService) {}

  async start(): Promise<void> {
    const prefix = collectionPrefix('', 'namespaces', undefined);
    const list = await this.store.list(prefix);
    for (const s of list.items) if (s.object.metadata.deletionTimestamp) this.enqueue(s.object.metadata.name ?? '');
    this.watch = await this.store.watch(prefix, list.rv, {
      onEvent: (ev) => {
        if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp) this.enqueue(ev.object.metadata.name ?? '');
      },
      onError: () => undefined,
    });
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  private enqueue(ns: string): void {
    if (this.stopped || this.busy.has(ns)) {
      this.pending.add(ns);
      return;
    }
    this.busy.add(ns);
    this.sync(ns)
      .then((done) => {
        if (!done) this.pending.add(ns);
      })
      .catch(() => this.pending.add(ns))
      .finally(() => {
        this.busy.delete(ns);
        if (this.pending.size > 0 && !this.timer && !this.stopped) {
          this.timer = setTimeout(() => {
            this.timer = undefined;
            const again = [...this.pending];
            this.pending.clear();
            for (const n of again) this.enqueue(n);
          }, RECHECK_MS);
          this.timer.unref();
        }
      });
  }

  /** One pass; true when the namespace is gone or finalized. */
  private async sync(ns: string): Promise<boolean> {
    const nsDef = this.index.byKind('', 'Namespace')!;
    const got = await this.store.get(collectionPrefix('', 'namespaces', undefined) + ns);
    if (!got || !got.object.metadata.deletionTimestamp) return true;
    let remaining = 0;
    for (const def of this.index.kinds) {
      if (!def.namespaced) continue;
      const { items } = await this.store.list(collectionPrefix(def.group, def.plural, ns));
      for (const s of items) {
        remaining++;
        if (s.object.metadata.deletionTimestamp) continue;
        try {
          await this.service.delete(def, ns, s.object.metadata.name ?? '', { dryRun: false, propagationPolicy: 'Background' }, def.versions[0]!);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
    }
    if (remaining > 0) return false;
    await this.service.update(nsDef, undefined, ns, (o) => {
      o.spec = { ...(o.spec as object | undefined), finalizers: [] };
      return o;
    }, { dryRun: false, fieldManager: 'namespace-controller', fieldValidation: 'Ignore', version: 'v1' }, 'finalize');
    return true;
  }
}

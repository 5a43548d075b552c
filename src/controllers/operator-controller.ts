// The operator controller (OLM's catalog and OLM operators, for virtnet's own catalog): seeds the catalog's
// PackageManifests, resolves each Subscription against them, creates the resolved ClusterServiceVersion in
// the Subscription's namespace (owned by the Subscription: deleting it removes the CSV), walks the CSV's phase
// to Succeeded, and keeps the Subscription's status. Decisions live in operator-plan.ts.
import { R, Informer, WorkQueue, isConflict, isNotFound, objectKey, ApiError, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import {
  catalogPackages, desiredCsv, nextCsvStatus, resolveSubscription, subscriptionStatus, type CsvStatus,
} from './operator-plan.js';

const FIELD_MANAGER = 'virtnet-operator-lifecycle-manager';

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class OperatorController {
  private readonly packages: Informer;
  private readonly subscriptions: Informer;
  private readonly csvs: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient, private readonly log: (msg: string) => void = (m) => console.error(`operator-controller: ${m}`)) {
    this.packages = new Informer(client, R.packageManifest);
    this.subscriptions = new Informer(client, R.subscription);
    this.csvs = new Informer(client, R.csv);
    this.queue = new WorkQueue((key) => this.reconcile(key), 2, (key, e) => this.log(`${key}: ${(e as Error).message}`));
    const kickSub = (o: KubeObject): void => this.queue.add(objectKey(o));
    this.subscriptions.addHandlers({ onAdd: kickSub, onUpdate: kickSub });
    const kickOwner = (o: KubeObject): void => {
      for (const ref of o.metadata.ownerReferences ?? []) {
        if (ref.kind === 'Subscription') this.queue.add(`${o.metadata.namespace ?? ''}/${ref.name}`);
      }
    };
    this.csvs.addHandlers({ onAdd: kickOwner, onUpdate: kickOwner, onDelete: kickOwner });
    const kickAll = (): void => {
      for (const s of this.subscriptions.list()) this.queue.add(objectKey(s));
    };
    this.packages.addHandlers({ onAdd: kickAll, onUpdate: kickAll, onDelete: kickAll });
  }

  async start(): Promise<void> {
    await this.seedCatalog();
    for (const i of [this.packages, this.subscriptions, this.csvs]) i.start();
    await Promise.all([this.packages.synced, this.subscriptions.synced, this.csvs.synced]);
  }

  stop(): void {
    for (const i of [this.packages, this.subscriptions, this.csvs]) i.stop();
    this.queue.stop();
  }

  /** Creates the catalog's packages that are absent; existing ones are left as they are. */
  private async seedCatalog(): Promise<void> {
    for (const p of catalogPackages()) {
      try {
        await this.client.create(R.packageManifest, undefined, p, FIELD_MANAGER);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 409)) throw e;
      }
    }
  }

  private async reconcile(key: string): Promise<void> {
    const sub = this.subscriptions.get(key);
    // A deleted Subscription's CSV goes with it (ownerReference, garbage collector).
    if (!sub || sub.metadata.deletionTimestamp) return;
    const ns = sub.metadata.namespace ?? '';
    const r = resolveSubscription(sub, this.packages.list());
    let csv: KubeObject | undefined;
    if (r.ok) {
      csv = this.csvs.get(`${ns}/${r.csvName}`) ?? await this.createCsv(desiredCsv(sub, r));
      await this.advanceCsv(csv);
    }
    const status = subscriptionStatus(sub, r, csv !== undefined, nowIso());
    if (!status) return;
    try {
      await this.client.replace(R.subscription, ns, sub.metadata.name ?? '', { ...sub, status }, 'status');
    } catch (e) {
      // A newer Subscription is on its way through the informer; it brings us back here.
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }

  private async createCsv(csv: KubeObject): Promise<KubeObject> {
    const ns = csv.metadata.namespace ?? '';
    try {
      return await this.client.create(R.csv, ns, csv, FIELD_MANAGER);
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409)) throw e;
      return this.client.get(R.csv, ns, csv.metadata.name ?? '');
    }
  }

  /** One phase further (the informer's update of the CSV brings the next step). */
  private async advanceCsv(csv: KubeObject): Promise<void> {
    const next = nextCsvStatus(csv.status as CsvStatus | undefined, nowIso());
    if (!next) return;
    try {
      await this.client.replace(R.csv, csv.metadata.namespace, csv.metadata.name ?? '', { ...csv, status: next }, 'status');
    } catch (e) {
      if (!isConflict(e) && !isNotFound(e)) throw e;
    }
  }
}

// The NAD writes both UDN controllers share: make a network's NAD what it should be in one namespace, or
// let it go. Decisions are pure (udn/nad-plan.ts); this file reads caches, lists and writes.
import { R, Informer, isConflict, isNotFound, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { KeyedSerializer } from '../common/keyed-serializer.js';
import { UDN_PROTECTION_FINALIZER } from '../apis/k8s.ovn.org/v1/user-defined-network.js';
import { failedToDeleteNad, planNad, planNadRelease, type NadPlan } from './udn/nad-plan.js';

export const UDN_FIELD_MANAGER = 'user-defined-network-controller';
/** How often a deletion that waits for the network's users looks again (besides VMI events). */
export const IN_USE_RETRY_MS = 60_000;

/** The caches both controllers read (one watch each, shared). */
export class UdnCaches {
  readonly nads: Informer;
  readonly namespaces: Informer;
  readonly vmis: Informer;

  constructor(client: ApiClient) {
    this.nads = new Informer(client, R.nad);
    this.namespaces = new Informer(client, R.namespace);
    this.vmis = new Informer(client, R.vmi);
  }

  async start(): Promise<void> {
    for (const i of [this.nads, this.namespaces, this.vmis]) i.start();
    await Promise.all([this.nads.synced, this.namespaces.synced, this.vmis.synced]);
  }

  stop(): void {
    for (const i of [this.nads, this.namespaces, this.vmis]) i.stop();
  }

  nadsIn(namespace: string): KubeObject[] {
    return this.nads.list().filter((n) => n.metadata.namespace === namespace);
  }
}

export interface SyncOutcome {
  nad?: KubeObject;
  /** The SyncError text for the status. */
  error?: string;
  /** The error came from the API, not from the objects: try again with backoff. */
  transient?: boolean;
  /** Deletion waits for the network's users to go. */
  inUse?: boolean;
  /** A write lost a resourceVersion race (stale cache): retry at once, nothing worth a status. */
  conflict?: boolean;
}

// Creating a primary network's NAD must not race another creation in the same namespace, from either
// controller (upstream's createNetworkLock): one creation at a time, checked against a fresh list.
const creates = new KeyedSerializer();
function withCreateLock<T>(fn: () => Promise<T>): Promise<T> {
  return creates.run('create', fn);
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const NETWORK_ID_ANNOTATION = 'k8s.ovn.org/network-id';

function networkNameOf(nad: KubeObject): string | undefined {
  try {
    return (JSON.parse((nad.spec as { config?: string } | undefined)?.config ?? '{}') as { name?: string }).name;
  } catch {
    return undefined;
  }
}

export class UdnNadWriter {
  /** Ids handed out by this process, until the cache shows them (two networks never get one id). */
  private readonly givenIds = new Set<string>();

  constructor(private readonly client: ApiClient, private readonly caches: UdnCaches) {}

  /** updateNAD: the NAD `owner` wants in `namespace`, created or repaired. */
  async ensure(owner: KubeObject, namespace: string): Promise<SyncOutcome> {
    const name = owner.metadata.name ?? '';
    const input = {
      owner, namespace,
      namespaceObj: this.caches.namespaces.get(namespace),
      existing: this.caches.nads.get(`${namespace}/${name}`),
      nadsInNamespace: this.caches.nadsIn(namespace),
    };
    const plan = planNad(input);
    if (plan.kind !== 'create') return this.act(plan);
    return withCreateLock(async () => {
      let fresh: KubeObject[];
      try {
        fresh = (await this.client.list(R.nad, namespace)).items;
      } catch (e) {
        return { error: `failed to list NetworkAttachmentDefinition: ${messageOf(e)}`, transient: true };
      }
      return this.act(planNad({ ...input, existing: fresh.find((n) => n.metadata.name === name), nadsInNamespace: fresh }));
    });
  }

  /**
   * The network's id (OVN-Kubernetes' `k8s.ovn.org/network-id` NAD annotation; virtnet's VXLAN VNI): kept
   * once given, shared by every NAD of one network (a CUDN's), else the lowest id no network holds.
   */
  private withNetworkId(plan: NadPlan): NadPlan {
    if (plan.kind !== 'create' && plan.kind !== 'update' && plan.kind !== 'keep') return plan;
    if (plan.nad.metadata.annotations?.[NETWORK_ID_ANNOTATION]) return plan;
    const netName = networkNameOf(plan.nad);
    const nads = this.caches.nads.list();
    const same = nads.find((n) => networkNameOf(n) === netName && n.metadata.annotations?.[NETWORK_ID_ANNOTATION]);
    let id = same?.metadata.annotations?.[NETWORK_ID_ANNOTATION];
    if (!id) {
      const taken = new Set([...nads.map((n) => n.metadata.annotations?.[NETWORK_ID_ANNOTATION]), ...this.givenIds].filter((x): x is string => !!x));
      let n = 1;
      while (taken.has(String(n))) n++;
      id = String(n);
      this.givenIds.add(id);
    }
    const nad = { ...plan.nad, metadata: { ...plan.nad.metadata, annotations: { ...(plan.nad.metadata.annotations ?? {}), [NETWORK_ID_ANNOTATION]: id } } };
    return plan.kind === 'keep' ? { kind: 'update', nad } : { ...plan, nad };
  }

  private async act(input: NadPlan): Promise<SyncOutcome> {
    const plan = this.withNetworkId(input);
    switch (plan.kind) {
      case 'error':
        return { error: plan.message };
      case 'keep':
        return { nad: plan.nad };
      case 'create':
        try {
          return { nad: await this.client.create(R.nad, plan.nad.metadata.namespace, plan.nad, UDN_FIELD_MANAGER) };
        } catch (e) {
          return { error: `failed to create NetworkAttachmentDefinition: ${messageOf(e)}`, transient: true };
        }
      case 'update':
        try {
          return { nad: await this.client.replace(R.nad, plan.nad.metadata.namespace, plan.nad.metadata.name ?? '', plan.nad) };
        } catch (e) {
          return { error: `failed to update NetworkAttachmentDefinition: ${messageOf(e)}`, transient: true, conflict: isConflict(e) };
        }
    }
  }

  /** deleteNAD: unprotect and delete `nad` unless a VMI still uses it. */
  async release(owner: KubeObject, nad: KubeObject | undefined): Promise<SyncOutcome> {
    const plan = planNadRelease(owner, nad, this.caches.vmis.list());
    if (plan.kind === 'none') return {};
    if (plan.kind === 'inUse') return { error: plan.message, inUse: true };
    const ns = plan.nad.metadata.namespace ?? '';
    const name = plan.nad.metadata.name ?? '';
    const fail = (why: string, e: unknown): SyncOutcome => ({ error: failedToDeleteNad(ns, name, why), transient: true, conflict: isConflict(e) });
    try {
      const unprotected = { ...plan.nad, metadata: { ...plan.nad.metadata, finalizers: (plan.nad.metadata.finalizers ?? []).filter((f) => f !== UDN_PROTECTION_FINALIZER) } };
      await this.client.replace(R.nad, ns, name, unprotected);
    } catch (e) {
      if (!isNotFound(e)) return fail(`failed to remove NetworkAttachmentDefinition finalizer: ${messageOf(e)}`, e);
      return {};
    }
    try {
      await this.client.delete(R.nad, ns, name);
    } catch (e) {
      if (!isNotFound(e)) return fail(messageOf(e), e);
    }
    return {};
  }
}

/** Adds or removes the protection finalizer on a UDN or CUDN, guarded by its resourceVersion. */
export async function setProtection(client: ApiClient, o: KubeObject, on: boolean): Promise<void> {
  const fins = o.metadata.finalizers ?? [];
  if (fins.includes(UDN_PROTECTION_FINALIZER) === on) return;
  const next = on ? [...fins, UDN_PROTECTION_FINALIZER] : fins.filter((f) => f !== UDN_PROTECTION_FINALIZER);
  const ref = o.kind === 'ClusterUserDefinedNetwork' ? R.cudn : R.udn;
  try {
    await client.patch(ref, o.metadata.namespace, o.metadata.name ?? '', 'merge', { metadata: { finalizers: next, resourceVersion: o.metadata.resourceVersion } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Writes `status.conditions` (the whole list: it is this controller's). */
export async function writeConditions(client: ApiClient, o: KubeObject, conditions: unknown[]): Promise<void> {
  const ref = o.kind === 'ClusterUserDefinedNetwork' ? R.cudn : R.udn;
  try {
    await client.patch(ref, o.metadata.namespace, o.metadata.name ?? '', 'merge', { status: { conditions } }, { subresource: 'status', fieldManager: UDN_FIELD_MANAGER });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

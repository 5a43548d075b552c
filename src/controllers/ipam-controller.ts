// IPAM for User Defined Networks: the one owner of address allocations on overlay networks with central
// IPAM (layer2/localnet with subnets). For every VMI interface on such a network it keeps an IPAMClaim
// `<vm>.<network>` whose `status.ips` is the allocation (claim-plan.ts has the shape and lifetimes), and
// releases claims whose VM/VMI is gone.
//
// No duplicates, also across crashes:
// - picks are made in memory by one synchronous NetworkPool per network, so two reconciles of this
//   process never pick the same address, while the API writes of different VMIs run in parallel;
// - the pools are rebuilt from every claim in the API before the first allocation;
// - a pick is committed to its claim (status write guarded by resourceVersion) before anything uses it;
//   a crash between pick and write loses only the in-memory pick, and the claim without addresses is
//   filled again after the restart;
// - an address is free again only after its claim is seen deleted;
// - a 409 on a claim write re-reads the claim and adopts what it holds.
// Two controllers writing at once would each keep their own pool: run one (leader election) per cluster.
import { ApiError, Informer, R, WorkQueue, isConflict, isNotFound, ref, resourcePath, type ApiClient } from '../client/index.js';
import { kubeTime, type KubeObject, type OwnerReference } from '../common/object.js';
import { hasCentralIpam, indexUdnNads, udnAttachments, type UdnAttachment, type UdnNadIndex } from '../common/kubevirt/udn-attachments.js';
import type { VmiSpecLike } from '../common/kubevirt/vmi-networks.js';
import {
  IPAM_FINALIZER, IPS_ALLOCATED, VM_LABEL, NetworkPool, allocatedCondition, claimFate, claimInUse, claimIps, claimName,
  claimOwnerFor, claimOwnerOf, claimSpecOf, claimStatusOf, desiredClaim, launcherPodName, rangeFullError, rangeFullMessage,
  sameCondition, withCondition, type ClaimCondition, type ClaimStatus,
} from './ipam/index.js';

const IPAM_CLAIM = ref('k8s.cni.cncf.io', 'IPAMClaim');
const FIELD_MANAGER = 'virtnet-ipam-controller';

interface VmiCondition { type: string; status: string; reason?: string; message?: string; lastProbeTime?: null; lastTransitionTime?: string }

/** resourceVersions are opaque to clients, but virtnet's are integers: compare them when they are. */
function newer(a: KubeObject, b: KubeObject): boolean {
  const x = a.metadata.resourceVersion ?? '';
  const y = b.metadata.resourceVersion ?? '';
  return /^\d+$/.test(x) && /^\d+$/.test(y) ? BigInt(x) > BigInt(y) : false;
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export interface IpamControllerOptions {
  log?: (m: string) => void;
  /** Reconciles in flight (API writes overlap; picks stay serial). */
  workers?: number;
}

export class IpamController {
  private readonly vmis: Informer;
  private readonly vms: Informer;
  private readonly nads: Informer;
  private readonly claims: Informer;
  private readonly queue: WorkQueue;
  private readonly log: (m: string) => void;
  private readonly pools = new Map<string, NetworkPool>();
  /** Claims as this controller last wrote them, until the informer catches up. */
  private readonly written = new Map<string, KubeObject>();
  /** `ns/<vm label>` → claim keys, to find a VM's or VMI's claims when it goes. */
  private readonly claimsByOwner = new Map<string, Set<string>>();
  /** Network → VMIs that found it full; they are looked at again when an address is freed. */
  private readonly starved = new Map<string, Set<string>>();
  private nadIndex: UdnNadIndex | undefined;
  private ready = false;
  private readonly early = new Set<string>();

  constructor(private readonly client: ApiClient, opts: IpamControllerOptions = {}) {
    this.log = opts.log ?? (() => undefined);
    this.vmis = new Informer(client, R.vmi);
    this.vms = new Informer(client, R.vm);
    this.nads = new Informer(client, R.nad);
    this.claims = new Informer(client, IPAM_CLAIM);
    this.queue = new WorkQueue((k) => this.reconcile(k), opts.workers ?? 8, (k, e) => this.log(`ipam ${k}: ${(e as Error).message}`));

    const vmi = (o: KubeObject): void => this.enqueue(`vmi:${keyOf(o)}`);
    const ownerGone = (o: KubeObject): void => {
      for (const c of this.claimsByOwner.get(keyOf(o)) ?? []) this.enqueue(`claim:${c}`);
    };
    this.vmis.addHandlers({ onAdd: vmi, onUpdate: vmi, onDelete: ownerGone });
    this.vms.addHandlers({ onDelete: ownerGone });
    const nadChanged = (): void => {
      this.nadIndex = undefined;
      for (const v of this.vmis.list()) vmi(v);
    };
    this.nads.addHandlers({ onAdd: nadChanged, onUpdate: nadChanged, onDelete: nadChanged });
    this.claims.addHandlers({
      onAdd: (c) => this.claimSeen(c),
      onUpdate: (c) => this.claimSeen(c),
      onDelete: (c) => this.claimGone(c),
    });
  }

  async start(): Promise<void> {
    for (const i of [this.vmis, this.vms, this.nads, this.claims]) i.start();
    await Promise.all([this.vmis.synced, this.vms.synced, this.nads.synced, this.claims.synced]);
    // Every address a claim holds is taken before the first allocation (the handlers did it while the
    // lists arrived; this says so where it matters).
    for (const c of this.claims.list()) this.holdClaim(c);
    this.ready = true;
    for (const k of this.early) this.queue.add(k);
    this.early.clear();
  }

  stop(): void {
    for (const i of [this.vmis, this.vms, this.nads, this.claims]) i.stop();
    this.queue.stop();
  }

  /** Resolves when no reconcile is queued or running (tests, benchmarks). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private enqueue(k: string): void {
    if (this.ready) this.queue.add(k);
    else this.early.add(k);
  }

  private pool(network: string): NetworkPool {
    let p = this.pools.get(network);
    if (!p) this.pools.set(network, (p = new NetworkPool(network)));
    return p;
  }

  private index(): UdnNadIndex {
    this.nadIndex ??= indexUdnNads(this.nads.list());
    return this.nadIndex;
  }

  // ---- claim events: the pools follow the API ----

  private holdClaim(c: KubeObject): void {
    const network = claimSpecOf(c).network;
    const ips = claimIps(c);
    if (!network || ips.length === 0) return;
    const dup = this.pool(network).hold(keyOf(c), ips);
    for (const ip of dup) this.log(`ipam: DUPLICATE address ${ip} on network ${network}: claim ${keyOf(c)} and claim ${this.pool(network).ownerOf(ip) ?? '?'}`);
  }

  private claimSeen(c: KubeObject): void {
    const key = keyOf(c);
    const mine = this.written.get(key);
    if (mine && (mine.metadata.uid !== c.metadata.uid || !newer(mine, c))) this.written.delete(key);
    this.holdClaim(c);
    const owner = c.metadata.labels?.[VM_LABEL];
    if (owner !== undefined) {
      const ok = `${c.metadata.namespace ?? ''}/${owner}`;
      let set = this.claimsByOwner.get(ok);
      if (!set) this.claimsByOwner.set(ok, (set = new Set()));
      set.add(key);
      this.enqueue(`vmi:${ok}`);
    }
    this.enqueue(`claim:${key}`);
  }

  private claimGone(c: KubeObject): void {
    const key = keyOf(c);
    this.written.delete(key);
    const network = claimSpecOf(c).network;
    if (network) {
      const freed = this.pools.get(network)?.release(key) ?? [];
      if (freed.length > 0) {
        const waiting = this.starved.get(network);
        this.starved.delete(network);
        for (const v of waiting ?? []) this.enqueue(`vmi:${v}`);
      }
    }
    const owner = c.metadata.labels?.[VM_LABEL];
    if (owner !== undefined) {
      const ok = `${c.metadata.namespace ?? ''}/${owner}`;
      this.claimsByOwner.get(ok)?.delete(key);
      if (this.claimsByOwner.get(ok)?.size === 0) this.claimsByOwner.delete(ok);
      // A VMI may be waiting for an earlier claim of that name to go.
      this.enqueue(`vmi:${ok}`);
    }
  }

  /** The freshest copy of a claim: this controller's own last write, or the informer's. */
  private claimOf(key: string): KubeObject | undefined {
    const cached = this.claims.get(key);
    const mine = this.written.get(key);
    if (!mine) return cached;
    if (!cached) return mine;
    return mine.metadata.uid === cached.metadata.uid && newer(mine, cached) ? mine : cached;
  }

  private remember(c: KubeObject): KubeObject {
    this.written.set(keyOf(c), c);
    return c;
  }

  // ---- reconcile ----

  private async reconcile(k: string): Promise<void> {
    const colon = k.indexOf(':');
    const kind = k.slice(0, colon);
    const key = k.slice(colon + 1);
    if (kind === 'vmi') await this.reconcileVmi(key);
    else await this.reconcileClaim(key);
  }

  private async reconcileVmi(key: string): Promise<void> {
    const vmi = this.vmis.get(key);
    if (!vmi || vmi.metadata.deletionTimestamp) return;
    const ns = vmi.metadata.namespace ?? '';
    const atts = udnAttachments(ns, vmi.spec as VmiSpecLike | undefined, this.index()).filter((a) => hasCentralIpam(a.config));
    const failures: { reason: string; message: string }[] = [];
    for (const att of atts) {
      const f = await this.ensureClaim(vmi, att);
      if (f) failures.push(f);
    }
    await this.writeVmiCondition(vmi, failures);
  }

  /** Makes sure the interface's claim exists and holds addresses; says why not when it cannot. */
  private async ensureClaim(vmi: KubeObject, att: UdnAttachment): Promise<{ reason: string; message: string } | undefined> {
    const ns = vmi.metadata.namespace ?? '';
    const network = att.config.name;
    const owner = claimOwnerFor(vmi, att.config.allowPersistentIPs);
    const name = claimName(owner.name, att.network);
    const key = `${ns}/${name}`;
    const pool = this.pool(network);
    const bad = pool.setSubnets(att.config.subnets, att.config.excludeSubnets);
    if (bad.length > 0) return { reason: 'InvalidSubnet', message: `${att.network}: ${bad.join('; ')}` };

    let claim = this.claimOf(key);
    if (!claim) claim = await this.createClaim(ns, desiredClaim(ns, att, owner));
    // An earlier claim of that name is going: its delete event brings this VMI back.
    if (claim.metadata.deletionTimestamp) return undefined;
    const held = claimOwnerOf(claim);
    if (held?.uid !== owner.uid) {
      if (held && !(await this.ownerExists(ns, held))) {
        // Left by an earlier VM or VMI of this name (e.g. a non-persistent claim of the previous VMI).
        await this.release(claim);
        return undefined;
      }
      return { reason: 'ClaimConflict', message: `${att.network}: IPAMClaim ${name} belongs to ${held ? `${held.kind} ${held.name} (uid ${held.uid})` : 'another owner'}` };
    }
    if (claimSpecOf(claim).network !== network) {
      return { reason: 'ClaimConflict', message: `${att.network}: IPAMClaim ${name} is for network ${claimSpecOf(claim).network ?? ''}, not ${network}` };
    }
    if (claimIps(claim).length > 0) {
      this.starved.get(network)?.delete(keyOf(vmi));
      return undefined;
    }

    const res = pool.allocate(key);
    if ('error' in res) return { reason: 'AllocationFailed', message: `${att.network}: ${res.error}` };
    if ('full' in res) {
      let waiting = this.starved.get(network);
      if (!waiting) this.starved.set(network, (waiting = new Set()));
      waiting.add(keyOf(vmi));
      const message = rangeFullMessage(network, res.full, rangeFullError(`${ns}/${owner.name}`));
      await this.writeClaimStatus(claim, [], { type: IPS_ALLOCATED, status: 'False', reason: 'RangeFull', message }, vmi);
      return { reason: 'RangeFull', message: `${att.network}: ${message}` };
    }
    await this.commit(claim, key, pool, res.ips, vmi);
    this.starved.get(network)?.delete(keyOf(vmi));
    return undefined;
  }

  private async createClaim(ns: string, body: KubeObject): Promise<KubeObject> {
    try {
      return this.remember(await this.client.create(IPAM_CLAIM, ns, body, FIELD_MANAGER));
    } catch (e) {
      if (!isConflict(e)) throw e;
      // AlreadyExists: this controller's cache is behind; go on from what the API has.
      return this.remember(await this.client.get(IPAM_CLAIM, ns, body.metadata.name ?? ''));
    }
  }

  /** Writes the pick into the claim; only then is the address used by anyone. */
  private async commit(claim: KubeObject, key: string, pool: NetworkPool, ips: string[], vmi: KubeObject): Promise<void> {
    try {
      await this.writeClaimStatus(claim, ips, allocatedCondition(ips, pool.network), vmi);
    } catch (e) {
      if (isNotFound(e)) {
        // The claim is gone, so nobody can use the pick.
        pool.release(key);
        throw e;
      }
      if (!isConflict(e)) throw e; // unknown outcome: the pick stays reserved for this claim and is reused on retry
      const fresh = await this.client.get<KubeObject>(IPAM_CLAIM, claim.metadata.namespace, claim.metadata.name ?? '').catch((g: unknown) => {
        if (isNotFound(g)) pool.release(key);
        throw g;
      });
      this.remember(fresh);
      const theirs = claimIps(fresh);
      if (theirs.length === 0) throw e; // someone else changed it; retry with the reservation
      // The claim already holds addresses (an earlier write of ours whose answer was lost): those count.
      pool.release(key);
      this.holdClaim(fresh);
    }
  }

  private async writeClaimStatus(claim: KubeObject, ips: string[], cond: Omit<ClaimCondition, 'lastTransitionTime'>, vmi: KubeObject): Promise<void> {
    const old = claimStatusOf(claim);
    const cur = old.conditions?.find((c) => c.type === IPS_ALLOCATED);
    const ownerPod = launcherPodName(vmi.metadata.name ?? '');
    if (sameCondition(cur, cond) && (old.ips ?? []).join() === ips.join() && old.ownerPod?.name === ownerPod) return;
    const status: ClaimStatus = { ips, ownerPod: { name: ownerPod }, conditions: withCondition(old.conditions, cond, kubeTime()) };
    const updated = await this.client.patch<KubeObject>(IPAM_CLAIM, claim.metadata.namespace, claim.metadata.name ?? '', 'merge',
      { metadata: { resourceVersion: claim.metadata.resourceVersion }, status }, { subresource: 'status', fieldManager: FIELD_MANAGER });
    this.remember(updated);
  }

  /** Shows allocation failures on the VMI; flips an earlier failure to True once the addresses are there. */
  private async writeVmiCondition(vmi: KubeObject, failures: { reason: string; message: string }[]): Promise<void> {
    const conds = ((vmi.status as { conditions?: VmiCondition[] } | undefined)?.conditions ?? []);
    const cur = conds.find((c) => c.type === IPS_ALLOCATED);
    let want: { status: 'True' | 'False'; reason: string; message: string };
    if (failures.length === 0) {
      // Success is the normal case and is not written (one write less per VMI); only a shown failure is cleared.
      if (!cur || cur.status === 'True') return;
      want = { status: 'True', reason: 'IPsAllocated', message: '' };
    } else {
      want = { status: 'False', reason: failures[0]!.reason, message: failures.map((f) => f.message).join('; ') };
    }
    if (cur && cur.status === want.status && (cur.reason ?? '') === want.reason && (cur.message ?? '') === want.message) return;
    const now = kubeTime();
    const next: VmiCondition[] = [
      ...conds.filter((c) => c.type !== IPS_ALLOCATED),
      { type: IPS_ALLOCATED, ...want, lastProbeTime: null, lastTransitionTime: cur && cur.status === want.status && cur.lastTransitionTime ? cur.lastTransitionTime : now },
    ].sort((a, b) => a.type.localeCompare(b.type));
    try {
      await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'merge',
        { metadata: { resourceVersion: vmi.metadata.resourceVersion }, status: { conditions: next } }, { fieldManager: FIELD_MANAGER });
    } catch (e) {
      // A newer VMI is on its way through the informer and brings this reconcile back.
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  private async reconcileClaim(key: string): Promise<void> {
    const claim = this.claimOf(key);
    if (!claim) return;
    const owner = claimOwnerOf(claim);
    if (!owner) return;
    const ns = claim.metadata.namespace ?? '';
    let vmi = this.vmis.get(`${ns}/${owner.name}`);
    let inUse = claimInUse(claim, vmi);
    let ownerExists = inUse || (await this.ownerExists(ns, owner, true));
    if (claimFate(claim, { ownerExists, inUse }) === 'keep') return;
    // About to free addresses: ask the API itself, not a cache that may lag behind.
    vmi = await this.client.getIfExists(R.vmi, ns, owner.name);
    inUse = claimInUse(claim, vmi);
    ownerExists = inUse || (await this.ownerExists(ns, owner));
    if (claimFate(claim, { ownerExists, inUse }) === 'keep') return;
    await this.release(claim);
  }

  private async ownerExists(ns: string, ref: OwnerReference, cacheOnly = false): Promise<boolean> {
    const informer = ref.kind === 'VirtualMachine' ? this.vms : this.vmis;
    if (informer.get(`${ns}/${ref.name}`)?.metadata.uid === ref.uid) return true;
    if (cacheOnly) return false;
    try {
      const live = await this.client.get<KubeObject>(ref.kind === 'VirtualMachine' ? R.vm : R.vmi, ns, ref.name);
      return live.metadata.uid === ref.uid;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  }

  /** Drops the finalizer and deletes the claim (this incarnation only: uid preconditions). */
  private async release(claim: KubeObject): Promise<void> {
    const ns = claim.metadata.namespace;
    const name = claim.metadata.name ?? '';
    const uid = claim.metadata.uid ?? '';
    const fins = claim.metadata.finalizers ?? [];
    try {
      if (fins.includes(IPAM_FINALIZER)) {
        await this.client.patch(IPAM_CLAIM, ns, name, 'merge',
          { metadata: { uid, resourceVersion: claim.metadata.resourceVersion, finalizers: fins.filter((f) => f !== IPAM_FINALIZER) } });
      }
      if (!claim.metadata.deletionTimestamp) {
        await this.client.raw('DELETE', resourcePath(IPAM_CLAIM, ns, name), { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid } });
      }
      this.log(`ipam: released ${ns ?? ''}/${name} (${claimIps(claim).join(', ') || 'no addresses'})`);
    } catch (e) {
      if (isNotFound(e)) return;
      // 409: the claim changed (or was replaced) since it was read; its next event brings it back here.
      if (e instanceof ApiError && e.code === 409) return;
      throw e;
    }
  }
}

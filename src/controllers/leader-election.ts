// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection with a LeaseLock:
// candidates read the Lease, write it with the resourceVersion they read (a 409 means another won), and
// take it over once it has not changed for leaseDurationSeconds by their own clock. The leader renews
// every retryPeriod and stops leading when it could not for renewDeadline. A graceful stop releases the
// lease (no holder) so that a successor takes over at once.
//
// One addition to client-go: a watch on the Lease, so a candidate sees each renewal when it happens
// (not up to a jittered retry period later) and wakes exactly when the lease lapses or is released;
// takeover after a leader's death is then leaseDuration after its last renewal, not later. The
// decisions stay client-go's, from what the candidate itself read (leader-election-plan.ts).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { ApiError, isConflict, isNotFound, type ApiClient } from '../client/api-client.js';
import { Informer } from '../client/informer.js';
import { R } from '../client/resources.js';
import type { KubeObject } from '../common/object.js';
import {
  decide, fastRenew, leaseSpecFromRecord, observe, recordFromLeaseSpec, releaseRecord, renewLost, validateTiming, waitMs,
  type ElectionTiming, type LeaderElectionRecord, type Observation,
} from './leader-election-plan.js';

export const CONTROLLER_MANAGER_LEASE = { namespace: 'kube-system', name: 'virtnet-controller-manager' } as const;

export interface LeaderElectionConfig extends ElectionTiming {
  namespace: string;
  name: string;
  identity: string;
}

export interface LeaderCallbacks {
  /** We hold the lease: start the work. */
  onStartedLeading(): void;
  /** We no longer hold it (lost, or stopping): stop the work now. `lost`: not by our own stop(). */
  onStoppedLeading(lost: boolean): void;
}

type Lease = KubeObject & { spec?: Parameters<typeof recordFromLeaseSpec>[0] };

/** client-go's advice: unique per process, so that a restarted candidate never mistakes an old lease for its own. */
export function defaultIdentity(): string {
  return `${hostname()}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export class LeaderElector {
  private observed: Observation | undefined;
  private observedRv = '';
  /** The Lease as we last read or wrote it: its resourceVersion guards our next write. */
  private lease: Lease | undefined;
  private leading = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private informer: Informer<Lease> | undefined;
  private loop: Promise<void> | undefined;
  private lastHolder: string | undefined;
  private readonly desc: string;

  constructor(private readonly client: ApiClient, readonly config: LeaderElectionConfig, private readonly callbacks: LeaderCallbacks,
    private readonly log: (m: string) => void = (m) => console.error(`leader election: ${m}`),
    /** After losing the lease: campaign again (true) or stop for good (false, the caller exits). */
    private readonly rejoin = true) {
    const bad = validateTiming(config);
    if (bad) throw new Error(`leader election: ${bad}`);
    this.desc = `${config.namespace}/${config.name}`;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get holder(): string | undefined {
    return this.observed?.record.holderIdentity || undefined;
  }

  /** Starts campaigning; resolves after the first attempt (leading or not by then). */
  async start(): Promise<void> {
    this.informer = new Informer<Lease>(this.client, R.lease, this.config.namespace, { fieldSelector: `metadata.name=${this.config.name}` });
    const seen = (l: Lease): void => this.seen(l);
    this.informer.addHandlers({ onAdd: seen, onUpdate: seen, onDelete: () => this.poke() });
    this.informer.start();
    this.log(`attempting to acquire ${this.desc} as ${this.config.identity}`);
    let first!: () => void;
    const firstAttempt = new Promise<void>((r) => (first = r));
    this.loop = this.run(first);
    await firstAttempt;
  }

  /** Stops campaigning; a leader stops its work, then releases the lease. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.informer?.stop();
    this.poke();
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    this.callbacks.onStoppedLeading(false);
    await this.release();
  }

  private async run(firstAttempt: () => void): Promise<void> {
    while (!this.stopped) {
      // Campaign.
      let lastRenewStart = 0;
      for (;;) {
        const started = Date.now();
        const r = await this.tryAcquireOrRenew();
        firstAttempt();
        if (this.stopped) return;
        if (r.ok) {
          lastRenewStart = started;
          break;
        }
        await this.sleep(waitMs(r.wait, Date.now(), this.config, Math.random()));
        if (this.stopped) return;
      }
      this.leading = true;
      this.log(`acquired ${this.desc} as ${this.config.identity}`);
      this.callbacks.onStartedLeading();
      // Lead: renew every retryPeriod until renewDeadline passes without a successful renewal.
      let lost = false;
      while (!this.stopped) {
        await this.sleep(this.config.retryPeriodMs);
        if (this.stopped) break;
        const started = Date.now();
        const deadline = lastRenewStart + this.config.renewDeadlineMs;
        // A hung request must not keep us leading past the deadline: race it.
        const ok = await Promise.race([
          this.tryAcquireOrRenew().then((r) => r.ok),
          new Promise<false>((r) => setTimeout(() => r(false), Math.max(0, deadline - started)).unref()),
        ]);
        if (this.stopped) break;
        if (ok) {
          lastRenewStart = started;
        } else if (renewLost(lastRenewStart, Date.now(), this.config)) {
          lost = true;
          break;
        }
      }
      if (!lost) return;
      this.leading = false;
      this.log(`lost ${this.desc}: not renewed for ${this.config.renewDeadlineMs / 1000}s; stopping the controllers`);
      this.callbacks.onStoppedLeading(true);
      if (!this.rejoin) {
        this.stopped = true;
        this.informer?.stop();
        return;
      }
      // Forget what we wrote: a fresh read decides whether the lease is still ours.
      this.observed = undefined;
    }
  }

  /** One round of client-go's tryAcquireOrRenew. */
  private async tryAcquireOrRenew(): Promise<{ ok: boolean; wait?: { untilMs: number } }> {
    const { namespace, name, identity, leaseDurationMs } = this.config;
    try {
      // 1. The leader's fast path: write over what it last wrote.
      const fast = this.lease ? fastRenew(identity, this.observed, Date.now(), leaseDurationMs) : undefined;
      if (fast) {
        try {
          await this.write(fast);
          return { ok: true };
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          // Fall back to reading it.
        }
      }
      // 2. Read (or create) the record.
      let current: Lease | undefined;
      try {
        current = await this.client.get<Lease>(R.lease, namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      const now = Date.now();
      const record = current ? recordFromLeaseSpec(current.spec) : undefined;
      if (current && record) {
        this.lease = current;
        this.note(record, current.metadata.resourceVersion ?? '', now);
      }
      // 3./4. Decide.
      const step = decide(identity, record, this.observed, now, leaseDurationMs);
      if (step.action === 'wait') return { ok: false, wait: step };
      if (step.action === 'create') {
        const created = await this.client.create<Lease>(R.lease, namespace, {
          apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: leaseSpecFromRecord(step.record),
        });
        this.wrote(created, step.record);
        return { ok: true };
      }
      await this.write(step.record);
      return { ok: true };
    } catch (e) {
      // 409: someone else wrote first; anything else: the API is unreachable. Either way, not this round.
      if (!isConflict(e)) this.log(`${this.desc}: ${(e as Error).message}`);
      return { ok: false };
    }
  }

  private async write(record: LeaderElectionRecord): Promise<void> {
    const l = this.lease!;
    const updated = await this.client.replace<Lease>(R.lease, this.config.namespace, this.config.name, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { ...l.metadata },
      spec: { ...l.spec, ...leaseSpecFromRecord(record) },
    });
    this.wrote(updated, record);
  }

  private wrote(lease: Lease, record: LeaderElectionRecord): void {
    this.lease = lease;
    this.observed = { record, atMs: Date.now() };
    this.observedRv = lease.metadata.resourceVersion ?? '';
    this.noteHolder(record.holderIdentity);
  }

  private note(record: LeaderElectionRecord, rv: string, nowMs: number): void {
    this.observed = observe(this.observed, record, nowMs);
    this.observedRv = rv;
    this.noteHolder(record.holderIdentity);
  }

  private noteHolder(holder: string): void {
    if (holder === this.lastHolder) return;
    this.lastHolder = holder;
    if (holder !== '' && holder !== this.config.identity) this.log(`new leader: ${holder}`);
  }

  /** A watch event: a newer record moves the observation (and may end our wait). */
  private seen(l: Lease): void {
    const rv = l.metadata.resourceVersion ?? '';
    if (!newerRv(rv, this.observedRv)) return;
    const before = this.observed?.record.holderIdentity;
    const record = recordFromLeaseSpec(l.spec);
    this.note(record, rv, Date.now());
    // Renewals only push the expiry further; a release or a change of holder may end a wait now.
    if (record.holderIdentity === '' || record.holderIdentity !== before) this.poke();
  }

  private poke(): void {
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = undefined));
  }

  /** client-go's release: clear the holder if the lease is still ours, bounded by renewDeadline. */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.config;
    const attempt = async (): Promise<void> => {
      const current = await this.client.get<Lease>(R.lease, namespace, name);
      this.lease = current;
      this.note(recordFromLeaseSpec(current.spec), current.metadata.resourceVersion ?? '', Date.now());
      const rec = releaseRecord(identity, this.observed, Date.now());
      if (!rec) return;
      await this.write(rec);
      this.log(`released ${this.desc}`);
    };
    try {
      await Promise.race([attempt(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), this.config.renewDeadlineMs).unref())]);
    } catch (e) {
      if (!isNotFound(e)) this.log(`failed to release ${this.desc}: ${(e as Error).message}`);
    }
  }
}

/** resourceVersions are opaque, but ours (SQLite, etcd revisions) are integers: order them when we can. */
function newerRv(rv: string, than: string): boolean {
  if (than === '' || !/^\d+$/.test(rv) || !/^\d+$/.test(than)) return rv !== than;
  return BigInt(rv) > BigInt(than);
}

// The node's NMState handler: for every NodeNetworkConfigurationPolicy that matches this node, keeps an
// enactment `<node>.<policy>` and applies the policy's desired state under the policy's maxUnavailable
// budget (kubernetes-nmstate controllers/handler/nodenetworkconfigurationpolicy_controller.go). An apply
// that did not finish (the agent killed, an API error) leaves its enactment Progressing: the next reconcile
// resumes it in the slot it holds (interrupted-apply.ts), as upstream's handler does.
import { R, Informer, WorkQueue, isConflict, isNotFound, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { mapSelectorMatches } from '../common/label-selector.js';
import { enactmentConditions, maxUnavailableNodes, mergeConditions, unknownConditions, type Condition, type EnactmentState } from '../controllers/nncp/conditions.js';
import { applyNetworkState } from './apply-network-state.js';
import { evaluateCaptures, resolveTemplate, renderEnactmentDesiredState, parseNetworkState, type NetworkState } from './nmstate/index.js';
import { readCurrentState } from './nmstate/current-state.js';
import type { FreshStateSource } from './nmstate/fresh-state.js';
import { slotHeldFor, slotPlan } from './interrupted-apply.js';

export interface PolicyHandlerOptions {
  netns: string;
  apiAddress?: string;
  /** Upstream NNCP_MAX_RETRIES. */
  maxRetries?: number;
  /** Backoff between retries: 1 s doubling to 30 s upstream; tests shorten it. */
  retryBaseMs?: number;
  onApplied?: () => void;
  log?: (msg: string) => void;
  /** The node's state as the NNS reporter keeps it (read after the last netlink change). */
  states?: FreshStateSource;
  /** Where applies persist their checkpoint (DATA/checkpoints); none when omitted. */
  checkpointDir?: string;
  /** Test hook VIRTNET_AGENT_APPLY_PAUSE_MS: a pause between executing a plan and verifying it. */
  applyPauseMs?: number;
}

interface PolicySpec {
  nodeSelector?: Record<string, string>;
  desiredState?: unknown;
  capture?: Record<string, string>;
  maxUnavailable?: number | string;
}

const ENACTMENT_TYPES = ['Failing', 'Available', 'Progressing', 'Pending', 'Aborted'];

export function enactmentName(node: string, policy: string): string {
  return `${node}.${policy}`;
}


function conditionTrue(o: KubeObject | undefined, type: string): boolean {
  return ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/**
 * An event on an enactment (`kubectl describe nnce` shows it). Cluster-scoped objects' events live in
 * `default`, as upstream records them.
 */
export async function recordEnactmentEvent(client: ApiClient, node: string, nnceName: string,
  e: { type: 'Normal' | 'Warning'; reason: string; message: string }): Promise<void> {
  const nnce = await client.get(R.nnce, undefined, nnceName).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await client.create(R.event, 'default', {
    metadata: { generateName: `${nnceName}.` },
    involvedObject: { apiVersion: 'nmstate.io/v1beta1', kind: 'NodeNetworkConfigurationEnactment', name: nnceName, uid: nnce?.metadata.uid ?? '' },
    reason: e.reason, message: e.message, type: e.type,
    source: { component: 'nmstate-handler', host: node }, firstTimestamp: now, lastTimestamp: now, count: 1,
    reportingComponent: 'nmstate-handler', reportingInstance: node,
  }, 'virtnet-nmstate-handler');
}

export class PolicyHandler {
  private readonly policies: Informer;
  private readonly queue: WorkQueue;
  private readonly attempts = new Map<string, number>();
  private readonly log: (msg: string) => void;

  constructor(private readonly client: ApiClient, readonly node: string, private readonly opts: PolicyHandlerOptions) {
    this.log = opts.log ?? (() => undefined);
    this.policies = new Informer(client, R.nncp);
    this.queue = new WorkQueue((key) => this.reconcile(key), 1, (key, e) => this.log(`policy ${key}: ${(e as Error).message}`));
    this.policies.addHandlers({
      onAdd: (o) => this.queue.add(o.metadata.name ?? ''),
      onUpdate: (o) => this.queue.add(o.metadata.name ?? ''),
      onDelete: (o) => this.queue.add(o.metadata.name ?? ''),
    });
  }

  async start(): Promise<void> {
    this.policies.start();
    await this.policies.synced;
  }

  stop(): void {
    this.policies.stop();
    this.queue.stop();
  }

  /** Re-examines every policy (the node's labels changed). */
  resyncAll(): void {
    for (const p of this.policies.list()) this.queue.add(p.metadata.name ?? '');
  }

  private async setEnactment(name: string, policy: KubeObject, state: EnactmentState | 'unknown', extra: Record<string, unknown> = {}): Promise<void> {
    const cur = await this.client.get(R.nnce, undefined, name);
    const old = (cur.status as { conditions?: Condition[] } | undefined)?.conditions;
    const next = state === 'unknown' ? unknownConditions(ENACTMENT_TYPES) : enactmentConditions(state);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await this.client.patch(R.nnce, undefined, name, 'merge', {
      status: { conditions: mergeConditions(old, next, now), policyGeneration: policy.metadata.generation ?? 1, ...extra },
    }, { subresource: 'status', fieldManager: 'virtnet-nmstate-handler' });
  }

  private async reconcile(policyName: string): Promise<{ requeueAfter?: number } | void> {
    const nnceName = enactmentName(this.node, policyName);
    const policy = this.policies.get(policyName);
    const node = await this.client.get(R.node, undefined, this.node);
    const spec = (policy?.spec ?? {}) as PolicySpec;
    if (!policy || policy.metadata.deletionTimestamp || !mapSelectorMatches(spec.nodeSelector, node.metadata.labels)) {
      if (policy) await this.giveBackHeldSlot(policyName, nnceName);
      try {
        await this.client.delete(R.nnce, undefined, nnceName);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    const gen = policy.metadata.generation ?? 1;
    let nnce: KubeObject;
    try {
      nnce = await this.client.get(R.nnce, undefined, nnceName);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      nnce = await this.client.create(R.nnce, undefined, {
        metadata: {
          name: nnceName,
          labels: { 'nmstate.io/policy': policyName, 'nmstate.io/node': this.node },
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.node, uid: node.metadata.uid ?? '' }],
        },
      }, 'virtnet-nmstate-handler');
      await this.setEnactment(nnceName, policy, 'unknown');
      nnce = await this.client.get(R.nnce, undefined, nnceName);
    }
    const st = (nnce.status ?? {}) as { policyGeneration?: number; conditions?: Condition[] };
    const finished = conditionTrue(nnce, 'Available') || conditionTrue(nnce, 'Aborted') || (conditionTrue(nnce, 'Failing') && !conditionTrue(nnce, 'Progressing'));
    if (st.policyGeneration === gen && finished) return;

    // Take a slot of the policy's maxUnavailable budget, or wait (Pending), or give up (Aborted); an
    // interrupted apply's slot is reused, or given back when the policy has changed since.
    const slots = slotPlan(slotHeldFor(st), gen);
    if (slots.kind === 'release-then-take') {
      await this.releaseSlot(policyName, slots.generation);
      this.log(`${nnceName}: gave back the maxUnavailable slot of generation ${slots.generation}, held by an interrupted apply`);
    }
    if (slots.kind === 'reuse') this.log(`${nnceName}: resuming an interrupted apply of generation ${gen} in the maxUnavailable slot it holds`);
    const slot = slots.kind === 'reuse' ? 'taken' : await this.takeSlot(policyName, gen);
    if (slot === 'full') {
      const failing = await this.failingEnactments(policyName, gen);
      const max = await this.maxUnavailable(policyName);
      if (failing >= max) {
        await this.setEnactment(nnceName, policy, { state: 'Aborted', enactment: nnceName });
        return;
      }
      await this.setEnactment(nnceName, policy, { state: 'Pending' });
      return { requeueAfter: 500 };
    }

    await this.setEnactment(nnceName, policy, { state: 'Progressing' });
    const outcome = await this.applyPolicy(spec, nnceName, policyName, gen);
    if (outcome.ok) {
      this.attempts.delete(nnceName);
      // The slot goes back while the enactment still says Progressing (upstream's order): an agent killed
      // in between applies again (a no-op) rather than hold the slot for good next to an Available enactment.
      await this.releaseSlot(policyName, gen);
      await this.setEnactment(nnceName, policy, { state: 'Success' });
      this.opts.onApplied?.();
      return;
    }
    const attempt = (this.attempts.get(nnceName) ?? 0) + 1;
    this.attempts.set(nnceName, attempt);
    const max = this.opts.maxRetries ?? 5;
    const message = `error reconciling NodeNetworkConfigurationPolicy on node ${this.node} at desired state apply: "",\n ${outcome.error ?? 'unknown error'}`;
    // The slot stays taken by a failing node: that is what aborts the rest of the rollout.
    if (attempt >= max) {
      this.attempts.delete(nnceName);
      await this.setEnactment(nnceName, policy, { state: 'Failed', message });
      return;
    }
    await this.releaseSlot(policyName, gen);
    await this.setEnactment(nnceName, policy, { state: 'Retrying', node: this.node, attempt, max });
    return { requeueAfter: Math.min(30_000, (this.opts.retryBaseMs ?? 1000) * 2 ** (attempt - 1)) };
  }

  private async applyPolicy(spec: PolicySpec, nnceName: string, policyName: string, gen: number): Promise<{ ok: boolean; error?: string }> {
    let desired: unknown = spec.desiredState ?? {};
    let captured: Record<string, NetworkState> = {};
    try {
      if (spec.capture && Object.keys(spec.capture).length > 0) {
        const current = ((await this.opts.states?.fresh()) ?? await readCurrentState(this.opts.netns)) as unknown as NetworkState;
        captured = evaluateCaptures(spec.capture, current);
        desired = resolveTemplate(desired, captured);
      }
      await this.client.patch(R.nnce, undefined, nnceName, 'merge', {
        status: { desiredState: renderEnactmentDesiredState(parseNetworkState(desired)) },
      }, { subresource: 'status', fieldManager: 'virtnet-nmstate-handler' });
    } catch (e) {
      return { ok: false, error: `failure generating desiredState and capturedStates: ${String((e as { toString(): string }).toString())}` };
    }
    const out = await applyNetworkState(desired, {
      netns: this.opts.netns,
      ...(this.opts.apiAddress ? { apiAddress: this.opts.apiAddress } : {}),
      ...(this.opts.states ? { states: this.opts.states } : {}),
      ...(this.opts.checkpointDir ? { checkpoint: { dir: this.opts.checkpointDir, node: this.node, policy: { name: policyName, generation: gen } } } : {}),
      ...(this.opts.applyPauseMs ? { pauseAfterExecuteMs: this.opts.applyPauseMs } : {}),
      onProgress: (m) => this.log(`${nnceName}: ${m}`),
    });
    for (const w of out.warnings) await this.warn(nnceName, w);
    return out.ok ? { ok: true } : { ok: false, error: out.error ?? 'apply failed' };
  }

  /** nmstate's silent normalisations (e.g. `ipv4.enabled: false` dropping address and dhcp) as Warning events. */
  private async warn(nnceName: string, message: string): Promise<void> {
    await recordEnactmentEvent(this.client, this.node, nnceName, { type: 'Warning', reason: 'NormalizedDesiredState', message })
      .catch((e: unknown) => this.log(`event for ${nnceName}: ${(e as Error).message}`));
  }

  /** The slot an interrupted apply of a policy that no longer applies here still holds goes back. */
  private async giveBackHeldSlot(policyName: string, nnceName: string): Promise<void> {
    let nnce: KubeObject;
    try {
      nnce = await this.client.get(R.nnce, undefined, nnceName);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    const held = slotHeldFor(nnce.status as { conditions?: Condition[]; policyGeneration?: number } | undefined);
    if (held === undefined) return;
    try {
      await this.releaseSlot(policyName, held);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.log(`${nnceName}: gave back the maxUnavailable slot of generation ${held}, held by an interrupted apply`);
  }

  private async enactmentsOf(policyName: string): Promise<KubeObject[]> {
    return (await this.client.list(R.nnce, undefined, { labelSelector: `nmstate.io/policy=${policyName}` })).items;
  }

  private async maxUnavailable(policyName: string): Promise<number> {
    const policy = await this.client.get(R.nncp, undefined, policyName);
    const n = (await this.enactmentsOf(policyName)).length;
    return maxUnavailableNodes((policy.spec as PolicySpec | undefined)?.maxUnavailable, n);
  }

  private async failingEnactments(policyName: string, gen: number): Promise<number> {
    return (await this.enactmentsOf(policyName)).filter((e) =>
      (e.status as { policyGeneration?: number } | undefined)?.policyGeneration === gen && conditionTrue(e, 'Failing') && !conditionTrue(e, 'Progressing')).length;
  }

  /**
   * Changes status.unavailableNodeCountMap[gen] by `delta` with optimistic concurrency (retried on a lost
   * race). `limit(used, policy)` may refuse the change: false is returned and nothing is written.
   */
  private async adjustSlots(policyName: string, gen: number, delta: 1 | -1,
    limit: (used: number, policy: KubeObject) => Promise<boolean> = async () => true): Promise<boolean> {
    for (;;) {
      const policy = await this.client.get(R.nncp, undefined, policyName);
      const map = ((policy.status as { unavailableNodeCountMap?: Record<string, number> } | undefined)?.unavailableNodeCountMap) ?? {};
      const used = map[String(gen)] ?? 0;
      if (!(await limit(used, policy))) return false;
      try {
        await this.client.patch(R.nncp, undefined, policyName, 'merge', {
          metadata: { resourceVersion: policy.metadata.resourceVersion },
          status: { unavailableNodeCountMap: { ...map, [String(gen)]: Math.max(0, used + delta) } },
        }, { subresource: 'status', fieldManager: 'virtnet-nmstate-handler' });
        return true;
      } catch (e) {
        if (!isConflict(e)) throw e;
      }
    }
  }

  /** Takes a slot of the policy's maxUnavailable budget, or reports the budget full. */
  private async takeSlot(policyName: string, gen: number): Promise<'taken' | 'full'> {
    const below = async (used: number, policy: KubeObject): Promise<boolean> =>
      used < maxUnavailableNodes((policy.spec as PolicySpec | undefined)?.maxUnavailable, (await this.enactmentsOf(policyName)).length);
    return (await this.adjustSlots(policyName, gen, 1, below)) ? 'taken' : 'full';
  }

  private async releaseSlot(policyName: string, gen: number): Promise<void> {
    await this.adjustSlots(policyName, gen, -1);
  }
}

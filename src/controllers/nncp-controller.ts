// NodeNetworkConfigurationPolicy status: Available/Degraded/Progressing/Ignored from the policy's
// enactments and the nodes that run an NMState handler (reference §2). Level-triggered: any change of a
// policy, enactment, node or NodeNetworkState re-examines the policies it may affect.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { mapSelectorMatches } from '../common/label-selector.js';
import { policyConditions, mergeConditions, type Condition, type EnactmentCounts } from './nncp/conditions.js';

function trueCond(o: KubeObject, type: string): boolean {
  return ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}


/** Pure: the counts of reference §2 for one policy. */
export function countEnactments(policy: KubeObject, nodes: KubeObject[], handlerNodes: Set<string>, enactments: KubeObject[]): EnactmentCounts {
  const selector = (policy.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector;
  const matching = nodes.filter((n) => handlerNodes.has(n.metadata.name ?? '') && mapSelectorMatches(selector, n.metadata.labels));
  const ready = matching.filter((n) => trueCond(n, 'Ready'));
  const gen = policy.metadata.generation ?? 1;
  const mine = enactments.filter((e) => e.metadata.labels?.['nmstate.io/policy'] === policy.metadata.name
    && (e.status as { policyGeneration?: number } | undefined)?.policyGeneration === gen);
  const count = (f: (e: KubeObject) => boolean): number => mine.filter(f).length;
  const c: EnactmentCounts = {
    matching: matching.length,
    ready: ready.length,
    available: count((e) => trueCond(e, 'Available')),
    failing: count((e) => trueCond(e, 'Failing') && !trueCond(e, 'Progressing')),
    aborted: count((e) => trueCond(e, 'Aborted')),
    pending: count((e) => trueCond(e, 'Pending')),
  };
  const notReady = matching.length - ready.length;
  if (notReady > 0) c.notReadyIgnored = notReady;
  return c;
}

export class NncpController {
  private readonly policies: Informer;
  private readonly enactments: Informer;
  private readonly nodes: Informer;
  private readonly states: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient) {
    this.policies = new Informer(client, R.nncp);
    this.enactments = new Informer(client, R.nnce);
    this.nodes = new Informer(client, R.node);
    this.states = new Informer(client, R.nns);
    this.queue = new WorkQueue((k) => this.reconcile(k), 1);
    const one = (o: KubeObject): void => this.queue.add(o.metadata.name ?? '');
    this.policies.addHandlers({ onAdd: one, onUpdate: one });
    const byLabel = (o: KubeObject): void => {
      const p = o.metadata.labels?.['nmstate.io/policy'];
      if (p) this.queue.add(p);
    };
    this.enactments.addHandlers({ onAdd: byLabel, onUpdate: byLabel, onDelete: byLabel });
    const all = (): void => {
      for (const p of this.policies.list()) this.queue.add(p.metadata.name ?? '');
    };
    this.nodes.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
    this.states.addHandlers({ onAdd: all, onDelete: all });
  }

  async start(): Promise<void> {
    for (const i of [this.policies, this.enactments, this.nodes, this.states]) i.start();
    await Promise.all([this.policies.synced, this.enactments.synced, this.nodes.synced, this.states.synced]);
  }

  stop(): void {
    for (const i of [this.policies, this.enactments, this.nodes, this.states]) i.stop();
    this.queue.stop();
  }

  private async reconcile(name: string): Promise<void> {
    const policy = this.policies.get(name);
    if (!policy || policy.metadata.deletionTimestamp) return;
    const handlerNodes = new Set(this.states.list().map((s) => s.metadata.name ?? ''));
    const counts = countEnactments(policy, this.nodes.list(), handlerNodes, this.enactments.list());
    const next = policyConditions(counts);
    const old = (policy.status as { conditions?: Condition[] } | undefined)?.conditions;
    const same = old !== undefined && next.every((c) => old.some((o) => o.type === c.type && o.status === c.status && o.reason === c.reason && o.message === c.message));
    if (same) return;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status: Record<string, unknown> = { conditions: mergeConditions(old, next, now) };
    // Rule 5 resets the slot counter once everything is configured.
    if (next.some((c) => c.type === 'Available' && c.status === 'True')) status.unavailableNodeCountMap = null;
    try {
      await this.client.patch(R.nncp, undefined, name, 'merge', { status }, { subresource: 'status', fieldManager: 'nncp-controller' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

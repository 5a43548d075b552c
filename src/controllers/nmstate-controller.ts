// The NMState instance (kubernetes-nmstate's operator, reference §1): the oldest instance is kept and any
// later one deleted; its status reads Progressing/Deploying until every node it selects runs a handler
// (has a NodeNetworkState), then Available/SuccessfullyDeployed.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { mapSelectorMatches } from '../common/label-selector.js';
import { mergeConditions, type Condition } from './nncp/conditions.js';

const DEFAULT_SELECTOR: Record<string, string> = { 'kubernetes.io/os': 'linux' };


/** Pure: which instances to delete (all but the oldest) and the conditions of the kept one. */
export function nmstatePlan(instances: KubeObject[], nodes: KubeObject[], handlerNodes: Set<string>): { keep?: KubeObject; remove: KubeObject[]; conditions: Condition[] } {
  const live = instances.filter((i) => !i.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const keep = live[0];
  if (!keep) return { remove: [], conditions: [] };
  const sel = (keep.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector ?? DEFAULT_SELECTOR;
  const wanted = nodes.filter((n) => mapSelectorMatches(sel, n.metadata.labels)).map((n) => n.metadata.name ?? '');
  const ready = wanted.every((n) => handlerNodes.has(n));
  const conditions: Condition[] = ready
    ? [
      { type: 'Available', status: 'True', reason: 'SuccessfullyDeployed', message: 'All components are available and ready' },
      { type: 'Progressing', status: 'False', reason: 'SuccessfullyDeployed', message: '' },
      { type: 'Degraded', status: 'False', reason: 'SuccessfullyDeployed', message: '' },
    ]
    : [
      { type: 'Available', status: 'False', reason: 'Deploying', message: '' },
      { type: 'Progressing', status: 'True', reason: 'Deploying', message: 'Deploying is in progress' },
      { type: 'Degraded', status: 'False', reason: 'Deploying', message: '' },
    ];
  return { keep, remove: live.slice(1), conditions };
}

export class NmstateController {
  private readonly instances: Informer;
  private readonly nodes: Informer;
  private readonly states: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient) {
    this.instances = new Informer(client, R.nmstate);
    this.nodes = new Informer(client, R.node);
    this.states = new Informer(client, R.nns);
    this.queue = new WorkQueue(() => this.reconcile(), 1);
    const kick = (): void => this.queue.add('nmstate');
    for (const i of [this.instances, this.nodes, this.states]) i.addHandlers({ onAdd: kick, onUpdate: kick, onDelete: kick });
  }

  async start(): Promise<void> {
    for (const i of [this.instances, this.nodes, this.states]) i.start();
    await Promise.all([this.instances.synced, this.nodes.synced, this.states.synced]);
  }

  stop(): void {
    for (const i of [this.instances, this.nodes, this.states]) i.stop();
    this.queue.stop();
  }

  private async reconcile(): Promise<void> {
    const plan = nmstatePlan(this.instances.list(), this.nodes.list(), new Set(this.states.list().map((s) => s.metadata.name ?? '')));
    for (const r of plan.remove) {
      try {
        await this.client.delete(R.nmstate, undefined, r.metadata.name ?? '');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    if (!plan.keep) return;
    const old = (plan.keep.status as { conditions?: Condition[] } | undefined)?.conditions;
    if (old && plan.conditions.every((c) => old.some((o) => o.type === c.type && o.status === c.status && o.reason === c.reason))) return;
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await this.client.patch(R.nmstate, undefined, plan.keep.metadata.name ?? '', 'merge',
      { status: { conditions: mergeConditions(old, plan.conditions, now) } }, { subresource: 'status', fieldManager: 'nmstate-operator' });
  }
}

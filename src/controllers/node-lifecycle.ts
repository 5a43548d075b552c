// Node lifecycle (kube-controller-manager's node-lifecycle controller, simplified): a Node whose Lease in
// kube-node-lease has not been renewed within the grace period gets Ready=Unknown, as upstream words it.
import { R, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { nextFreeSlice } from './vm/pod-cidr.js';

export interface NodeLifecycleOptions {
  /** Upstream's --node-monitor-grace-period is 40 s; the lab uses less. */
  gracePeriodMs?: number;
  checkEveryMs?: number;
  now?: () => number;
}

interface NodeCondition { type: string; status: string; reason?: string; message?: string; lastHeartbeatTime?: string; lastTransitionTime?: string }

/** Pure: which nodes must turn Unknown, given nodes, their leases' renew times and now. */
export function staleNodes(nodes: KubeObject[], renewTimes: Map<string, number>, now: number, graceMs: number): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    const name = n.metadata.name ?? '';
    const ready = ((n.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'Unknown') continue;
    const renewed = renewTimes.get(name);
    if (renewed === undefined || now - renewed > graceMs) out.push(name);
  }
  return out;
}

export class NodeLifecycleController {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly client: ApiClient, private readonly opts: NodeLifecycleOptions = {}) {}

  start(): void {
    const loop = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.sync().catch(() => undefined).finally(loop);
      }, this.opts.checkEveryMs ?? 1000);
      this.timer.unref();
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  async sync(): Promise<void> {
    const now = this.opts.now?.() ?? Date.now();
    const [nodes, leases] = await Promise.all([
      this.client.list(R.node),
      this.client.list(R.lease, 'kube-node-lease'),
    ]);
    const renew = new Map<string, number>();
    for (const l of leases.items) {
      const t = (l.spec as { renewTime?: string } | undefined)?.renewTime;
      if (t) renew.set(l.metadata.name ?? '', Date.parse(t));
    }
    await this.assignPodCidrs(nodes.items);
    const t = new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z');
    for (const name of staleNodes(nodes.items, renew, now, this.opts.gracePeriodMs ?? 10_000)) {
      const node = nodes.items.find((n) => n.metadata.name === name)!;
      const conds = ((node.status as { conditions?: NodeCondition[] } | undefined)?.conditions ?? []).map((c) =>
        c.type === 'Ready'
          ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: t }
          : c);
      await this.client.patch(R.node, undefined, name, 'merge', { status: { conditions: conds } }, { subresource: 'status', fieldManager: 'node-lifecycle-controller' });
    }
  }

  /** Node IPAM: every node without `spec.podCIDR` gets the lowest free slice of the cluster network. */
  private async assignPodCidrs(nodes: KubeObject[]): Promise<void> {
    const taken = new Set(nodes.map((n) => (n.spec as { podCIDR?: string } | undefined)?.podCIDR).filter((c): c is string => !!c));
    for (const n of nodes.sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
      if ((n.spec as { podCIDR?: string } | undefined)?.podCIDR) continue;
      const cidr = nextFreeSlice(taken);
      if (!cidr) return;
      taken.add(cidr);
      await this.client.patch(R.node, undefined, n.metadata.name ?? '', 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { fieldManager: 'node-ipam-controller' });
    }
  }
}

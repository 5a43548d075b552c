// The node agent's heartbeat, as the kubelet's: registers its Node, renews its Lease in
// kube-node-lease, and posts the Ready condition. The node-lifecycle controller turns Ready to
// Unknown when the Lease stops being renewed.
import { ApiError, R, isNotFound, isConflict, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';

export interface HeartbeatOptions {
  intervalMs?: number;
  leaseDurationSeconds?: number;
  /** Labels a newly registered Node gets (the lab passes the real-cluster labels). */
  labels?: Record<string, string>;
  addresses?: { type: string; address: string }[];
  onError?: (e: unknown) => void;
  /** The Node's status is written at least this often even when nothing changed (default 60 s; the kubelet's is 5 min). */
  statusReportMs?: number;
  /** Registration attempts while the API is unreachable (default 30: about 2 minutes). */
  registerAttempts?: number;
}

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
export function microTime(d = new Date()): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Errors worth retrying: no answer at all (the client's code 0), or the server's own trouble (5xx, 429). */
function transient(e: unknown): boolean {
  if (e instanceof ApiError) return e.code === 0 || e.code >= 500 || e.code === 429;
  return e instanceof Error;
}

export class NodeHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly client: ApiClient, readonly node: string, private readonly opts: HeartbeatOptions = {}) {}

  async start(): Promise<void> {
    this.stopped = false;
    // As the kubelet does, registration is retried while the API is out of reach (a load balancer still
    // checking its servers, a server restarting); a refusal (401, 403, a bad object) ends the start.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.register();
        break;
      } catch (e) {
        if (this.stopped || !transient(e) || attempt >= (this.opts.registerAttempts ?? 30)) throw e;
        this.opts.onError?.(new Error(`Unable to register node ${this.node} with API server: ${(e as Error).message}; retrying`));
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** Math.min(attempt, 5))));
      }
    }
    await this.beat();
    const loop = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.beat().catch((e: unknown) => this.opts.onError?.(e)).finally(loop);
      }, this.opts.intervalMs ?? 2000);
    };
    loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async register(): Promise<void> {
    try {
      await this.client.get(R.node, undefined, this.node);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      try {
        await this.client.create(R.node, undefined, {
          metadata: { name: this.node, labels: { 'kubernetes.io/hostname': this.node, 'kubernetes.io/os': 'linux', ...this.opts.labels } },
        }, 'virtnet-agent');
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** One heartbeat: renew the Lease, post Ready. */
  async beat(): Promise<void> {
    const now = new Date();
    const lease = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: this.node, namespace: NODE_LEASE_NAMESPACE },
      spec: { holderIdentity: this.node, leaseDurationSeconds: this.opts.leaseDurationSeconds ?? 10, renewTime: microTime(now) },
    };
    await this.client.patch(R.lease, NODE_LEASE_NAMESPACE, this.node, 'apply', lease, { fieldManager: 'virtnet-agent', force: true });
    const t = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const node = await this.client.get<KubeObject>(R.node, undefined, this.node);
    const nodeStatus = (node.status ?? {}) as { conditions?: { type: string; status: string; lastHeartbeatTime?: string; lastTransitionTime?: string }[]; addresses?: unknown };
    const conds = nodeStatus.conditions ?? [];
    const prev = conds.find((c) => c.type === 'Ready');
    // As the kubelet: the Lease is the liveness signal; the Node's status is written only when it changes
    // (Ready not True, e.g. after the controller marked it Unknown; other addresses) or when the last report
    // is older than the report period. Every Node write goes to every watcher of Nodes — each agent is one.
    const lastReport = prev?.lastHeartbeatTime ? Date.parse(prev.lastHeartbeatTime) : 0;
    const addressesChanged = this.opts.addresses !== undefined && JSON.stringify(nodeStatus.addresses ?? []) !== JSON.stringify(this.opts.addresses);
    if (prev?.status === 'True' && !addressesChanged && now.getTime() - lastReport < (this.opts.statusReportMs ?? 60_000)) return;
    const ready = {
      type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'virtnet agent is posting ready status',
      lastHeartbeatTime: t, lastTransitionTime: prev?.status === 'True' && prev.lastTransitionTime ? prev.lastTransitionTime : t,
    };
    const status: Record<string, unknown> = { conditions: [...conds.filter((c) => c.type !== 'Ready'), ready] };
    if (this.opts.addresses) status.addresses = this.opts.addresses;
    await this.client.patch(R.node, undefined, this.node, 'merge', { status }, { subresource: 'status', fieldManager: 'virtnet-agent' });
  }
}

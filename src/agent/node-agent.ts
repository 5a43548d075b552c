// The node agent: heartbeat always; the NMState handler role (NodeNetworkState reporter and policy
// handler) while the NMState operator is installed (a ClusterServiceVersion of its package has Succeeded)
// and an NMState instance exists whose nodeSelector matches this node. Before anything else it restores the
// checkpoint of an apply its predecessor was killed in the middle of (restore-checkpoint.ts).
import { R, Informer, type ApiClient } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { NMSTATE_PACKAGE, PACKAGE_LABEL } from '../apis/operators.virtnet.io/names.js';
import { packageInstalled } from '../controllers/operator-plan.js';
import { NodeHeartbeat } from './heartbeat.js';
import { NnsReporter } from './nns-reporter.js';
import { PolicyHandler, enactmentName, recordEnactmentEvent } from './policy-handler.js';
import { restoreInterruptedApply } from './restore-checkpoint.js';
import { mapSelectorMatches } from '../common/label-selector.js';
import { VmHandler, type VmHandlerOptions } from './vm/vm-handler.js';

export interface NodeAgentOptions {
  node: string;
  /** The node's network namespace (the lab); the agent's own when omitted. */
  netns: string;
  labels?: Record<string, string>;
  address?: string;
  apiAddress?: string;
  heartbeatMs?: number;
  nnsPeriodMs?: number;
  retryBaseMs?: number;
  log?: (msg: string) => void;
  /** Where policy applies persist their checkpoint (DATA/checkpoints); none when omitted. */
  checkpointDir?: string;
  /** Test hook (VIRTNET_AGENT_APPLY_PAUSE_MS): a pause between executing a plan and verifying it. */
  applyPauseMs?: number;
  /** The VM role (virt-handler): runs the VMIs placed on this node. Off when omitted. */
  vm?: Omit<VmHandlerOptions, 'node' | 'log'>;
}

const DEFAULT_NMSTATE_SELECTOR = { 'kubernetes.io/os': 'linux' };

export class NodeAgent {
  private readonly heartbeat: NodeHeartbeat;
  private readonly nmstates: Informer;
  private readonly nodeInformer: Informer;
  private readonly csvs: Informer;
  private handler: { nns: NnsReporter; policies: PolicyHandler } | undefined;
  private readonly vms: VmHandler | undefined;
  private switching: Promise<void> = Promise.resolve();
  private readonly log: (msg: string) => void;

  constructor(private readonly client: ApiClient, private readonly opts: NodeAgentOptions) {
    this.log = opts.log ?? ((m) => console.log(`[${opts.node}] ${m}`));
    this.heartbeat = new NodeHeartbeat(client, opts.node, {
      intervalMs: opts.heartbeatMs ?? 2000,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.address ? { addresses: [{ type: 'InternalIP', address: opts.address }, { type: 'Hostname', address: opts.node }] } : {}),
      onError: (e) => this.log(`heartbeat: ${(e as Error).message}`),
    });
    if (opts.vm) this.vms = new VmHandler(client, { ...opts.vm, node: opts.node, log: this.log });
    this.nmstates = new Informer(client, R.nmstate);
    this.nodeInformer = new Informer(client, R.node, undefined, { fieldSelector: `metadata.name=${opts.node}` });
    this.csvs = new Informer(client, R.csv, undefined, { labelSelector: `${PACKAGE_LABEL}=${NMSTATE_PACKAGE}` });
    const reconsider = (): void => {
      this.switching = this.switching.then(() => this.reconsider()).catch((e: unknown) => this.log(`nmstate handler: ${(e as Error).message}`));
    };
    this.nmstates.addHandlers({ onAdd: reconsider, onUpdate: reconsider, onDelete: reconsider });
    this.csvs.addHandlers({ onAdd: reconsider, onUpdate: reconsider, onDelete: reconsider });
    this.nodeInformer.addHandlers({
      onAdd: reconsider,
      onUpdate: (n, old) => {
        reconsider();
        if (JSON.stringify(n.metadata.labels) !== JSON.stringify(old.metadata.labels)) this.handler?.policies.resyncAll();
      },
    });
  }

  async start(): Promise<void> {
    const restored = this.opts.checkpointDir === undefined ? undefined
      : await restoreInterruptedApply({ dir: this.opts.checkpointDir, node: this.opts.node, netns: this.opts.netns, log: this.log })
        .catch((e: unknown) => {
          this.log(`restoring a leftover checkpoint: ${(e as Error).message}`);
          return undefined;
        });
    await this.heartbeat.start();
    if (restored?.policy) {
      const nnce = enactmentName(this.opts.node, restored.policy.name);
      await recordEnactmentEvent(this.client, this.opts.node, nnce, {
        type: 'Warning',
        reason: restored.error === undefined ? 'CheckpointRestored' : 'CheckpointRestoreFailed',
        message: restored.error === undefined
          ? `${restored.message}: the node agent stopped in the middle of it; the node is back to its state before it, and the policy is applied again`
          : restored.message,
      }).catch((e: unknown) => this.log(`event for ${nnce}: ${(e as Error).message}`));
    }
    this.nodeInformer.start();
    this.nmstates.start();
    this.csvs.start();
    await Promise.all([this.nodeInformer.synced, this.nmstates.synced, this.csvs.synced]);
    await this.switching;
    await this.vms?.start();
  }

  async stop(): Promise<void> {
    this.heartbeat.stop();
    this.vms?.stop();
    this.nmstates.stop();
    this.csvs.stop();
    this.nodeInformer.stop();
    await this.switching;
    this.stopHandler();
  }

  /**
   * Is the NMState operator installed (some CSV of its package Succeeded), and is there an NMState instance
   * (the oldest one counts, as upstream) selecting this node?
   */
  private wanted(): boolean {
    if (!packageInstalled(this.csvs.list(), NMSTATE_PACKAGE)) return false;
    const instances = this.nmstates.list().filter((o) => !o.metadata.deletionTimestamp)
      .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    const nm = instances[0];
    const node: KubeObject | undefined = this.nodeInformer.get(this.opts.node);
    if (!nm || !node) return false;
    const sel = (nm.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector ?? DEFAULT_NMSTATE_SELECTOR;
    return mapSelectorMatches(sel, node.metadata.labels);
  }

  private async reconsider(): Promise<void> {
    const want = this.wanted();
    if (want && !this.handler) {
      const nns = new NnsReporter(this.client, this.opts.node, { netns: this.opts.netns, periodMs: this.opts.nnsPeriodMs ?? 60_000, onError: (e) => this.log(`nns: ${(e as Error).message}`) });
      const policies = new PolicyHandler(this.client, this.opts.node, {
        netns: this.opts.netns,
        ...(this.opts.apiAddress ? { apiAddress: this.opts.apiAddress } : {}),
        ...(this.opts.retryBaseMs !== undefined ? { retryBaseMs: this.opts.retryBaseMs } : {}),
        ...(this.opts.checkpointDir !== undefined ? { checkpointDir: this.opts.checkpointDir } : {}),
        ...(this.opts.applyPauseMs !== undefined ? { applyPauseMs: this.opts.applyPauseMs } : {}),
        onApplied: () => {
          nns.kick();
          this.vms?.kickBridgeMarker();
        },
        states: nns.states,
        log: this.log,
      });
      this.handler = { nns, policies };
      await nns.start();
      await policies.start();
      this.log('nmstate handler started');
    } else if (!want && this.handler) {
      this.stopHandler();
      this.log('nmstate handler stopped');
    }
  }

  private stopHandler(): void {
    this.handler?.nns.stop();
    this.handler?.policies.stop();
    this.handler = undefined;
  }
}

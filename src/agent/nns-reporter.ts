// Reports this node's NodeNetworkState: on start, within a moment of any netlink change, and
// periodically (upstream: 60 s with up to 10 % jitter). Written only when the state changed.
// Its reads go through `states`, which keeps the last one while no netlink change has come in since: the
// policy handler starts an apply from it instead of reading again.
import { R, isNotFound, type ApiClient } from '../client/index.js';
import { readCurrentState, type CurrentState } from './nmstate/current-state.js';
import { CurrentStateCache } from './nmstate/fresh-state.js';
import { watchNetlink, type NetlinkMonitor } from './nmstate/netlink-monitor.js';
import type { KubeObject } from '../common/object.js';

export interface NnsReporterOptions {
  netns: string | undefined;
  periodMs?: number;
  onError?: (e: unknown) => void;
}

/**
 * What the NNS shows. Upstream's filter (pkg/state/filter.go) drops veths in state `ignore`, bridge
 * timers and address lifetimes; our reader never reports those, so the state passes through.
 */
export function filterState(s: CurrentState): CurrentState {
  return s;
}

export class NnsReporter {
  private monitor: NetlinkMonitor | undefined;
  private timer: NodeJS.Timeout | undefined;
  private last = '';
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** The node's state, kept while the monitor has seen no change since it was read. */
  readonly states: CurrentStateCache;

  constructor(private readonly client: ApiClient, readonly node: string, private readonly opts: NnsReporterOptions) {
    this.states = new CurrentStateCache(() => readCurrentState(opts.netns));
  }

  async start(): Promise<void> {
    // The monitor first, subscribed before the first read, so that no change falls between the two.
    this.monitor = watchNetlink(this.opts.netns);
    this.monitor.on('error', (e: Error) => this.opts.onError?.(e));
    await this.states.attach(this.monitor);
    const first = this.refresh();
    this.running = first.catch(() => undefined).finally(() => this.settled());
    this.monitor.on('changed', () => this.kick());
    await first;
    const period = this.opts.periodMs ?? 60_000;
    const tick = (): void => {
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.kick();
        tick();
      }, period * (1 + Math.random() * 0.1));
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.states.detach();
    void this.monitor?.close();
  }

  /** Refresh soon; coalesces bursts (one refresh runs at a time, one more follows if asked meanwhile). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.refresh()
      .catch((e: unknown) => this.opts.onError?.(e))
      .finally(() => this.settled());
  }

  private settled(): void {
    this.running = undefined;
    if (this.again) {
      this.again = false;
      this.kick();
    }
  }

  async refresh(): Promise<void> {
    const state = filterState(await this.states.read());
    const json = JSON.stringify(state);
    if (json === this.last) return;
    await this.ensureObject();
    await this.client.patch(R.nns, undefined, this.node, 'merge', {
      status: {
        currentState: state,
        lastSuccessfulUpdateTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        handlerNmstateVersion: 'virtnet-0.1.0',
      },
    }, { subresource: 'status', fieldManager: 'virtnet-nmstate-handler' });
    this.last = json;
  }

  private async ensureObject(): Promise<void> {
    try {
      await this.client.get(R.nns, undefined, this.node);
    } catch (e) {
      if (!isNotFound(e)) throw e;
      const node = await this.client.get<KubeObject>(R.node, undefined, this.node);
      await this.client.create(R.nns, undefined, {
        metadata: {
          name: this.node,
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: this.node, uid: node.metadata.uid ?? '' }],
        },
      }, 'virtnet-nmstate-handler');
    }
  }
}

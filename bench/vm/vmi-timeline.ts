// When each VMI of a namespace reached each step, as seen through one watch (no polling): created (by the
// VM controller), scheduled (status.nodeName, by the VMI controller), Running (by the node agent), and its
// flat NIC's DHCP address reported (the agent again, from the guest). Times are performance.now() at the
// arrival of the first watch event showing the step.
import { Informer, R, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { FLAT_NIC } from './manifests.js';

export interface VmiSteps {
  created?: number;
  scheduled?: number;
  running?: number;
  addressed?: number;
  node?: string;
  address?: string;
  uid?: string;
  runtimePrefix?: string;
  /** The runtime's state root on the node (virtnet.io/runtime-state): `<root>/<uid>/` holds the udhcpc logs. */
  stateRoot?: string;
}

interface VmiStatus { phase?: string; nodeName?: string; interfaces?: { name?: string; ipAddress?: string }[] }

export class VmiTimeline {
  private readonly informer: Informer;
  readonly steps = new Map<string, VmiSteps>();
  private readonly waiters = new Set<() => void>();

  constructor(client: ApiClient, namespace: string) {
    this.informer = new Informer(client, R.vmi, namespace);
    const see = (o: KubeObject): void => this.see(o);
    this.informer.addHandlers({ onAdd: see, onUpdate: see, onDelete: () => this.wake() });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.synced;
  }

  stop(): void {
    this.informer.stop();
  }

  private see(o: KubeObject): void {
    const now = performance.now();
    const name = o.metadata.name ?? '';
    const s = this.steps.get(name) ?? {};
    this.steps.set(name, s);
    const st = (o.status ?? {}) as VmiStatus;
    s.created ??= now;
    if (st.nodeName) {
      s.scheduled ??= now;
      s.node = st.nodeName;
    }
    if (st.phase === 'Running') s.running ??= now;
    const ip = st.interfaces?.find((i) => i.name === FLAT_NIC)?.ipAddress;
    if (ip?.startsWith('192.168.') && s.addressed === undefined) {
      s.addressed = now;
      s.address = ip;
    }
    s.uid = (o.metadata.uid ?? '').toLowerCase();
    const prefix = o.metadata.annotations?.['virtnet.io/runtime-prefix'];
    if (prefix) s.runtimePrefix = prefix;
    const root = o.metadata.annotations?.['virtnet.io/runtime-state'];
    if (root) s.stateRoot = root;
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Names of the VMIs currently in the cache. */
  present(): string[] {
    return this.informer.list().map((o) => o.metadata.name ?? '');
  }

  /** Resolves once `done()` holds (checked after every watch event), rejects after `timeoutMs`. */
  wait(what: string, done: () => boolean, timeoutMs: number, progress?: () => string): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${progress ? ` (${progress()})` : ''}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }
}

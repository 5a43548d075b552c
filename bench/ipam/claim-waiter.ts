// One watch on a namespace's IPAMClaims that resolves a waiter when the named claim first holds addresses
// (one stream for all claimers, as one client-go informer would be: 50 watches would measure the watch hub).
import type { ApiClient, ResourceRef, WatchHandle } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

export class ClaimWaiter {
  private readonly waiting = new Map<string, (ips: string[]) => void>();
  private readonly done = new Map<string, string[]>();
  private handle: WatchHandle | undefined;

  constructor(private readonly client: ApiClient, private readonly ref: ResourceRef, private readonly namespace: string) {}

  async start(): Promise<void> {
    const { resourceVersion } = await this.client.list(this.ref, this.namespace);
    this.handle = this.client.watch<KubeObject>(this.ref, this.namespace, { resourceVersion }, (ev) => {
      if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED') return;
      const ips = (ev.object.status as { ips?: string[] } | undefined)?.ips ?? [];
      const name = ev.object.metadata.name ?? '';
      if (ips.length === 0 || this.done.has(name)) return;
      this.done.set(name, ips);
      this.waiting.get(name)?.(ips);
      this.waiting.delete(name);
    });
  }

  /** Resolves with the claim's addresses once it holds some. */
  wait(name: string, timeoutMs = 60_000): Promise<string[]> {
    const have = this.done.get(name);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(name);
        reject(new Error(`claim ${this.namespace}/${name}: no addresses after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(name, (ips) => {
        clearTimeout(timer);
        resolve(ips);
      });
    });
  }

  stop(): void {
    this.handle?.stop();
  }
}

// A steady reader during the VM ramp: one request at a time per API server (so it measures latency, not the
// probe's own queueing), alternating what an agent and a user ask: GET a Node, and LIST the VMIs of one
// node by the label the agents select on. Latencies are kept per request; an error counts as a sample
// with its latency and is also counted apart.
import { R, type ApiClient } from '../../src/client/index.js';

export interface ProbeResult {
  samples: number[];
  errors: number;
  firstError?: string;
}

export class ApiProbe {
  private stopped = false;
  private readonly loops: Promise<void>[] = [];
  readonly result: ProbeResult = { samples: [], errors: 0 };

  constructor(private readonly clients: readonly ApiClient[], private readonly nodes: readonly string[], private readonly namespace: string,
    private readonly pauseMs = 20) {}

  start(): void {
    for (const c of this.clients) this.loops.push(this.loop(c));
  }

  private async loop(c: ApiClient): Promise<void> {
    let i = 0;
    while (!this.stopped) {
      const node = this.nodes[i % this.nodes.length]!;
      const t0 = performance.now();
      try {
        if (i % 2 === 0) await c.get(R.node, undefined, node);
        else await c.list(R.vmi, this.namespace, { labelSelector: `kubevirt.io/nodeName=${node}` });
      } catch (e) {
        this.result.errors++;
        this.result.firstError ??= (e as Error).message;
      }
      this.result.samples.push(performance.now() - t0);
      i++;
      await new Promise((r) => setTimeout(r, this.pauseMs));
    }
  }

  async stop(): Promise<ProbeResult> {
    this.stopped = true;
    await Promise.all(this.loops);
    return this.result;
  }
}

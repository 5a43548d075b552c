// Starts the cluster-side controllers; they reach the API as clients, like they would a kube-apiserver.
import type { ApiClient } from '../client/index.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { NncpController } from './nncp-controller.js';

export interface ControllerManager {
  stop(): void;
}

export async function startControllers(client: ApiClient, opts: { nodeGracePeriodMs?: number } = {}): Promise<ControllerManager> {
  const nodeLifecycle = new NodeLifecycleController(client, opts.nodeGracePeriodMs !== undefined ? { gracePeriodMs: opts.nodeGracePeriodMs } : {});
  const nncp = new NncpController(client);
  nodeLifecycle.start();
  await nncp.start();
  return {
    stop() {
      nodeLifecycle.stop();
      nncp.stop();
    },
  };
}

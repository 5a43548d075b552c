// Starts the cluster-side controllers; they reach the API as clients, like they would a kube-apiserver.
import type { ApiClient } from '../client/index.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { NncpController } from './nncp-controller.js';
import { NmstateController } from './nmstate-controller.js';
import { OperatorController } from './operator-controller.js';

export interface ControllerManager {
  stop(): void;
}

export async function startControllers(client: ApiClient, opts: { nodeGracePeriodMs?: number } = {}): Promise<ControllerManager> {
  const nodeLifecycle = new NodeLifecycleController(client, opts.nodeGracePeriodMs !== undefined ? { gracePeriodMs: opts.nodeGracePeriodMs } : {});
  const nncp = new NncpController(client);
  const nmstate = new NmstateController(client);
  const operators = new OperatorController(client);
  nodeLifecycle.start();
  await nncp.start();
  await nmstate.start();
  await operators.start();
  return {
    stop() {
      nodeLifecycle.stop();
      nncp.stop();
      nmstate.stop();
      operators.stop();
    },
  };
}

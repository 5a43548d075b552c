// Starts the cluster-side controllers; they reach the API as clients, like they would a kube-apiserver.
import type { ApiClient } from '../client/index.js';
import { NodeLifecycleController } from './node-lifecycle.js';
import { NncpController } from './nncp-controller.js';
import { NmstateController } from './nmstate-controller.js';
import { OperatorController } from './operator-controller.js';
import { VmController } from './vm-controller.js';
import { VmiController } from './vmi-controller.js';
import { DataVolumeController } from './datavolume-controller.js';
import { startUdnControllers } from './udn-controller.js';
import { IpamController } from './ipam-controller.js';
import { MigrationController } from './migration-controller.js';

export interface ControllerManager {
  stop(): void;
}

export interface ControllerOptions {
  nodeGracePeriodMs?: number;
  /** Multus globalNamespaces for NetworkAttachmentDefinitions (default: `default`). */
  nadGlobalNamespaces?: readonly string[];
  log?: (m: string) => void;
}

export async function startControllers(client: ApiClient, opts: ControllerOptions = {}): Promise<ControllerManager> {
  const nodeLifecycle = new NodeLifecycleController(client, opts.nodeGracePeriodMs !== undefined ? { gracePeriodMs: opts.nodeGracePeriodMs } : {});
  const nncp = new NncpController(client);
  const nmstate = new NmstateController(client);
  const operators = new OperatorController(client);
  const log = opts.log ?? ((m: string) => console.log(`[controllers] ${m}`));
  const vms = new VmController(client, log);
  const vmis = new VmiController(client, { ...(opts.nadGlobalNamespaces ? { globalNamespaces: opts.nadGlobalNamespaces } : {}), log });
  const dvs = new DataVolumeController(client, log);
  const ipam = new IpamController(client, { log });
  const migrations = new MigrationController(client, log);
  nodeLifecycle.start();
  await nncp.start();
  await nmstate.start();
  await operators.start();
  await Promise.all([vms.start(), vmis.start(), dvs.start(), ipam.start(), migrations.start()]);
  const udns = await startUdnControllers(client, log);
  return {
    stop() {
      nodeLifecycle.stop();
      nncp.stop();
      nmstate.stop();
      operators.stop();
      vms.stop();
      vmis.stop();
      dvs.stop();
      udns.stop();
      ipam.stop();
      migrations.stop();
    },
  };
}

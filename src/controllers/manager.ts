// Starts the cluster-side controllers; they reach the API as clients, like they would a kube-apiserver.
import { ApiClient } from '../client/index.js';
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
import { CONTROLLER_MANAGER_LEASE, defaultIdentity, LeaderElector } from './leader-election.js';
import { DEFAULT_TIMING, type ElectionTiming } from './leader-election-plan.js';

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

export interface LeaderElectionOptions extends Partial<ElectionTiming> {
  /** Default: hostname_pid_random. */
  identity?: string;
  /** Default: kube-system/virtnet-controller-manager. */
  namespace?: string;
  name?: string;
  /**
   * After losing the lease, once the controllers are stopped. Absent: campaign again and start a fresh
   * controller set when elected (what `virtnet serve` does: its API must stay up). Given: the election
   * ends there (`virtnet controllers` exits, as kube-controller-manager does, for its supervisor to restart it).
   */
  onLost?: () => void;
  /** Transitions (stderr by default). */
  log?: (m: string) => void;
}

export interface LeaderElectedControllers {
  readonly elector: LeaderElector;
  /** Stops the controllers if leading, then releases the lease for a successor to take at once. */
  stop(): Promise<void>;
}

/**
 * The controllers, run only while this process holds the controller-manager Lease. Resolves after the
 * first election round (and, if it won, once the controllers have started).
 */
export async function startLeaderElectedControllers(client: ApiClient, opts: ControllerOptions, le: LeaderElectionOptions = {}): Promise<LeaderElectedControllers> {
  const log = le.log ?? ((m: string) => console.error(`leader election: ${m}`));
  const timing: ElectionTiming = {
    leaseDurationMs: le.leaseDurationMs ?? DEFAULT_TIMING.leaseDurationMs,
    renewDeadlineMs: le.renewDeadlineMs ?? DEFAULT_TIMING.renewDeadlineMs,
    retryPeriodMs: le.retryPeriodMs ?? DEFAULT_TIMING.retryPeriodMs,
  };
  // Each term of office gets a controller set of its own (fresh caches); a set still starting when the
  // term ends is stopped as soon as it has started.
  let term = 0;
  let current: Promise<ControllerManager | undefined> | undefined;
  const startSet = async (mine: number): Promise<ControllerManager | undefined> => {
    for (;;) {
      try {
        return await startControllers(client, opts);
      } catch (e) {
        log(`controllers failed to start: ${(e as Error).message}; retrying`);
        await new Promise((r) => setTimeout(r, timing.retryPeriodMs));
        if (mine !== term) return undefined;
      }
    }
  };
  // A client of its own, as kube-controller-manager's leader-election client: the controllers' watches
  // fill the shared connection pool, and a renewal queued behind them would lose the lease.
  const electionClient = new ApiClient({ ...client.opts, userAgent: `${client.opts.userAgent ?? 'virtnet'}/leader-election` });
  const elector = new LeaderElector(electionClient, {
    namespace: le.namespace ?? CONTROLLER_MANAGER_LEASE.namespace,
    name: le.name ?? CONTROLLER_MANAGER_LEASE.name,
    identity: le.identity ?? defaultIdentity(),
    ...timing,
  }, {
    onStartedLeading() {
      term++;
      current = startSet(term);
    },
    onStoppedLeading(lost) {
      term++;
      const set = current;
      current = undefined;
      void set?.then((m) => m?.stop());
      if (lost) le.onLost?.();
    },
  }, log, le.onLost === undefined);
  await elector.start();
  await current;
  return {
    elector,
    stop: async () => {
      await elector.stop();
      electionClient.close();
    },
  };
}

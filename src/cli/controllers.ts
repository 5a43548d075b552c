// `virtnet controllers`: the controller manager as a process of its own, reaching the API over the
// network as kube-controller-manager does (a separate host runs this), leader-elected so that several
// may run. Also the leader-election flags `virtnet serve` shares.
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { ApiClient, optionsFromKubeconfig } from '../client/index.js';
import { startControllers, startLeaderElectedControllers, type ControllerOptions } from '../controllers/manager.js';
import { DEFAULT_TIMING, parseGoDuration, validateTiming, type ElectionTiming } from '../controllers/leader-election-plan.js';
import { defaultDataDir } from './paths.js';

/** kube-controller-manager's flags: --leader-elect[=false], --leader-elect-lease-duration=15s, … */
export function withLeaderElectionOptions(c: Command): Command {
  const secs = (ms: number): string => `${ms / 1000}s`;
  return c
    .addOption(new Option('--leader-elect [bool]', 'run the controllers only while holding the Lease kube-system/virtnet-controller-manager (several processes may run; one leads)').default(true))
    .option('--no-leader-elect', 'run the controllers unconditionally (one process only)')
    .option('--leader-elect-lease-duration <duration>', 'how long candidates wait after the last observed renewal before taking the lease over', secs(DEFAULT_TIMING.leaseDurationMs))
    .option('--leader-elect-renew-deadline <duration>', 'how long the leader keeps trying to renew before it stops leading', secs(DEFAULT_TIMING.renewDeadlineMs))
    .option('--leader-elect-retry-period <duration>', 'how often candidates try to acquire and the leader renews', secs(DEFAULT_TIMING.retryPeriodMs));
}

/** The parsed flags of withLeaderElectionOptions (undefined: --leader-elect=false). */
export function leaderElectionFromFlags(o: object): ElectionTiming | undefined {
  const f = o as { leaderElect?: boolean | string; leaderElectLeaseDuration?: string; leaderElectRenewDeadline?: string; leaderElectRetryPeriod?: string };
  const on = f.leaderElect ?? true;
  if (on === false || on === 'false') return undefined;
  if (on !== true && on !== 'true') throw new Error(`--leader-elect: want true or false, got ${JSON.stringify(on)}`);
  const dur = (flag: string, v: string | undefined, def: number): number => {
    if (v === undefined) return def;
    const ms = parseGoDuration(v);
    if (ms === undefined || ms < 0) throw new Error(`--${flag}: want a duration such as 15s or 500ms, got ${JSON.stringify(v)}`);
    return ms;
  };
  const t: ElectionTiming = {
    leaseDurationMs: dur('leader-elect-lease-duration', f.leaderElectLeaseDuration, DEFAULT_TIMING.leaseDurationMs),
    renewDeadlineMs: dur('leader-elect-renew-deadline', f.leaderElectRenewDeadline, DEFAULT_TIMING.renewDeadlineMs),
    retryPeriodMs: dur('leader-elect-retry-period', f.leaderElectRetryPeriod, DEFAULT_TIMING.retryPeriodMs),
  };
  const bad = validateTiming(t);
  if (bad) throw new Error(`leader election: ${bad}`);
  return t;
}

export function controllersCommand(): Command {
  return withLeaderElectionOptions(new Command('controllers'))
    .description('run the cluster controllers against an API server (leader-elected: several may run, one leads)')
    .option('--data <dir>', 'virtnet state directory (for the default kubeconfig)', defaultDataDir())
    .option('--kubeconfig <file>', 'kubeconfig of the API server (default: DATA/kubeconfig)')
    .option('--node-grace-period-ms <n>', 'a node whose Lease is older than this turns Ready=Unknown', '10000')
    .option('--nad-global-namespaces <list>', 'comma-separated namespaces whose NetworkAttachmentDefinitions every namespace may use (Multus globalNamespaces)', 'default')
    .action(async (o: { data: string; kubeconfig?: string; nodeGracePeriodMs: string; nadGlobalNamespaces: string }) => {
      const timing = leaderElectionFromFlags(o);
      const client = new ApiClient(optionsFromKubeconfig(o.kubeconfig ?? join(o.data, 'kubeconfig'), 'virtnet-controller-manager'));
      const opts: ControllerOptions = {
        nodeGracePeriodMs: Number(o.nodeGracePeriodMs),
        nadGlobalNamespaces: o.nadGlobalNamespaces.split(',').map((x) => x.trim()).filter(Boolean),
      };
      // Losing the lease ends the process, as in kube-controller-manager: nothing of the old term can
      // still be writing, and the supervisor's restart campaigns afresh.
      const running = timing
        ? await startLeaderElectedControllers(client, opts, { ...timing, onLost: () => process.exit(1) })
        : await startControllers(client, opts);
      console.log(`virtnet controllers running against ${client.opts.server}${timing ? ' (leader-elected)' : ''}`);
      let closing = false;
      const shutdown = (): void => {
        if (closing) return;
        closing = true;
        Promise.resolve(running.stop()).finally(() => {
          client.close();
          process.exit(0);
        });
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}

// `virtnet agent`: the node agent of one node (the lab starts one inside each node's namespace).
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, optionsFromKubeconfig } from '../client/index.js';
import { NodeAgent } from '../agent/node-agent.js';
import { defaultDataDir } from './paths.js';
import { runtimeFor } from '../runtime/index.js';
import { KernelPlumbing } from '../agent/vm/kernel-plumbing.js';
import { nodeKubeconfigPath } from '../lab/agents.js';

export function agentCommand(): Command {
  return new Command('agent')
    .description('run the node agent of one node: heartbeat, NodeNetworkState, node network policies, its VMs')
    .requiredOption('--node <name>', 'the Node this agent is')
    .requiredOption('--netns <name>', 'the network namespace it manages (the node\'s)')
    .option('--data <dir>', 'virtnet state directory (kubeconfig, api.sock)', defaultDataDir())
    .option('--kubeconfig <file>', 'kubeconfig (default: the node\'s own, DATA/nodes/<node>.kubeconfig, when it exists, else DATA/kubeconfig)')
    .option('--socket <path>', 'reach the API over this unix socket (default: DATA/api.sock when --data is given)')
    .option('--labels <json>', 'labels for the Node when it registers', '{}')
    .option('--address <ip>', 'the node\'s InternalIP')
    .option('--api-address <ip>', 'address the API-reachability probe pings from inside the node (off-link)')
    .option('--heartbeat-ms <n>', 'heartbeat interval', '2000')
    .option('--vm-runtime <kind>', 'runtime for VMs that do not name one (annotation virtnet.io/runtime): qemu or netns', process.env.VIRTNET_VM_RUNTIME ?? 'qemu')
    .option('--vm-prefix <prefix>', 'prefix of the namespaces the VM role creates (launchers, netns VMs)', 'vn-')
    .option('--no-vms', 'do not run VMs on this node')
    .action(async (o: { node: string; netns: string; data: string; kubeconfig?: string; socket?: string; labels: string; address?: string; apiAddress?: string; heartbeatMs: string; vmRuntime: string; vmPrefix: string; vms: boolean }) => {
      if (o.vmRuntime !== 'qemu' && o.vmRuntime !== 'netns') throw new Error(`--vm-runtime: want qemu or netns, got ${JSON.stringify(o.vmRuntime)}`);
      const vmRoot = join(o.data, 'vms', o.node);
      const stateRoots = { qemu: join(vmRoot, 'qemu'), netns: join(vmRoot, 'netns') };
      const nodeKubeconfig = nodeKubeconfigPath(o.data, o.node);
      const opts = optionsFromKubeconfig(o.kubeconfig ?? (existsSync(nodeKubeconfig) ? nodeKubeconfig : join(o.data, 'kubeconfig')), `virtnet-agent/${o.node}`);
      const client = new ApiClient({ ...opts, socketPath: o.socket ?? join(o.data, 'api.sock') });
      const agent = new NodeAgent(client, {
        node: o.node,
        netns: o.netns,
        labels: JSON.parse(o.labels) as Record<string, string>,
        ...(o.address ? { address: o.address } : {}),
        ...(o.apiAddress ? { apiAddress: o.apiAddress } : {}),
        heartbeatMs: Number(o.heartbeatMs),
        ...(o.vms ? {
          vm: {
            defaultRuntime: o.vmRuntime,
            runtimes: Object.fromEntries((['qemu', 'netns'] as const).flatMap((k) => {
              try {
                return [[k, runtimeFor(k, { stateRoot: stateRoots[k], netnsPrefix: o.vmPrefix })]];
              } catch (e) {
                console.error(`[${o.node}] VM runtime ${k} unavailable: ${(e as Error).message}`);
                return [];
              }
            })),
            stateRoots,
            diskRoot: join(o.data, 'disks'),
            runtimePrefix: o.vmPrefix,
            plumbing: new KernelPlumbing({ node: o.node, nodeNetns: o.netns, prefix: o.vmPrefix, runDir: join(vmRoot, 'run') }),
          },
        } : {}),
        // Upstream backs off from 1 s; tests shorten it through the environment the lab passes on.
        ...(process.env.VIRTNET_AGENT_RETRY_BASE_MS ? { retryBaseMs: Number(process.env.VIRTNET_AGENT_RETRY_BASE_MS) } : {}),
      });
      await agent.start();
      console.log(`virtnet agent for node ${o.node} running (netns ${o.netns})`);
      const shutdown = (): void => {
        agent.stop().finally(() => {
          client.close();
          process.exit(0);
        });
      };
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
    });
}

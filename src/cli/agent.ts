// `virtnet agent`: the node agent of one node (the lab starts one inside each node's namespace; on a host of
// its own it reaches the API by URL with --server/--ca/--token-file, as a kubelet with a bootstrap token).
import { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, ApiError, optionsFromKubeconfig, type ClientOptions } from '../client/index.js';
import { NodeAgent } from '../agent/node-agent.js';
import { defaultDataDir } from './paths.js';
import { runtimeFor } from '../runtime/index.js';
import { KernelPlumbing } from '../agent/vm/kernel-plumbing.js';
import { nodeKubeconfigPath } from '../lab/agents.js';

export interface ConnectionFlags {
  data: string;
  node: string;
  kubeconfig?: string;
  socket?: string;
  server?: string;
  ca?: string;
  tokenFile?: string;
}

/** The file a refused token came from, for the error that names it. */
export interface Connection {
  client: ClientOptions;
  tokenSource: string;
}

function readFlagFile(flag: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${flag} ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (text.trim() === '') throw new Error(`${flag} ${path}: the file is empty`);
  return text;
}

/** Remote (--server/--ca/--token-file: no unix socket) or local (a kubeconfig over DATA/api.sock). */
export function agentConnection(o: ConnectionFlags, userAgent: string): Connection {
  const remote = [o.server, o.ca, o.tokenFile].filter((v) => v !== undefined).length;
  if (remote > 0) {
    if (remote < 3) throw new Error('--server, --ca and --token-file go together');
    if (o.kubeconfig !== undefined || o.socket !== undefined) throw new Error('--server/--ca/--token-file replace --kubeconfig and --socket');
    const server = o.server!;
    if (!/^https:\/\/[^/]+\/?$/.test(server)) throw new Error(`--server: want https://HOST:PORT, got ${JSON.stringify(server)}`);
    const ca = readFlagFile('--ca', o.ca!);
    const token = readFlagFile('--token-file', o.tokenFile!).trim();
    return { client: { server: server.replace(/\/$/, ''), ca, token, userAgent }, tokenSource: o.tokenFile! };
  }
  const nodeKubeconfig = nodeKubeconfigPath(o.data, o.node);
  const kubeconfig = o.kubeconfig ?? (existsSync(nodeKubeconfig) ? nodeKubeconfig : join(o.data, 'kubeconfig'));
  return { client: { ...optionsFromKubeconfig(kubeconfig, userAgent), socketPath: o.socket ?? join(o.data, 'api.sock') }, tokenSource: kubeconfig };
}

export function agentCommand(): Command {
  return new Command('agent')
    .description('run the node agent of one node: heartbeat, NodeNetworkState, node network policies, its VMs')
    .requiredOption('--node <name>', 'the Node this agent is')
    .requiredOption('--netns <name>', 'the network namespace it manages (the node\'s)')
    .option('--data <dir>', 'virtnet state directory (kubeconfig, api.sock)', defaultDataDir())
    .option('--kubeconfig <file>', 'kubeconfig (default: the node\'s own, DATA/nodes/<node>.kubeconfig, when it exists, else DATA/kubeconfig)')
    .option('--socket <path>', 'reach the API over this unix socket (default: DATA/api.sock when --data is given)')
    .option('--server <url>', 'reach the API at this URL instead (https://HOST:PORT; with --ca and --token-file)')
    .option('--ca <file>', 'PEM of the CA that signed the API server\'s certificate (with --server)')
    .option('--token-file <file>', 'file holding the agent\'s bearer token (with --server)')
    .option('--labels <json>', 'labels for the Node when it registers', '{}')
    .option('--address <ip>', 'the node\'s InternalIP')
    .option('--api-address <ip>', 'address the API-reachability probe pings from inside the node (off-link)')
    .option('--heartbeat-ms <n>', 'heartbeat interval', '2000')
    .option('--vm-runtime <kind>', 'runtime for VMs that do not name one (annotation virtnet.io/runtime): qemu or netns', process.env.VIRTNET_VM_RUNTIME ?? 'qemu')
    .option('--vm-prefix <prefix>', 'prefix of the namespaces the VM role creates (launchers, netns VMs)', 'vn-')
    .option('--no-vms', 'do not run VMs on this node')
    .action(async (o: { node: string; netns: string; data: string; kubeconfig?: string; socket?: string; server?: string; ca?: string; tokenFile?: string; labels: string; address?: string; apiAddress?: string; heartbeatMs: string; vmRuntime: string; vmPrefix: string; vms: boolean }) => {
      if (o.vmRuntime !== 'qemu' && o.vmRuntime !== 'netns') throw new Error(`--vm-runtime: want qemu or netns, got ${JSON.stringify(o.vmRuntime)}`);
      const vmRoot = join(o.data, 'vms', o.node);
      const stateRoots = { qemu: join(vmRoot, 'qemu'), netns: join(vmRoot, 'netns') };
      const conn = agentConnection(o, `virtnet-agent/${o.node}`);
      const client = new ApiClient(conn.client);
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
        checkpointDir: join(o.data, 'checkpoints'),
        // Upstream backs off from 1 s; tests shorten it through the environment the lab passes on.
        ...(process.env.VIRTNET_AGENT_RETRY_BASE_MS ? { retryBaseMs: Number(process.env.VIRTNET_AGENT_RETRY_BASE_MS) } : {}),
        // Test only: a window between executing a plan and verifying it, to kill the agent mid-apply in.
        ...(process.env.VIRTNET_AGENT_APPLY_PAUSE_MS ? { applyPauseMs: Number(process.env.VIRTNET_AGENT_APPLY_PAUSE_MS) } : {}),
      });
      try {
        await agent.start();
      } catch (e) {
        client.close();
        if (e instanceof ApiError && e.code === 401) throw new Error(`the API server refused the token in ${conn.tokenSource} (401 ${e.message})`);
        throw e;
      }
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

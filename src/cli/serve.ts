// `virtnet serve`: the API server in the foreground.
import { Command } from 'commander';
import { join } from 'node:path';
import { startApiServer } from '../api/server.js';
import { ApiClient } from '../client/index.js';
import { startControllers } from '../controllers/manager.js';
import { defaultDataDir, parseListen, DEFAULT_LISTEN } from './paths.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the API server (Kubernetes REST on SQLite) in the foreground')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', DEFAULT_LISTEN)
    .option('--data <dir>', 'state directory (database, tokens, kubeconfig)', defaultDataDir())
    .option('--event-history <n>', 'changes kept for watch resume; older resourceVersions get 410 Expired', '100000')
    .option('--no-controllers', 'serve the API only, without the cluster controllers')
    .option('--node-grace-period-ms <n>', 'a node whose Lease is older than this turns Ready=Unknown', '10000')
    .option('--nad-global-namespaces <list>', 'comma-separated namespaces whose NetworkAttachmentDefinitions every namespace may use (Multus globalNamespaces)', 'default')
    .option('--mac-range <start-end>', 'MAC pool range for VM interfaces, e.g. 02:00:00:00:00:00-02:00:00:ff:ff:ff (default: the range this data directory keeps, else a random 02:XX:XX:00:00:00-02:XX:XX:ff:ff:ff)')
    .action(async (o: { listen: string; data: string; eventHistory: string; controllers: boolean; nodeGracePeriodMs: string; nadGlobalNamespaces: string; macRange?: string }) => {
      const { host, port } = parseListen(o.listen);
      const retainEvents = Number(o.eventHistory);
      if (!Number.isInteger(retainEvents) || retainEvents < 0) throw new Error(`--event-history must be a whole number, got ${JSON.stringify(o.eventHistory)}`);
      const srv = await startApiServer({ dataDir: o.data, host, port, retainEvents, socketPath: join(o.data, 'api.sock'), ...(o.macRange !== undefined ? { macRange: o.macRange } : {}) });
      const controllers = o.controllers ? await startControllers(ApiClient.fromKubeconfig(srv.kubeconfigPath, 'virtnet-controller-manager'), { nodeGracePeriodMs: Number(o.nodeGracePeriodMs), nadGlobalNamespaces: o.nadGlobalNamespaces.split(',').map((x) => x.trim()).filter(Boolean) }) : undefined;
      // Tests and `virtnet up -d` wait for this line.
      console.log(`virtnet API server listening on ${srv.url}`);
      console.log(`kubeconfig: ${srv.kubeconfigPath}`);
      let closing = false;
      const shutdown = (): void => {
        if (closing) return;
        closing = true;
        controllers?.stop();
        srv.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}

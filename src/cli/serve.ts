// `virtnet serve`: the API server in the foreground.
import { Command } from 'commander';
import { startApiServer } from '../api/server.js';
import { defaultDataDir, parseListen, DEFAULT_LISTEN } from './paths.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('run the API server (Kubernetes REST on SQLite) in the foreground')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', DEFAULT_LISTEN)
    .option('--data <dir>', 'state directory (database, tokens, kubeconfig)', defaultDataDir())
    .action(async (o: { listen: string; data: string }) => {
      const { host, port } = parseListen(o.listen);
      const srv = await startApiServer({ dataDir: o.data, host, port });
      // Tests and `virtnet up -d` wait for this line.
      console.log(`virtnet API server listening on ${srv.url}`);
      console.log(`kubeconfig: ${srv.kubeconfigPath}`);
      let closing = false;
      const shutdown = (): void => {
        if (closing) return;
        closing = true;
        srv.close().then(() => process.exit(0), () => process.exit(1));
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}

// `virtnet serve`: the API server in the foreground.
import { Command } from 'commander';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApiServer } from '../api/server.js';
import { ApiClient } from '../client/index.js';
import { startControllers, startLeaderElectedControllers } from '../controllers/manager.js';
import { leaderElectionFromFlags, withLeaderElectionOptions } from './controllers.js';
import { defaultDataDir, parseListen, DEFAULT_LISTEN } from './paths.js';

export function serveCommand(): Command {
  return withLeaderElectionOptions(new Command('serve'))
    .description('run the API server (Kubernetes REST on SQLite, or etcd with --store) in the foreground')
    .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', DEFAULT_LISTEN)
    .option('--data <dir>', 'state directory (database, tokens, kubeconfig)', defaultDataDir())
    .option('--event-history <n>', 'changes kept for watch resume; older resourceVersions get 410 Expired', '100000')
    .option('--store <sqlite|etcd:URLS>', 'where objects live: sqlite (DATA/store.db) or etcd:http://H1:2379,… (the client URLs of an etcd cluster)', 'sqlite')
    .option('--no-controllers', 'serve the API only, without the cluster controllers')
    .option('--node-grace-period-ms <n>', 'a node whose Lease is older than this turns Ready=Unknown', '10000')
    .option('--nad-global-namespaces <list>', 'comma-separated namespaces whose NetworkAttachmentDefinitions every namespace may use (Multus globalNamespaces)', 'default')
    .option('--mac-range <start-end>', 'MAC pool range for VM interfaces, e.g. 02:00:00:00:00:00-02:00:00:ff:ff:ff (default: the range this data directory keeps, else a random 02:XX:XX:00:00:00-02:XX:XX:ff:ff:ff)')
    .option('--audit-log-maxsize <MiB>', 'rotate DATA/audit/audit.log at this size', '10')
    .option('--audit-log-maxbackup <n>', 'rotated audit files kept (audit.log.1 …)', '5')
    .option('--socket <path>', 'the HTTPS unix socket agents and the CLI use (default DATA/api.sock)')
    .option('--tls-san <list>', 'comma-separated extra names/addresses for the serving certificate (e.g. a load balancer in front of several servers)')
    .option('--write-kubeconfig <file>', 'where to write the admin kubeconfig (default DATA/kubeconfig)')
    .option('--audit-dir <dir>', 'directory of the audit log (default DATA/audit)')
    .option('--pid-file <file>', 'write this process\'s pid here (removed on a clean exit)')
    .option('--insecure-http', 'serve plain HTTP on --listen (local debugging only: tokens travel in clear text); the unix socket DATA/api.sock stays HTTPS')
    .action(async (o: { listen: string; data: string; store: string; eventHistory: string; controllers: boolean; nodeGracePeriodMs: string; nadGlobalNamespaces: string; macRange?: string; insecureHttp?: boolean; auditLogMaxsize: string; auditLogMaxbackup: string; socket?: string; tlsSan?: string; writeKubeconfig?: string; auditDir?: string; pidFile?: string }) => {
      const { host, port } = parseListen(o.listen);
      const retainEvents = Number(o.eventHistory);
      if (!Number.isInteger(retainEvents) || retainEvents < 0) throw new Error(`--event-history must be a whole number, got ${JSON.stringify(o.eventHistory)}`);
      const auditMiB = Number(o.auditLogMaxsize);
      const auditBackups = Number(o.auditLogMaxbackup);
      if (!(auditMiB > 0)) throw new Error(`--audit-log-maxsize must be a positive number of MiB, got ${JSON.stringify(o.auditLogMaxsize)}`);
      if (!Number.isInteger(auditBackups) || auditBackups < 0) throw new Error(`--audit-log-maxbackup must be a whole number, got ${JSON.stringify(o.auditLogMaxbackup)}`);
      const socketPath = o.socket ?? join(o.data, 'api.sock');
      if (o.pidFile) writeFileSync(o.pidFile, `${process.pid}\n`);
      const srv = await startApiServer({ dataDir: o.data, host, port, retainEvents, store: o.store, socketPath,
        ...(o.tlsSan ? { tlsSans: o.tlsSan.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
        ...(o.writeKubeconfig ? { kubeconfigPath: o.writeKubeconfig } : {}),
        ...(o.auditDir ? { auditDir: o.auditDir } : {}), auditLogMaxBytes: Math.round(auditMiB * 1024 * 1024), auditLogMaxBackups: auditBackups, ...(o.macRange !== undefined ? { macRange: o.macRange } : {}), ...(o.insecureHttp ? { insecureHttp: true } : {}) });
      // The controllers run in this process, as kube-apiserver's own loopback client does: an identity of
      // their own (system:kube-controller-manager, so the audit log tells their writes from the admin's) in
      // system:masters (they reconcile every kind; no bootstrap RBAC policy to keep in step), with a token
      // that lives in memory only, over the unix socket (HTTPS even with --insecure-http).
      const controllerClient = (): ApiClient => new ApiClient({
        server: srv.url, ca: srv.caCert, token: srv.loopbackToken, userAgent: 'virtnet-controller-manager', socketPath,
      });
      // Leader-elected by default: several servers on one store run one controller set between them.
      const election = leaderElectionFromFlags(o);
      const controllerOpts = { nodeGracePeriodMs: Number(o.nodeGracePeriodMs), nadGlobalNamespaces: o.nadGlobalNamespaces.split(',').map((x) => x.trim()).filter(Boolean) };
      const controllers = !o.controllers ? undefined
        : election ? await startLeaderElectedControllers(controllerClient(), controllerOpts, election) : await startControllers(controllerClient(), controllerOpts);
      // Before the line the tests and `virtnet up` wait for: whoever reads that has read this.
      if (o.insecureHttp) {
        const warning = `WARNING: --insecure-http: ${srv.url} is PLAIN HTTP, without TLS: tokens and every object travel in clear text. ` +
          'For local debugging only. kubectl (client-go) sends no credentials over plain HTTP, not even to localhost: ' +
          'use curl -H "Authorization: Bearer <token>"; the unix socket DATA/api.sock stays HTTPS.';
        console.error(`\n${'!'.repeat(100)}\n${warning}\n${'!'.repeat(100)}\n`);
      }
      // Tests and `virtnet up -d` wait for this line.
      console.log(`virtnet API server listening on ${srv.url}`);
      console.log(`kubeconfig: ${srv.kubeconfigPath}`);
      const exit = (code: number): never => {
        if (o.pidFile) rmSync(o.pidFile, { force: true });
        process.exit(code);
      };
      let closing = false;
      const shutdown = (): void => {
        if (closing) return;
        closing = true;
        // The lease is released through the API: before the server closes.
        Promise.resolve(controllers?.stop()).finally(() => srv.close().then(() => exit(0), () => exit(1)));
      };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    });
}

// The API server: authentication, non-resource endpoints (version, discovery, OpenAPI, health) and
// resource requests; started by `virtnet serve`.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { handleConsoleUpgrade, handleSubresourceDiscovery, handleVmAction, isSubresourcePath } from './kubevirt-subresources.js';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { allKinds } from '../apis/registry.js';
import { openSqliteStore } from './storage/sqlite-store.js';
import { openEtcdStore } from './storage/etcd-store.js';
import { parseStoreSpec } from './storage/store-spec.js';
import type { Store } from './storage/store.js';
import { KindIndex } from './kind-index.js';
import { ResourceService } from './resource-service.js';
import { parsePath } from './request-info.js';
import { handleResource, type HandlerContext } from './resource-handler.js';
import { sendJson, sendError } from './http/respond.js';
import {
  acceptsAggregated, aggregatedDiscovery, legacyApiVersions, legacyGroupList, legacyResourceList, groupObject,
} from './discovery.js';
import { OpenApiCache } from './openapi.js';
import { authenticateRequest, TokenAuthenticator } from './authn.js';
import { renderKubeconfig, tokenOfKubeconfig } from './kubeconfig.js';
import { ensureServingCerts } from './tls.js';
import { pathNotFound, unauthorized } from '../common/status-error.js';
import { GarbageCollector } from './lifecycle/garbage-collector.js';
import { NamespaceLifecycle } from './lifecycle/namespace-lifecycle.js';
import { ensureDefaultNamespaces } from './lifecycle/bootstrap.js';
import type { MutatingAdmission } from './admission.js';
import { ensureMacRange, MacPoolAdmission, parseMacRangeFlag } from './macpool/index.js';
import { fileURLToPath } from 'node:url';
import { ConsoleAssets } from './console-assets.js';
import { serveProjects } from './projects.js';
import { handleWatchUpgrade, isWatchUpgrade } from './websocket-watch.js';
import { readBody } from './http/body.js';
import { answerClientError } from './http/client-error.js';
import { requestAttributes, type RequestAttributes } from './request-attributes.js';
import { mastersAuthorizer, unionAuthorizer, type Authorizer } from './authz/authorizer.js';
import { Authorization } from './authz/index.js';
import { forbiddenError } from './authz/forbidden-message.js';
import { openAuditLog } from './audit/audit-log.js';
import type { AuditSink } from './audit/audit-sink.js';
import { defaultRateLimiter, type RateLimiter } from './rate-limit.js';
import { tooManyRequests } from '../common/status-error.js';
import type { User } from './authn.js';

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-virtnet',
  gitCommit: '',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'node',
  compiler: 'tsc',
  platform: 'linux/amd64',
};

export interface ApiServerOptions {
  dataDir: string;
  host: string;
  port: number;
  /** Watch history kept for resuming (events); older resourceVersions get 410 Expired. */
  retainEvents?: number;
  /** `sqlite` (default: DATA/store.db) or `etcd:URL[,URL…]` (`--store`). */
  store?: string;
  /**
   * Also serve HTTPS on this unix socket: reachable from every network namespace of the host (the lab's
   * node agents run inside their nodes' namespaces), unlike the loopback address.
   */
  socketPath?: string;
  /** The MAC pool's range, `START-END` (`--mac-range`); unset: the one this data directory keeps, else a random one. */
  macRange?: string;
  /** Serve plain HTTP on host:port (local debugging only); the unix socket stays HTTPS. */
  insecureHttp?: boolean;
  /** Audit log rotation: bytes per file and old files kept (`--audit-log-maxsize`, `--audit-log-maxbackup`). */
  auditLogMaxBytes?: number;
  auditLogMaxBackups?: number;
  /** Extra names and addresses the serving certificate covers (`--tls-san`: e.g. a load balancer's address). */
  tlsSans?: string[];
  /** Where the admin kubeconfig is written (default DATA/kubeconfig; a second server on one store writes its own). */
  kubeconfigPath?: string;
  /** The audit log's directory (default DATA/audit; one per server when several share a data directory). */
  auditDir?: string;
  /** Per-client request rate limiting; default: a token bucket of 200 rps, burst 400, system:masters exempt. */
  rateLimiter?: RateLimiter;
}

export interface RunningServer {
  url: string;
  /** PEM of the CA that signed the serving certificate (also in DATA/pki/ca.crt and the kubeconfig). */
  caCert: string;
  kubeconfigPath: string;
  /** A token for `system:kube-controller-manager` (in system:masters), valid while this process lives, never on disk. */
  loopbackToken: string;
  store: Store;
  close(): Promise<void>;
}

/** listen(2) backlog: deeper than Node's 511, for reconnect storms of many agents (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 4096;
const OPEN_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz', '/console/config']);

/** The built console; `VIRTNET_CONSOLE_DIR` points elsewhere (tests of a console build of their own). */
const CONSOLE_DIR = process.env.VIRTNET_CONSOLE_DIR || fileURLToPath(new URL('../../../console/dist', import.meta.url));

/** What the audit event of a request needs, filled in as the request is handled. */
interface RequestTrace {
  received: Date;
  user?: User;
  attrs?: RequestAttributes;
  reason?: string;
  /** A console file: not an API request, not audited. */
  asset?: boolean;
}

export async function startApiServer(opts: ApiServerOptions): Promise<RunningServer> {
  mkdirSync(opts.dataDir, { recursive: true });
  const retain = opts.retainEvents !== undefined ? { retainEvents: opts.retainEvents } : {};
  const storeSpec = parseStoreSpec(opts.store ?? 'sqlite');
  const store: Store = storeSpec.kind === 'etcd'
    ? await openEtcdStore({ endpoints: storeSpec.endpoints, ...retain })
    : await openSqliteStore({ path: join(opts.dataDir, 'store.db'), ...retain });
  const index = new KindIndex(allKinds);
  // Filled below, once the MAC pool's range is settled (which itself writes through the service).
  const mutators: MutatingAdmission[] = [];
  const service = new ResourceService(store, mutators);
  const openapi = new OpenApiCache(index);
  const authn = new TokenAuthenticator(join(opts.dataDir, 'tokens.csv'));
  // The token the admin kubeconfig already holds stays valid across restarts.
  const adminToken = authn.ensureUser('admin', ['system:masters'], tokenOfKubeconfig(join(opts.dataDir, 'kubeconfig')));
  const loopbackToken = authn.addEphemeralUser('system:kube-controller-manager', ['system:masters']);
  const ctx: HandlerContext = { index, store, service };
  const consoleAssets = new ConsoleAssets(CONSOLE_DIR);
  const authz = await Authorization.start(store, service, index);
  const authorizer: Authorizer = authz.forRequests(unionAuthorizer(mastersAuthorizer, authz.node, authz.rbac));
  const audit: AuditSink = openAuditLog(opts.auditDir ?? join(opts.dataDir, 'audit'), {
    ...(opts.auditLogMaxBytes !== undefined ? { maxBytes: opts.auditLogMaxBytes } : {}),
    ...(opts.auditLogMaxBackups !== undefined ? { maxBackups: opts.auditLogMaxBackups } : {}),
  });
  const limiter: RateLimiter = opts.rateLimiter ?? defaultRateLimiter();

  /** Rate limit, then authorization; what was decided is kept for the audit event. */
  const admit = async (req: IncomingMessage, url: URL, user: User, trace: RequestTrace, upgrade = false): Promise<void> => {
    const rate = limiter.take(`user:${user.name}`, user.groups);
    if (!rate.ok) throw tooManyRequests(`Too many requests from ${user.name}, please try again later.`, rate.retryAfterSeconds);
    const attrs = requestAttributes(user, req.method ?? 'GET', url, upgrade);
    trace.attrs = attrs;
    const decision = await authorizer.authorize(attrs);
    trace.reason = decision.reason;
    if (decision.decision !== 'allow') throw forbiddenError(attrs, decision.reason);
  };
  const auditRequest = (req: IncomingMessage, trace: RequestTrace, code: number): void => {
    const a = trace.attrs;
    audit.record({
      requestReceivedTimestamp: trace.received.toISOString(),
      stageTimestamp: new Date().toISOString(),
      user: trace.user?.name ?? 'system:anonymous',
      groups: trace.user?.groups ?? ['system:unauthenticated'],
      sourceIP: req.socket.remoteAddress ?? '',
      userAgent: String(req.headers['user-agent'] ?? ''),
      verb: a?.verb ?? (req.method ?? '').toLowerCase(),
      requestURI: req.url ?? '',
      apiGroup: a?.apiGroup ?? '',
      resource: a?.resource ?? '',
      subresource: a?.subresource ?? '',
      namespace: a?.namespace ?? '',
      name: a?.name ?? '',
      code,
      ...(trace.reason ? { reason: trace.reason } : {}),
    });
  };
  // Client certificate, bearer token, or (a browser's WebSocket) a token in a subprotocol.
  const authenticate = (req: IncomingMessage) => authenticateRequest(authn, req);

  await ensureDefaultNamespaces(index, service);
  const macPool = await MacPoolAdmission.start(store, await ensureMacRange(index, service, opts.macRange === undefined ? undefined : parseMacRangeFlag(opts.macRange)));
  mutators.push(macPool);
  const gc = new GarbageCollector(index, store, service);
  const nsl = new NamespaceLifecycle(index, store, service);
  await gc.start();
  await nsl.start();

  const sockets = new Set<Duplex>();
  const certs = ensureServingCerts(join(opts.dataDir, 'pki'), [opts.host, ...(opts.tlsSans ?? [])]);
  const makeServer = (tls: boolean): Server | HttpServer => {
    const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
      const trace: RequestTrace = { received: new Date() };
      res.on('close', () => { if (!trace.asset) auditRequest(req, trace, res.statusCode); });
      handle(req, res, trace).catch((e: unknown) => sendError(res, e));
    };
    // Client certificates are requested, not required: token clients send none.
    const srv = tls
      ? createServer({ cert: certs.cert, key: certs.key, ca: certs.caCert, requestCert: true, rejectUnauthorized: false }, onRequest)
      : createHttpServer(onRequest);
    srv.on(tls ? 'secureConnection' : 'connection', (s: Duplex) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    srv.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname;
      const trace: RequestTrace = { received: new Date() };
      const refuse = (code: number, line: string): void => {
        auditRequest(req, trace, code);
        socket.end(`HTTP/1.1 ${code} ${line}\r\nConnection: close\r\n\r\n`);
      };
      const user = authenticate(req);
      if (!user) return refuse(401, 'Unauthorized');
      trace.user = user;
      admit(req, url, user, trace, true).then(() => {
        auditRequest(req, trace, 101);
        if (isWatchUpgrade(url)) return handleWatchUpgrade(ctx, url, req, socket, head);
        handleConsoleUpgrade(index, service, path, req, socket, head)
          .then((done) => { if (!done) refuse(404, 'Not Found'); }, () => refuse(500, 'Internal Server Error'));
      }, (e: unknown) => {
        const code = (e as { code?: number }).code ?? 500;
        refuse(code, code === 403 ? 'Forbidden' : code === 429 ? 'Too Many Requests' : 'Internal Server Error');
      });
    });
    srv.on('clientError', answerClientError);
    srv.keepAliveTimeout = 65_000;
    srv.requestTimeout = 0;
    return srv;
  };
  const server = makeServer(!opts.insecureHttp);
  const unixServer = opts.socketPath ? makeServer(true) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, trace: RequestTrace): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (consoleAssets.owns(path, req)) {
      trace.asset = true;
      return consoleAssets.serve(path, req, res);
    }
    const user = authenticate(req);
    if (user) trace.user = user;
    if (!OPEN_PATHS.has(path) && !user) {
      // Before authentication the client is its address: a token-guessing flood gets 429s, not 401s.
      const rate = limiter.take(`address:${req.socket.remoteAddress ?? 'unix'}`);
      if (!rate.ok) throw tooManyRequests('Too many requests, please try again later.', rate.retryAfterSeconds);
      throw unauthorized();
    }
    if (user && !OPEN_PATHS.has(path)) await admit(req, url, user, trace);
    if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
    // The sign-in page lists who may sign in (names only).
    if (path === '/console/config') return sendJson(res, 200, { users: authn.userNames() });
    if (path === '/apis/authentication.k8s.io/v1/selfsubjectreviews' && req.method === 'POST' && user) {
      await readBody(req, 64 * 1024);
      return sendJson(res, 201, {
        kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: new Date().toISOString() },
        status: { userInfo: { username: user.name, uid: user.uid, groups: user.groups } },
      });
    }
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (user && await authz.serve(path, req, res, user)) return;
    if (user && await serveProjects(path, req, res, user, authorizer, store)) return;
    const agg = acceptsAggregated(req.headers.accept);
    if (path === '/api') return agg ? sendJson(res, 200, aggregatedDiscovery(index, true), agg) : sendJson(res, 200, legacyApiVersions());
    if (path === '/apis') return agg ? sendJson(res, 200, aggregatedDiscovery(index, false), agg) : sendJson(res, 200, legacyGroupList(index));
    if (path === '/openapi/v3') return sendJson(res, 200, openapi.root());
    if (path.startsWith('/openapi/v3/')) {
      const doc = openapi.document(path.slice('/openapi/v3/'.length));
      if (doc === undefined) throw pathNotFound();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc), 'Cache-Control': 'public, immutable' });
      res.end(doc);
      return;
    }
    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'api' && parts.length === 2 && index.hasGroupVersion('', parts[1]!)) return sendJson(res, 200, legacyResourceList(index, '', parts[1]!));
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = index.groups.find((x) => x.group === parts[1]);
      if (g) return sendJson(res, 200, groupObject(g.group, g.versions));
    }
    if (parts[0] === 'apis' && parts.length === 3 && index.hasGroupVersion(parts[1]!, parts[2]!)) return sendJson(res, 200, legacyResourceList(index, parts[1]!, parts[2]!));
    if (isSubresourcePath(path)) {
      if (handleSubresourceDiscovery(path, res) || await handleVmAction(index, service, path, req, res)) return;
      throw pathNotFound();
    }
    const parsed = parsePath(path);
    if (parsed.type === 'resource') return handleResource(ctx, parsed.path, url, req, res);
    throw pathNotFound();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // A deep accept queue: a hundred agents reconnecting at once must queue, not be refused (EAGAIN).
    server.listen({ port: opts.port, host: opts.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  if (unixServer && opts.socketPath) {
    rmSync(opts.socketPath, { force: true });
    await new Promise<void>((resolve, reject) => {
      unixServer.once('error', reject);
      unixServer.listen({ path: opts.socketPath, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    chmodSync(opts.socketPath, 0o600);
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `${opts.insecureHttp ? 'http' : 'https'}://${host}:${addr.port}`;
  const kubeconfigPath = opts.kubeconfigPath ?? join(opts.dataDir, 'kubeconfig');
  writeFileSync(kubeconfigPath, renderKubeconfig(url, 'admin', adminToken, certs.caCert), { mode: 0o600 });

  return {
    url,
    caCert: certs.caCert,
    kubeconfigPath,
    loopbackToken,
    store,
    async close() {
      gc.stop();
      nsl.stop();
      authz.stop();
      macPool.stop();
      await Promise.all([server, ...(unixServer ? [unixServer] : [])].map((srv) => new Promise<void>((resolve) => {
        srv.close(() => resolve());
        for (const s of sockets) s.destroy();
      })));
      if (opts.socketPath) rmSync(opts.socketPath, { force: true });
      await audit.close();
      await store.close();
    },
  };
}


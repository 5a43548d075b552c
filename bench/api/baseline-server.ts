// The benchmark's baseline: the least an API server on node:http + SQLite can do for the paths the
// workload uses, with the same durability as virtnet (WAL, synchronous=FULL, one transaction per
// write). No validation, no auth, no admission, no event log: the gap to virtnet is the cost of
// everything virtnet does on top of "parse, store, fan out".
// Usage: node dist/bench/api/baseline-server.js --listen 127.0.0.1:0 --data DIR [--tls]
//   --tls serves HTTPS (as virtnet does) with a self-signed P-256 certificate written to DIR/tls.crt.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';

type Json = Record<string, unknown>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const dataDir = arg('--data', '.');
const [host, portText] = arg('--listen', '127.0.0.1:0').split(':') as [string, string?];
mkdirSync(dataDir, { recursive: true });

const db = new Database(join(dataDir, 'baseline.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
// key is "<namespace>/<name>" for ConfigMaps and "/<name>" for namespaces, so a namespace list is a key range.
db.exec('CREATE TABLE IF NOT EXISTS objects (key TEXT PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID');
const getStmt = db.prepare<[string], { json: string }>('SELECT json FROM objects WHERE key = ?');
const listStmt = db.prepare<[string, string], { json: string }>('SELECT json FROM objects WHERE key >= ? AND key < ? ORDER BY key');
const insertStmt = db.prepare<[string, string]>('INSERT INTO objects (key, json) VALUES (?, ?)');
const updateStmt = db.prepare<[string, string]>('UPDATE objects SET json = ? WHERE key = ?');

// The global revision counter lives in memory; a fresh data dir per run means it starts at 0.
let rv = 0;

const insertTx = db.transaction((key: string, obj: Json): string | undefined => {
  if (getStmt.get(key)) return undefined;
  stamp(obj, ++rv);
  const json = JSON.stringify(obj);
  insertStmt.run(key, json);
  return json;
});

const patchTx = db.transaction((key: string, patch: unknown): string | undefined => {
  const row = getStmt.get(key);
  if (!row) return undefined;
  const obj = mergePatch(JSON.parse(row.json), patch) as Json;
  stamp(obj, ++rv);
  const json = JSON.stringify(obj);
  updateStmt.run(json, key);
  return json;
});

function stamp(obj: Json, revision: number): void {
  const meta = (obj.metadata ??= {}) as Json;
  meta.resourceVersion = String(revision);
  meta.uid ??= randomUUID();
  meta.creationTimestamp ??= new Date().toISOString();
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Watchers per namespace. Each change is encoded once and written to every stream of its namespace.
const watchers = new Map<string, Set<ServerResponse>>();

function publish(ns: string, type: 'ADDED' | 'MODIFIED', json: string): void {
  const set = watchers.get(ns);
  if (!set) return;
  const line = `{"type":"${type}","object":${json}}\n`;
  for (const res of set) res.write(line);
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

function send(res: ServerResponse, code: number, json: string): void {
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) });
  res.end(json);
}

function notFound(res: ServerResponse): void {
  send(res, 404, '{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  // /api/v1/namespaces[/{ns}/configmaps[/{name}]]
  const p = url.pathname.split('/').filter(Boolean);
  if (p[0] !== 'api' || p[1] !== 'v1' || p[2] !== 'namespaces') return notFound(res);

  if (p.length === 3 && req.method === 'POST') {
    const obj = (await readBody(req)) as Json;
    const name = String((obj.metadata as Json | undefined)?.name ?? '');
    const json = insertTx(`/${name}`, { apiVersion: 'v1', kind: 'Namespace', ...obj });
    return json ? send(res, 201, json) : send(res, 409, '{"kind":"Status","reason":"AlreadyExists","code":409}');
  }
  const ns = p[3];
  if (ns === undefined || p[4] !== 'configmaps' || p.length > 6) return notFound(res);
  const name = p[5];
  const key = `${ns}/${name ?? ''}`;

  if (name === undefined && req.method === 'GET' && url.searchParams.get('watch') === 'true') {
    // Streams from "now": the benchmark opens every watch before it starts writing, so no replay is needed.
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    let set = watchers.get(ns);
    if (!set) watchers.set(ns, (set = new Set()));
    set.add(res);
    req.on('close', () => set.delete(res));
    return;
  }
  if (name === undefined && req.method === 'GET') {
    const items = listStmt.all(`${ns}/`, `${ns}0`).map((r) => r.json);
    return send(res, 200, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"},"items":[${items.join(',')}]}`);
  }
  if (name === undefined && req.method === 'POST') {
    const obj = (await readBody(req)) as Json;
    const meta = (obj.metadata ??= {}) as Json;
    meta.namespace = ns;
    const json = insertTx(`${ns}/${String(meta.name)}`, { apiVersion: 'v1', kind: 'ConfigMap', ...obj });
    if (!json) return send(res, 409, '{"kind":"Status","reason":"AlreadyExists","code":409}');
    send(res, 201, json);
    return publish(ns, 'ADDED', json);
  }
  if (name !== undefined && req.method === 'GET') {
    const row = getStmt.get(key);
    return row ? send(res, 200, row.json) : notFound(res);
  }
  if (name !== undefined && req.method === 'PATCH') {
    const json = patchTx(key, await readBody(req));
    if (!json) return notFound(res);
    send(res, 200, json);
    return publish(ns, 'MODIFIED', json);
  }
  notFound(res);
}

/** The same key type as virtnet's serving certificate (EC P-256), so the TLS cost matches. */
function selfSignedCert(): { cert: Buffer; key: Buffer } {
  const cert = join(dataDir, 'tls.crt');
  const key = join(dataDir, 'tls.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=baseline', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert: readFileSync(cert), key: readFileSync(key) };
}

const tls = process.argv.includes('--tls');
const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
  handle(req, res).catch((e: unknown) => send(res, 500, JSON.stringify({ message: String(e) })));
};
const server = tls ? createHttpsServer(selfSignedCert(), onRequest) : createHttpServer(onRequest);
server.keepAliveTimeout = 65_000;
server.listen(Number(portText ?? 0), host, () => {
  const addr = server.address() as AddressInfo;
  console.log(`baseline API server listening on ${tls ? 'https' : 'http'}://${addr.address}:${addr.port}`);
});
const shutdown = (): void => {
  server.close();
  server.closeAllConnections();
  db.close();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

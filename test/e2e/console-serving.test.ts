// The API server as the console's host: static files (gzip, caching), console routes → index.html, API paths
// untouched, the sign-in page's user list, SelfSubjectReview, and watches over WebSocket with the token in
// the bearer subprotocol (as a browser must send it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { ServerProcess } from '../support/server-process.js';
import { tokenOfKubeconfig } from '../../src/credentials/kubeconfig.js';

let server: ServerProcess;
let token = '';
const site = mkdtempSync(join(tmpdir(), 'vn-console-site-'));
const INDEX = '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/app-1234.js"></script></body></html>';
const APP_JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

before(async () => {
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'index.html'), INDEX);
  writeFileSync(join(site, 'assets', 'app-1234.js'), APP_JS);
  process.env.VIRTNET_CONSOLE_DIR = site;
  server = await ServerProcess.start();
  token = tokenOfKubeconfig(server.kubeconfig)!;
});

after(async () => {
  await server?.stop();
  rmSync(site, { recursive: true, force: true });
});

test('/ and console routes answer index.html without a token; API paths stay JSON and need one', async () => {
  for (const path of ['/', '/dashboards', '/k8s/ns/default/virtualmachines/x/console']) {
    const r = await server.request('GET', path, undefined, { Accept: 'text/html,application/xhtml+xml' }, false);
    assert.equal(r.status, 200, path);
    assert.match(String(r.headers['content-type']), /text\/html/);
    assert.equal(r.text, INDEX);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
  }
  const api = await server.request('GET', '/api/v1/namespaces', undefined, { Accept: 'text/html,application/json' }, false);
  assert.equal(api.status, 401);
  assert.equal((api.json as { kind: string }).kind, 'Status');
  const missing = await server.request('GET', '/apis/nope.io/v1/things', undefined, { Accept: 'text/html' });
  assert.equal(missing.status, 404);
});

test('hashed assets are cached for good and gzipped when asked', async () => {
  const plain = await server.request('GET', '/assets/app-1234.js', undefined, {}, false);
  assert.equal(plain.status, 200);
  assert.equal(plain.text, APP_JS);
  assert.match(String(plain.headers['cache-control']), /immutable/);
  const res = await server.open('GET', '/assets/app-1234.js', undefined, { 'Accept-Encoding': 'gzip' }, false);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  assert.equal(res.headers['content-encoding'], 'gzip');
  const body = Buffer.concat(chunks);
  assert.ok(body.length < APP_JS.length / 4, `gzipped ${body.length} bytes`);
  assert.equal(gunzipSync(body).toString(), APP_JS);
});

test('the sign-in page lists user names, never tokens; SelfSubjectReview names the caller', async () => {
  const cfg = await server.request('GET', '/console/config', undefined, {}, false);
  assert.equal(cfg.status, 200);
  assert.deepEqual(cfg.json, { users: ['admin'] });
  assert.ok(!cfg.text.includes(token));
  const r = await server.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  assert.equal(r.status, 201);
  assert.equal((r.json as { status: { userInfo: { username: string } } }).status.userInfo.username, 'admin');
});

function openWatch(path: string, protocols: string[]): Promise<{ ws: WebSocket; events: { type: string; object: { metadata: { name: string } } }[]; protocol: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.url.replace(/^https/, 'wss') + path, protocols, { ca: server.ca });
    const events: { type: string; object: { metadata: { name: string } } }[] = [];
    ws.on('message', (d) => events.push(JSON.parse(String(d))));
    ws.once('open', () => resolve({ ws, events, protocol: ws.protocol }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function until(fn: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a watch over WebSocket: the token rides in the bearer subprotocol, events arrive one per frame', async () => {
  const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`;
  const w = await openWatch('/api/v1/namespaces/default/configmaps?watch=true', ['binary.k8s.io', bearer]);
  try {
    assert.equal(w.protocol, 'binary.k8s.io', 'the server selects the data protocol, never the token');
    server.kubectlOk(['create', 'configmap', 'ws-one', '-n', 'default']);
    await until(() => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'ws-one'), 'ADDED ws-one');
    server.kubectlOk(['delete', 'configmap', 'ws-one', '-n', 'default']);
    await until(() => w.events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'ws-one'), 'DELETED ws-one');
  } finally {
    w.ws.close();
  }
});

test('a WebSocket watch without a token is refused with 401; a bad path gets a Status ERROR event', async () => {
  await assert.rejects(openWatch('/api/v1/namespaces?watch=true', ['binary.k8s.io']), /HTTP 401/);
  const bearer = `base64url.bearer.authorization.k8s.io.${Buffer.from('wrong').toString('base64url')}`;
  await assert.rejects(openWatch('/api/v1/namespaces?watch=true', ['binary.k8s.io', bearer]), /HTTP 401/);
  const good = `base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`;
  const w = await openWatch('/apis/nmstate.io/v1/nodenetworkconfigurationpolicies?watch=true&resourceVersion=abc', ['binary.k8s.io', good]);
  await until(() => w.events.length > 0, 'an ERROR event');
  const e = w.events[0] as unknown as { type: string; object: { kind: string; code: number } };
  assert.equal(e.type, 'ERROR');
  assert.equal(e.object.kind, 'Status');
  assert.equal(e.object.code, 400);
  w.ws.close();
});

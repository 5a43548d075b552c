// Authentication against a real `virtnet serve` with the real kubectl: hashed tokens on disk (a plain-text
// file migrated), the admin kubeconfig across a restart, client-certificate kubeconfigs, 401 Status for bad
// tokens and certificates, lab users and node identities, and --insecure-http.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ServerProcess, repoRoot, findKubectl } from '../support/server-process.js';
import { ensureLabUsers, ensureNodeKubeconfigs } from '../../src/cli/users.js';

const virtnet = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 30_000 });

function kubectlAs(s: ServerProcess, kubeconfig: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(findKubectl(), ['--kubeconfig', kubeconfig, '--cache-dir', s.cacheDir, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KUBECONFIG: kubeconfig } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function whoami(s: ServerProcess, kubeconfig: string): { username: string; groups: string[] } {
  const r = kubectlAs(s, kubeconfig, ['auth', 'whoami', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { status: { userInfo: { username: string; groups: string[] } } }).status.userInfo;
}

/** A raw HTTPS request with a client certificate and/or token; the parsed body and status. */
function rawRequest(s: ServerProcess, path: string, opts: { cert?: string; key?: string; token?: string }): Promise<{ status: number; body: { kind?: string; reason?: string; code?: number } }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(s.url + path, {
      ca: s.ca, ...(opts.cert ? { cert: opts.cert, key: opts.key } : {}), agent: false,
      headers: opts.token ? { Authorization: `Bearer ${opts.token}` } : {},
    }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => { text += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { kind?: string } }));
    });
    req.on('error', reject);
    req.end();
  });
}

function credsOf(kubeconfig: string): { cert: string; key: string } {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[] };
  const u = doc.users[0]!.user;
  return { cert: Buffer.from(u['client-certificate-data'], 'base64').toString(), key: Buffer.from(u['client-key-data'], 'base64').toString() };
}

describe('authentication', () => {
  let s: ServerProcess;
  const LEGACY = 'legacy-plain-token-0123456789';

  before(async () => {
    // An older data directory: a plain-text token file the server must migrate.
    const dir = mkdtempSync(join(tmpdir(), 'vn-authn-'));
    writeFileSync(join(dir, 'tokens.csv'), `${LEGACY},legacy,legacy,"old-team"\n`, { mode: 0o600 });
    s = await ServerProcess.start(dir);
  });
  after(async () => { await s?.stop(); });

  it('keeps only sha256 hashes of tokens on disk, migrating a plain-text file', () => {
    const file = readFileSync(join(s.dataDir, 'tokens.csv'), 'utf8');
    assert.equal(statSync(join(s.dataDir, 'tokens.csv')).mode & 0o777, 0o600);
    assert.ok(!file.includes(LEGACY), file);
    assert.ok(!file.includes(s.token), 'the admin token is not in the file');
    const lines = file.split('\n').filter((l) => l && !l.startsWith('#'));
    assert.ok(lines.length >= 2 && lines.every((l) => /^sha256:[0-9a-f]{64},/.test(l)), file);
    assert.equal(statSync(s.kubeconfig).mode & 0o777, 0o600);
    // The migrated token still authenticates.
    const r = s.kubectl(['auth', 'whoami', '-o', 'json', '--token', LEGACY]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { status: { userInfo: { username: string } } }).status.userInfo.username, 'legacy');
  });

  it('answers 401 Status Unauthorized to a wrong token', async () => {
    const r = await rawRequest(s, '/api/v1/namespaces', { token: 'not-a-token' });
    assert.equal(r.status, 401);
    assert.equal(r.body.kind, 'Status');
    assert.equal(r.body.reason, 'Unauthorized');
    const k = s.kubectl(['get', 'ns', '--token', 'not-a-token']);
    assert.notEqual(k.code, 0);
    assert.match(k.stderr, /Unauthorized|provide credentials/);
  });

  it('authenticates a certificate kubeconfig as its CN and O groups; expired and foreign certificates get 401', async () => {
    const out = join(s.dataDir, 'users', 'alice.kubeconfig');
    const r = virtnet(['kubeconfig', '--data', s.dataDir, '--user', 'alice', '--group', 'team-a', '--group', 'team-b', '--cert']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), out);
    assert.equal(statSync(out).mode & 0o777, 0o600);
    assert.deepEqual(whoami(s, out), { username: 'alice', groups: ['team-a', 'team-b', 'system:authenticated'] });

    const expired = join(s.dataDir, 'expired.kubeconfig');
    assert.equal(virtnet(['kubeconfig', '--data', s.dataDir, '--user', 'mallory', '--cert', '--days', '-1', '--out', expired]).status, 0);
    const e = await rawRequest(s, '/api/v1/namespaces', credsOf(expired));
    assert.equal(e.status, 401);
    assert.equal(e.body.reason, 'Unauthorized');
    assert.notEqual(kubectlAs(s, expired, ['get', 'ns']).code, 0);

    // Signed by a CA of its own, claiming system:masters.
    const foreign = mkdtempSync(join(tmpdir(), 'vn-authn-ca-'));
    try {
      const ossl = (args: string[]) => assert.equal(spawnSync('openssl', args, { encoding: 'utf8' }).status, 0, args.join(' '));
      ossl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(foreign, 'ca.key'), '-out', join(foreign, 'ca.crt'), '-days', '1', '-subj', '/CN=evil-ca']);
      ossl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(foreign, 'c.key'), '-out', join(foreign, 'c.csr'), '-subj', '/CN=admin/O=system:masters']);
      ossl(['x509', '-req', '-in', join(foreign, 'c.csr'), '-CA', join(foreign, 'ca.crt'), '-CAkey', join(foreign, 'ca.key'), '-set_serial', '7', '-out', join(foreign, 'c.crt'), '-days', '1']);
      const f = await rawRequest(s, '/api/v1/namespaces', { cert: readFileSync(join(foreign, 'c.crt'), 'utf8'), key: readFileSync(join(foreign, 'c.key'), 'utf8') });
      assert.equal(f.status, 401);
      assert.equal(f.body.kind, 'Status');
      // An unverified certificate does not spoil a good token (kube's union of authenticators).
      const both = await rawRequest(s, '/api/v1/namespaces', { cert: readFileSync(join(foreign, 'c.crt'), 'utf8'), key: readFileSync(join(foreign, 'c.key'), 'utf8'), token: s.token });
      assert.equal(both.status, 200);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });

  it('sets up lab users: tokens, kubeconfigs in their namespaces, projects and bindings (idempotent)', async () => {
    const users = await ensureLabUsers(s.dataDir, 2);
    assert.deepEqual(users.map((u) => u.name), ['user1', 'user2']);
    for (const u of users) {
      assert.equal(u.kubeconfig, join(s.dataDir, 'users', `${u.name}.kubeconfig`));
      assert.equal(statSync(u.kubeconfig).mode & 0o777, 0o600);
      const doc = parse(readFileSync(u.kubeconfig, 'utf8')) as { contexts: { context: { namespace: string } }[] };
      assert.equal(doc.contexts[0]!.context.namespace, `vmexamples-${u.name}`);
      assert.equal(whoami(s, u.kubeconfig).username, u.name);
    }
    const tokenBefore = readFileSync(users[0]!.kubeconfig, 'utf8');
    await ensureLabUsers(s.dataDir, 2);
    assert.equal(readFileSync(users[0]!.kubeconfig, 'utf8'), tokenBefore, 'run again, the kubeconfig (and its token) stays');
    const udn = JSON.parse(s.kubectlOk(['get', 'ns', 'vmexamples-user2-udn', '-o', 'json'])) as { metadata: { labels: Record<string, string> } };
    assert.equal(udn.metadata.labels['k8s.ovn.org/primary-user-defined-network'], '');
    const rb = JSON.parse(s.kubectlOk(['get', 'rolebinding', 'user1-admin', '-n', 'vmexamples-user1-udn', '-o', 'json'])) as { roleRef: { name: string }; subjects: { kind: string; name: string }[] };
    assert.equal(rb.roleRef.name, 'admin');
    assert.deepEqual(rb.subjects.map((x) => `${x.kind}/${x.name}`), ['User/user1']);
    const nad = JSON.parse(s.kubectlOk(['get', 'rolebinding', 'nad-viewer', '-n', 'default', '-o', 'json'])) as { subjects: { name: string }[] };
    assert.deepEqual(nad.subjects.map((x) => x.name), ['user1', 'user2']);
    s.kubectlOk(['get', 'role', 'nad-viewer', '-n', 'default']);
    // The console's sign-in page lists users, not node or other system: identities.
    ensureNodeKubeconfigs(s.dataDir, ['worker-9']);
    const cfg = await s.request('GET', '/console/config', undefined, {}, false);
    assert.deepEqual((cfg.json as { users: string[] }).users, ['admin', 'legacy', 'user1', 'user2']);
  });

  it('gives each node agent its own identity: system:node:<node> in system:nodes, confined to its node', () => {
    const files = ensureNodeKubeconfigs(s.dataDir, ['worker-0']);
    const who = whoami(s, files.get('worker-0')!);
    assert.equal(who.username, 'system:node:worker-0');
    assert.ok(who.groups.includes('system:nodes'), JSON.stringify(who));
    assert.ok(!who.groups.includes('system:masters'), JSON.stringify(who));
    // The Node authorizer decides for it: its own Node, not another's.
    assert.equal(kubectlAs(s, files.get('worker-0')!, ['auth', 'can-i', 'patch', 'nodes/worker-0']).stdout.trim(), 'yes');
    assert.equal(kubectlAs(s, files.get('worker-0')!, ['auth', 'can-i', 'patch', 'nodes/worker-1']).stdout.split(' ')[0]?.trim(), 'no');
  });

  it('keeps the admin kubeconfig (and every other) working across a restart', async () => {
    const token = s.token;
    const user1 = join(s.dataDir, 'users', 'user1.kubeconfig');
    await s.kill('SIGTERM');
    await s.launch();
    assert.equal(s.token, token);
    assert.equal(whoami(s, s.kubeconfig).username, 'admin');
    assert.equal(whoami(s, user1).username, 'user1');
    assert.equal(whoami(s, join(s.dataDir, 'users', 'alice.kubeconfig')).username, 'alice');
    // The controllers (their own in-memory identity) still work: a namespace is created and finalized.
    s.kubectlOk(['create', 'ns', 'vn-authn-ctl']);
    s.kubectlOk(['delete', 'ns', 'vn-authn-ctl', '--wait=true', '--timeout=20s']);
  });
});

describe('--insecure-http', () => {
  let s: ServerProcess;
  before(async () => { s = await ServerProcess.start(undefined, ['--insecure-http', '--no-controllers']); });
  after(async () => { await s?.stop(); });

  const get = (path: string, token?: string): Promise<number> => new Promise((resolve, reject) => {
    const req = httpRequest(s.url + path, { headers: token ? { Authorization: `Bearer ${token}` } : {}, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });

  it('serves plain HTTP, says so loudly, and still authenticates', async () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(s.output, /WARNING: --insecure-http/);
    assert.equal(await get('/version'), 200);
    assert.equal(await get('/api/v1/namespaces'), 401);
    assert.equal(await get('/api/v1/namespaces', s.token), 200);
    // kubectl talks to it (open paths), but sends no credentials over plain HTTP, not even to loopback.
    assert.match(s.kubectlOk(['get', '--raw', '/version']), /gitVersion/);
    assert.notEqual(s.kubectl(['get', 'ns']).code, 0);
  });
});

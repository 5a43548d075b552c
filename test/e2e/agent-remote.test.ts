// `virtnet agent --server URL --ca FILE --token-file F`: an agent on a host of its own reaches the API by
// URL (no kubeconfig, no unix socket: its --data directory is empty) with a node identity's token read from
// a file; it registers its Node and renews its Lease. A refused token, a missing or empty file end the
// agent with an error that names the file.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import { tokenOfKubeconfig } from '../../src/credentials/kubeconfig.js';

const run = `vn-t${randomBytes(3).toString('hex')}`;
const HOST_NS = `${run}-host`;
const NODE = 'remote-0';
const bin = join(repoRoot, 'bin', 'virtnet.js');

function virtnet(args: string[]): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

describe('virtnet agent --server --ca --token-file (an agent on another host)', () => {
  let s: ServerProcess;
  let c: ApiClient;
  let hostDir: string;
  let caFile: string;
  let tokenFile: string;
  const children: ChildProcess[] = [];
  const agentArgs = (node: string, token: string, extra: string[] = []): string[] =>
    ['agent', '--node', node, '--netns', HOST_NS, '--data', hostDir, '--no-vms', '--heartbeat-ms', '300',
      '--server', s.url, '--ca', caFile, '--token-file', token, ...extra];

  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    assert.equal(spawnSync('ip', ['netns', 'add', HOST_NS]).status, 0, `ip netns add ${HOST_NS}`);
    // What an operator copies to the host: the CA and the node's token, nothing else.
    hostDir = mkdtempSync(join(tmpdir(), `${run}-hostdata-`));
    caFile = join(hostDir, 'ca.crt');
    copyFileSync(join(s.dataDir, 'pki', 'ca.crt'), caFile);
    const kc = virtnet(['kubeconfig', '--data', s.dataDir, '--user', `system:node:${NODE}`, '--group', 'system:nodes']);
    assert.equal(kc.code, 0, kc.out);
    const token = tokenOfKubeconfig(kc.stdout.trim());
    assert.ok(token, 'the issued kubeconfig holds a token');
    tokenFile = join(hostDir, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  });
  after(async () => {
    for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', HOST_NS]);
    c?.close();
    await s?.stop();
    rmSync(hostDir, { recursive: true, force: true });
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`${run}-`));
    assert.deepEqual(left, [], 'no namespace of this run is left');
  });

  it('registers its Node, renews its Lease, and stops cleanly on SIGTERM', async () => {
    const agent = spawn(process.execPath, [bin, ...agentArgs(NODE, tokenFile)], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(agent);
    let out = '';
    agent.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    agent.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((r) => agent.once('exit', (code) => r(code)));
    await until(() => out.includes(`virtnet agent for node ${NODE} running`) || agent.exitCode !== null, 'the agent to start', 20_000);
    assert.equal(agent.exitCode, null, out);
    const node = await c.get(R.node, undefined, NODE);
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], NODE);
    const renewTime = async (): Promise<string> => ((await c.get(R.lease, 'kube-node-lease', NODE)).spec as { renewTime: string }).renewTime;
    const first = await renewTime();
    await until(async () => (await renewTime()) !== first, 'the Lease to be renewed', 10_000);
    const lease = await c.get(R.lease, 'kube-node-lease', NODE);
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, NODE);
    assert.match(s.kubectlOk(['get', 'nodes']), new RegExp(`${NODE}\\s+Ready`));
    agent.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });

  it('a token the server refuses: exit ≠ 0 and an error naming the token file', () => {
    const bad = join(hostDir, 'bad-token');
    writeFileSync(bad, 'not-a-token\n');
    const r = virtnet(agentArgs('remote-1', bad));
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`error: the API server refused the token in ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('a missing or empty token file, or --server without --ca, fails before any request', () => {
    const missing = virtnet(agentArgs('remote-1', join(hostDir, 'absent')));
    assert.notEqual(missing.code, 0);
    assert.match(missing.out, /error: --token-file \S+absent: no such file/);
    const empty = join(hostDir, 'empty-token');
    writeFileSync(empty, '\n');
    const e = virtnet(agentArgs('remote-1', empty));
    assert.notEqual(e.code, 0);
    assert.match(e.out, /error: --token-file \S+empty-token: the file is empty/);
    const partial = virtnet(['agent', '--node', 'remote-1', '--netns', HOST_NS, '--data', hostDir, '--no-vms', '--server', s.url, '--token-file', tokenFile]);
    assert.notEqual(partial.code, 0);
    assert.match(partial.out, /--server, --ca and --token-file go together/);
  });
});

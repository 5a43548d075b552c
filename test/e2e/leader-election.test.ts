// Leader-elected controllers: several `virtnet controllers` processes against one API server, exactly
// one holding the Lease kube-system/virtnet-controller-manager and running the controllers (seen by
// their effect: a new Node gets a podCIDR). kill -9 of the leader → another takes over once the lease
// lapses (≤ 15 s after the last renewal); a graceful stop releases it → takeover at once; a leader
// that cannot renew stops (the process exits, as kube-controller-manager does).
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ServerProcess, repoRoot, until } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

interface LeaseSpec { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number; renewTime?: string; acquireTime?: string }

class Candidate {
  output = '';
  exitCode: number | null | undefined;
  readonly exited: Promise<number | null>;
  constructor(readonly name: string, readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => { this.output += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
    this.exited = new Promise((r) => proc.once('exit', (code) => { this.exitCode = code; r(code); }));
  }
  get pid(): number {
    return this.proc.pid ?? -1;
  }
  /** Its identity, from its own first log line. */
  get identity(): string | undefined {
    return /attempting to acquire \S+ as (\S+)/.exec(this.output)?.[1];
  }
  get alive(): boolean {
    return this.exitCode === undefined;
  }
}

describe('leader-elected controllers', () => {
  let s: ServerProcess | undefined;
  let c: ApiClient | undefined;
  const candidates: Candidate[] = [];
  after(async () => {
    for (const k of candidates) if (k.alive) { k.proc.kill('SIGKILL'); await k.exited; }
    c?.close();
    await s?.stop();
  });

  const launch = async (name: string, extra: string[] = []): Promise<Candidate> => {
    const proc = spawn(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), 'controllers', '--kubeconfig', s!.kubeconfig, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    const k = new Candidate(name, proc);
    candidates.push(k);
    await until(() => /virtnet controllers running/.test(k.output) || !k.alive, `${name} to start`, 20_000);
    assert.ok(k.alive, `${name} exited:\n${k.output}`);
    return k;
  };
  const lease = async (): Promise<LeaseSpec> => (await c!.get<KubeObject & { spec: LeaseSpec }>(R.lease, 'kube-system', 'virtnet-controller-manager')).spec;
  const podCidr = async (node: string): Promise<string | undefined> =>
    ((await c!.get<KubeObject & { spec?: { podCIDR?: string } }>(R.node, undefined, node)).spec?.podCIDR);
  const createNode = (name: string): Promise<KubeObject> => c!.create(R.node, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name } });

  it('one candidate leads and runs the controllers; kill -9 → takeover; SIGTERM → released and taken at once; a leader that cannot renew stops', async () => {
    s = await ServerProcess.start(undefined, ['--no-controllers']);
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'leader-election-test');

    const a = await launch('a');
    const b = await launch('b');
    await until(() => /new leader: /.test(b.output), 'b to see a leader');
    let spec = await lease();
    assert.equal(spec.holderIdentity, a.identity, `a holds the lease:\n${a.output}\n${b.output}`);
    assert.ok(a.identity!.includes(`_${a.pid}_`), `identity hostname_pid_random: ${a.identity}`);
    assert.equal(spec.leaseDurationSeconds, 15);
    assert.match(spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/, 'MicroTime');
    assert.match(a.output, /leader election: acquired kube-system\/virtnet-controller-manager as /);
    assert.doesNotMatch(b.output, /acquired/, 'b waits');
    await createNode('vn-le-n1');
    await until(() => podCidr('vn-le-n1'), 'the leader\'s node IPAM to give vn-le-n1 a podCIDR');
    // The leader renews: renewTime moves, the holder does not.
    const renewed = await until(async () => { const l = await lease(); return l.renewTime !== spec.renewTime ? l : undefined; }, 'a renewal', 5_000);
    assert.equal(renewed.holderIdentity, a.identity);
    assert.equal(renewed.acquireTime, spec.acquireTime, 'a renewal keeps acquireTime');

    // kill -9 the leader: nothing assigns podCIDRs until b takes over.
    const lastRenew = Date.parse((await lease()).renewTime!);
    const killedAt = Date.now();
    a.proc.kill('SIGKILL');
    await a.exited;
    await createNode('vn-le-n2');
    await until(() => podCidr('vn-le-n2'), 'b to take over and assign vn-le-n2 a podCIDR', 25_000);
    const tookOver = Date.now();
    spec = await lease();
    assert.equal(spec.holderIdentity, b.identity, `b holds the lease:\n${b.output}`);
    assert.equal(spec.leaseTransitions, 1);
    assert.match(b.output, /leader election: acquired kube-system\/virtnet-controller-manager as /);
    const acquired = Date.parse(spec.acquireTime!);
    console.log(`# kill -9 of the leader → lease taken over ${((acquired - killedAt) / 1000).toFixed(1)} s after the kill ` +
      `(${((acquired - lastRenew) / 1000).toFixed(1)} s after its last renewal); the new leader's controllers acted ${((tookOver - killedAt) / 1000).toFixed(1)} s after the kill`);

    // A graceful stop releases the lease: the next candidate takes it at once.
    const d = await launch('d', ['--leader-elect-lease-duration', '4s', '--leader-elect-renew-deadline', '3s', '--leader-elect-retry-period', '1s']);
    await until(() => /new leader: /.test(d.output), 'd to see b lead');
    const stoppedAt = Date.now();
    b.proc.kill('SIGTERM');
    assert.equal(await b.exited, 0, b.output);
    assert.match(b.output, /leader election: released kube-system\/virtnet-controller-manager/);
    await createNode('vn-le-n3');
    await until(() => podCidr('vn-le-n3'), 'd to take over and assign vn-le-n3 a podCIDR', 10_000);
    const actedAt = Date.now();
    spec = await lease();
    console.log(`# graceful stop of the leader → lease taken over ${((Date.parse(spec.acquireTime!) - stoppedAt) / 1000).toFixed(1)} s after SIGTERM; ` +
      `the standby's controllers acted after ${((actedAt - stoppedAt) / 1000).toFixed(1)} s`);
    assert.equal(spec.holderIdentity, d.identity);
    assert.equal(spec.leaseTransitions, 2);
    assert.equal(spec.leaseDurationSeconds, 4);

    // Someone else writes the lease (as a partitioned leader's successor would): d cannot renew, and
    // once its renew deadline passes it stops leading — the process exits for its supervisor.
    const raw = await c.get<KubeObject & { spec: LeaseSpec }>(R.lease, 'kube-system', 'virtnet-controller-manager');
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    await c.replace(R.lease, 'kube-system', 'virtnet-controller-manager', { ...raw, spec: { ...raw.spec, holderIdentity: 'vn-le-usurper', renewTime: now, acquireTime: now, leaseDurationSeconds: 30 } });
    const stolenAt = Date.now();
    assert.equal(await Promise.race([d.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]), 1, d.output);
    assert.match(d.output, /leader election: lost kube-system\/virtnet-controller-manager/);
    console.log(`# a leader whose lease was taken stopped after ${((Date.now() - stolenAt) / 1000).toFixed(1)} s (renew deadline 3 s)`);
    assert.equal((await lease()).holderIdentity, 'vn-le-usurper', 'the stopped leader wrote nothing more');
  });

  it('virtnet serve elects its controllers too, and hands the lease back on SIGTERM', async () => {
    const srv = await ServerProcess.start();
    const k = ApiClient.fromKubeconfig(srv.kubeconfig, 'leader-election-test');
    try {
      await until(() => /leader election: acquired kube-system\/virtnet-controller-manager as \S+_\d+_[0-9a-f]{8}/.test(srv.output), 'serve to lead', 5_000);
      const l = await k.get<KubeObject & { spec: LeaseSpec }>(R.lease, 'kube-system', 'virtnet-controller-manager');
      assert.ok(l.spec.holderIdentity?.includes(`_${srv.pid}_`), `serve (pid ${srv.pid}) holds it: ${l.spec.holderIdentity}`);
      await k.create(R.node, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'vn-le-s1' } });
      await until(async () => (await k.get<KubeObject & { spec?: { podCIDR?: string } }>(R.node, undefined, 'vn-le-s1')).spec?.podCIDR, 'a podCIDR from serve\'s controllers');
      await srv.kill('SIGTERM');
      assert.match(srv.output, /leader election: released kube-system\/virtnet-controller-manager/);
      // A restarted server finds the lease free and leads at once.
      await srv.launch();
      await until(() => /leader election: acquired/.test(srv.output), 'the restarted server to lead', 5_000);
    } finally {
      k.close();
      await srv.stop();
    }
  });
});

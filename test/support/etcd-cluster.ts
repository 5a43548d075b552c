// A real etcd cluster on loopback for tests: N members with their own ports and data directories under one
// temp dir named vn-t<run>-etcd-*, member names vn-t<run>-m<i> (both in each process's argv, so leftover
// checks find them). stop() kills every member and removes the data, also after a failed test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The etcd binary and its version, or the reason a test must skip. */
export function findEtcd(): { bin: string; version: string } | { skip: string } {
  const r = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return { skip: 'no etcd binary on PATH (Debian: apt-get install etcd-server; make build installs it)' };
  const version = /etcd Version: (\S+)/.exec(r.stdout)?.[1] ?? 'unknown';
  return { bin: 'etcd', version };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

interface Member {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  child: ChildProcess | undefined;
  log: string;
}

/** Processes still running when this test process exits (a crash, an unhandled rejection) die with it. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export class EtcdCluster {
  private constructor(
    readonly runId: string,
    readonly dir: string,
    private readonly members: Member[],
    private readonly initialCluster: string,
  ) {}

  /** Client URLs, one per member. */
  get endpoints(): string[] {
    return this.members.map((m) => m.clientUrl);
  }

  static async start(size = 3, runId = `vn-t${randomBytes(3).toString('hex')}`): Promise<EtcdCluster> {
    const dir = mkdtempSync(join(tmpdir(), `${runId}-etcd-`));
    const members: Member[] = [];
    for (let i = 0; i < size; i++) {
      const [c, p] = [await freePort(), await freePort()];
      members.push({ name: `${runId}-m${i}`, clientUrl: `http://127.0.0.1:${c}`, peerUrl: `http://127.0.0.1:${p}`, dataDir: join(dir, `m${i}`), child: undefined, log: '' });
    }
    const initialCluster = members.map((m) => `${m.name}=${m.peerUrl}`).join(',');
    const cluster = new EtcdCluster(runId, dir, members, initialCluster);
    try {
      for (let i = 0; i < size; i++) cluster.launch(i, 'new');
      await cluster.waitHealthy();
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  private launch(i: number, state: 'new' | 'existing'): void {
    const m = this.members[i]!;
    const args = [
      '--name', m.name,
      '--data-dir', m.dataDir,
      '--listen-client-urls', m.clientUrl,
      '--advertise-client-urls', m.clientUrl,
      '--listen-peer-urls', m.peerUrl,
      '--initial-advertise-peer-urls', m.peerUrl,
      '--initial-cluster', this.initialCluster,
      '--initial-cluster-state', state,
      '--initial-cluster-token', this.runId,
      // Small: tests write little, and a full quota would show as a test failure, not a full disk.
      '--quota-backend-bytes', String(256 * 1024 * 1024),
      '--logger', 'zap',
      '--log-outputs', 'stderr',
    ];
    const child = spawn('etcd', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
    m.child = child;
    m.log = '';
    live.add(child);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      // Keep the tail only: enough to explain a failure.
      m.log = (m.log + d).slice(-20_000);
    });
    child.once('exit', () => live.delete(child));
  }

  /** Every running member answers /health with true. */
  async waitHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const running = this.members.filter((m) => m.child && m.child.exitCode === null && m.child.signalCode === null);
      const health = await Promise.all(running.map((m) => this.healthy(m.clientUrl)));
      if (running.length > 0 && health.every(Boolean)) return;
      if (Date.now() > deadline) {
        const logs = this.members.map((m) => `--- ${m.name}\n${m.log.slice(-3000)}`).join('\n');
        throw new Error(`etcd cluster ${this.runId} not healthy after ${timeoutMs} ms\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async healthy(url: string): Promise<boolean> {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      const body = (await res.json()) as { health?: string };
      return body.health === 'true';
    } catch {
      return false;
    }
  }

  /** kill -9 one member; resolves once it is gone. */
  async kill(i: number): Promise<void> {
    const child = this.members[i]?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Starts a killed member again on its data directory and waits for the cluster to be healthy. */
  async restart(i: number): Promise<void> {
    this.launch(i, 'existing');
    await this.waitHealthy();
  }

  /** The log tail of one member, for failure messages. */
  log(i: number): string {
    return this.members[i]?.log ?? '';
  }

  async stop(): Promise<void> {
    await Promise.all(this.members.map((_, i) => this.kill(i)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// A lab in scale-out mode for tests: `virtnet lab up --store etcd --api-servers N` in a scratch data
// directory (its own etcd cluster, N API servers, haproxy on the control-plane address, agents that reach
// the API over the machine network only), with kubectl and an API client against the first server, and the
// processes and files of the control plane at hand for fault injection. stop() runs `lab down` and returns
// what is left of the run (namespaces, processes, links), which the caller asserts is nothing.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findKubectl, repoRoot, type KubectlResult } from './server-process.js';
import { leftovers, scratchDataDir, type Leftovers } from '../lab/lab-support.js';
import { readState, type LabState } from '../../src/lab/index.js';
import { isAlive } from '../../src/lab/agent-state.js';
import { ApiClient } from '../../src/client/index.js';

export interface ScaleOutLabOptions {
  /** testLabId(...) of the test. */
  id: string;
  workers?: number;
  baremetal?: number;
  apiServers?: number;
  etcdMembers?: number;
  /** Environment of `lab up`, which its servers and agents inherit (e.g. VIRTNET_VM_RUNTIME=netns). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export function virtnetCli(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

export class ScaleOutLab {
  readonly dataDir: string;
  readonly kubeconfig: string;
  private readonly kubectlBin = findKubectl();
  private clients: ApiClient[] = [];
  private upArgs: string[] = [];
  private env: Record<string, string> = {};

  private constructor(readonly id: string) {
    this.dataDir = scratchDataDir(id);
    this.kubeconfig = join(this.dataDir, 'kubeconfig');
  }

  /** Brings the lab up; on failure it is torn down again and the error carries lab up's output. */
  static async start(o: ScaleOutLabOptions): Promise<ScaleOutLab> {
    const lab = new ScaleOutLab(o.id);
    lab.env = o.env ?? {};
    lab.upArgs = ['lab', 'up', '--store', 'etcd', '--api-servers', String(o.apiServers ?? 2), '--etcd-members', String(o.etcdMembers ?? 3),
      '--listen', '127.0.0.1:0', '--nodes', String(o.workers ?? 3), '--baremetal', String(o.baremetal ?? 2), '--data', lab.dataDir, '--id', o.id];
    const up = virtnetCli(lab.upArgs, lab.env, o.timeoutMs ?? 120_000);
    if (up.code !== 0) {
      await lab.stop();
      throw new Error(`lab up --store etcd failed (${up.code}):\n${up.out}`);
    }
    return lab;
  }

  /** `lab up` again: restarts API servers that died, and agents that are gone. */
  up(): { code: number; out: string } {
    return virtnetCli(this.upArgs, this.env);
  }

  state(): LabState {
    const s = readState(this.dataDir);
    if (!s?.controlPlane) throw new Error(`no scale-out lab recorded in ${this.dataDir}`);
    return s;
  }

  get etcdEndpoints(): string[] {
    return this.state().controlPlane!.etcd.map((m) => m.clientUrl);
  }

  /** An API client on server `index` (1-based), closed by stop(). */
  client(index = 1): ApiClient {
    const kc = this.state().controlPlane!.servers.find((s) => s.index === index)?.kubeconfig;
    if (!kc) throw new Error(`no API server ${index}`);
    const c = ApiClient.fromKubeconfig(kc, 'virtnet-test');
    this.clients.push(c);
    return c;
  }

  kubectl(args: string[], opts: { input?: string; server?: number } = {}): KubectlResult {
    const kc = opts.server === undefined ? this.kubeconfig : this.state().controlPlane!.servers.find((s) => s.index === opts.server)!.kubeconfig;
    const r = spawnSync(this.kubectlBin, ['--kubeconfig', kc, '--cache-dir', join(this.dataDir, 'kube-cache'), ...args],
      { encoding: 'utf8', timeout: 60_000, ...(opts.input !== undefined ? { input: opts.input } : {}) });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  kubectlOk(args: string[], opts: { input?: string; server?: number } = {}): string {
    const r = this.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  writeFile(name: string, content: string): string {
    const p = join(this.dataDir, name);
    writeFileSync(p, content);
    return p;
  }

  /** kill -9 of API server `index`; resolves once it is gone. */
  async killServer(index: number): Promise<number> {
    const pid = this.state().controlPlane!.servers.find((s) => s.index === index)!.pid;
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
    return pid;
  }

  async stop(): Promise<Leftovers> {
    for (const c of this.clients) c.close();
    const down = virtnetCli(['lab', 'down', '--data', this.dataDir, '--id', this.id]);
    if (down.code !== 0) console.error(`lab down: ${down.out}`);
    if (process.env.VIRTNET_KEEP_TEST_DATA !== '1') rmSync(this.dataDir, { recursive: true, force: true });
    return leftovers(this.id);
  }
}

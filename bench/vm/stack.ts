// The whole stack for the VM benchmarks: `virtnet serve` (API + controllers) in a fresh data directory and
// `virtnet lab up` (3 workers, 2 bare-metal nodes with br-flat, one agent per node, netns VM runtime),
// a namespace and the NAD `flatnetwork`. Each part registers its undo with bench/nmstate/cleanup.ts
// (lab down, then server stop), so a failure or Ctrl-C anywhere still leaves nothing behind.
import { ApiClient, R, optionsFromKubeconfig } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { onCleanup } from '../nmstate/cleanup.js';
import { until } from '../nmstate/util.js';
import { runVirtnet, startServe, virtnetBin, type ServeProcess } from '../nmstate/virtnet-process.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { flatNad } from './manifests.js';
import { stopStragglers, stopStragglersSync } from './stragglers.js';

/** Processes `lab down` left running and the cleanup stopped (reported: a teardown race worth knowing about). */
export const stragglers: string[] = [];

export const BAREMETAL = ['metal-0', 'metal-1'] as const;

export interface Stack {
  id: string;
  /** `vn-<id>-`: every namespace of the lab, the VMs' included. */
  prefix: string;
  dataDir: string;
  serve: ServeProcess;
  client: ApiClient;
  namespace: string;
  /** `<namespace>/<name>` of the NAD on br-flat. */
  nad: string;
  /** Seconds: server start, lab up, nodes ready. */
  startup: { serveMs: number; labMs: number; readyMs: number };
}

interface NodeStatus { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string> }
const nodeStatus = (n: KubeObject): NodeStatus => (n.status ?? {}) as NodeStatus;

export async function startStack(opts: { id: string; dataDir: string; namespace: string }): Promise<Stack> {
  const { id, dataDir, namespace } = opts;
  const prefix = `vn-${id}-`;
  const t0 = performance.now();
  const serve = await startServe(dataDir);
  const serveMs = performance.now() - t0;
  const downArgs = ['lab', 'down', '--data', dataDir, '--id', id];
  let upChild: ChildProcess | undefined;
  // An interrupted `lab up` stops before `lab down` undoes what it made.
  const stopUp = (): void => {
    if (upChild && upChild.exitCode === null && upChild.signalCode === null) upChild.kill('SIGKILL');
  };
  // Registered before lab up: up records its state before creating anything, so down undoes half a lab too.
  onCleanup({
    name: `lab ${id}`,
    run: async () => {
      stopUp();
      const r = await runVirtnet(downArgs, 120_000);
      // The server names the data directory (vn-<id>-data-…); it stops in its own step, after this one.
      const left = await stopStragglers(prefix, [serve.pid]);
      if (r.code !== 0) throw new Error(`virtnet ${downArgs.join(' ')} failed (${r.code}):\n${r.out.trim()}`);
      if (left.length > 0) {
        stragglers.push(...left);
        process.stderr.write(`lab down left ${left.length} processes naming ${prefix}; stopped them:\n${left.map((l) => `  ${l}\n`).join('')}`);
      }
    },
    runSync: () => {
      stopUp();
      spawnSync(process.execPath, [virtnetBin, ...downArgs], { stdio: 'ignore', timeout: 120_000 });
      stopStragglersSync(prefix, [serve.pid]);
    },
  });
  const t1 = performance.now();
  const up = await labUp(dataDir, id, (c) => { upChild = c; });
  if (up.code !== 0) throw new Error(`virtnet lab up failed (${up.code}):\n${up.out.trim().split('\n').slice(-15).join('\n')}`);
  const labMs = performance.now() - t1;
  const client = new ApiClient(optionsFromKubeconfig(serve.kubeconfig, 'virtnet-vm-bench'));
  onCleanup({ name: 'API client', run: async () => client.close(), runSync: () => client.close() });
  const t2 = performance.now();
  await until('five Ready nodes with pod CIDRs', async () => (await client.list(R.node)).items
    .filter((n) => nodeStatus(n).conditions?.find((c) => c.type === 'Ready')?.status === 'True' && (n.spec as { podCIDR?: string } | undefined)?.podCIDR)
    .length === 5, 60_000);
  await until('bridge-marker to report br-flat on both bare-metal nodes', async () => (await client.list(R.node)).items
    .filter((n) => nodeStatus(n).allocatable?.['bridge.network.kubevirt.io/br-flat']).length === BAREMETAL.length, 30_000);
  const readyMs = performance.now() - t2;
  await client.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  await client.create(R.nad, namespace, flatNad(namespace, 'flatnetwork'));
  return { id, prefix, dataDir, serve, client, namespace, nad: 'flatnetwork', startup: { serveMs, labMs, readyMs } };
}

/** `virtnet lab up` with the netns VM runtime; `started` gets the child so an interruption can stop it. */
function labUp(dataDir: string, id: string, started: (c: ChildProcess) => void): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [virtnetBin, 'lab', 'up', '--data', dataDir, '--id', id],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VIRTNET_VM_RUNTIME: 'netns' } });
    started(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : -1), out });
    });
  });
}

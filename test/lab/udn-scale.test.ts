// Issue 5's acceptance at scale: 200 VMs created at once in one UDN (netns runtime, two workers) get 200
// distinct addresses and every IPAMClaim matches the address the VM holds in its namespace (the lease), even
// though the server (and so every controller) and one node agent are SIGKILLed mid-burst and brought back;
// afterwards no claim is left without its VM.
import { primaryUdnSetupYaml, udnNetnsVm } from '../support/udn-fixtures.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { leftovers, NOTHING } from './lab-support.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const id = `s${process.pid % 100000}`;
const N = 200;
const NS = 'udn-scale';
const SUBNET = '192.168.254.';
const names = Array.from({ length: N }, (_, i) => `vm-${String(i).padStart(3, '0')}`);

function virtnet(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, VIRTNET_VM_RUNTIME: 'netns' } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}


type Vmi = KubeObject & { status?: { phase?: string; nodeName?: string; interfaces?: { ipAddress?: string }[] } };
type Claim = KubeObject & { status?: { ips?: string[] } };

const udnAddr = (v: Vmi): string | undefined => {
  const ip = v.status?.interfaces?.[0]?.ipAddress;
  return v.status?.phase === 'Running' && ip?.startsWith(SUBNET) ? ip : undefined;
};
const ready = (n: KubeObject): boolean =>
  ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** IPv4 addresses (with prefix) in a network namespace, loopback left out. */
function netnsAddrs(netns: string): string[] {
  const r = spawnSync('ip', ['-n', netns, '-json', '-4', 'addr', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as { ifname: string; addr_info?: { local: string; prefixlen: number }[] }[])
    .filter((l) => l.ifname !== 'lo').flatMap((l) => (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
}

/**
 * Running agent processes of this lab (`node …/bin/virtnet.js agent … --data DIR`), per node: exactly the
 * agent's own command line, not any other process that mentions the lab's prefix or a node. A child the
 * agent has just forked shows the agent's command line until it execs (the agent spawns ip, nft, udhcpc…
 * all the time while 200 VMs come up), so a process whose parent is an agent is not counted. `seen` collects
 * pid, parent and state of each for the failure message.
 */
function agentProcesses(dataDir: string, seen: string[] = []): Record<string, number> {
  const found: { pid: string; ppid: string; node: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    let argv: string[];
    let stat = '';
    try {
      argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      stat = readFileSync(`/proc/${d}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const node = argv[argv.indexOf('--node') + 1];
    const isAgent = argv[1]?.endsWith('bin/virtnet.js') === true && argv[2] === 'agent' && argv[argv.indexOf('--data') + 1] === dataDir;
    if (isAgent && node) {
      const [, state, ppid] = /\) (\S) (\d+)/.exec(stat) ?? [];
      found.push({ pid: d, ppid: ppid ?? '', node });
      seen.push(`pid ${d} ppid ${ppid} state ${state} node ${node}`);
    }
  }
  const pids = new Set(found.map((f) => f.pid));
  const out: Record<string, number> = {};
  for (const f of found) if (!pids.has(f.ppid)) out[f.node] = (out[f.node] ?? 0) + 1;
  return out;
}

describe('UDN at scale: 200 VMs at once, server and an agent killed mid-way (netns runtime)', { skip }, () => {
  let s: ServerProcess;
  let c: ApiClient;
  const connect = (): void => {
    c?.close();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
  };

  before(async () => {
    s = await ServerProcess.start();
    connect();
    const up = virtnet(['lab', 'up', '--nodes', '2', '--baremetal', '0', '--data', s.dataDir, '--id', id]);
    assert.equal(up.code, 0, up.out);
    await until(async () => (await c.list(R.node)).items.filter(ready).length === 2, 'two Ready nodes', 30_000);
    s.kubectlOk(['apply', '-f', '-'], { input: primaryUdnSetupYaml(NS, `${SUBNET}0/24`) });
    await until(async () => (await c.get(R.nad, NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn');
  });
  after(async () => {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    assert.deepEqual(leftovers(id), NOTHING, 'lab down leaves nothing (VM namespaces and processes included)');
  });

  it('200 distinct addresses, each claim equals the VMI status and the VM\'s own address, no leak', async () => {
    const t0 = performance.now();
    await Promise.all(names.map((n) => c.create(R.vm, NS, udnNetnsVm(NS, n))));
    const createdMs = performance.now() - t0;

    // Kill mid-way: once a few dozen claims hold an address, the rest are still being allocated.
    const claimedBeforeKill = await until(async () => {
      const k = (await c.list<Claim>(R.ipamClaim, NS)).items.filter((x) => (x.status?.ips ?? []).length > 0).length;
      return k >= 50 ? k : undefined;
    }, '50 claims with an address', 60_000);
    const agents = (JSON.parse(readFileSync(join(s.dataDir, 'lab.json'), 'utf8')) as { agents?: { node: string; pid: number }[] }).agents ?? [];
    const victim = agents.find((a) => a.node === 'worker-0');
    assert.ok(victim, `an agent for worker-0 in lab.json: ${JSON.stringify(agents)}`);
    const tKill = performance.now();
    await s.kill('SIGKILL');
    process.kill(victim.pid, 'SIGKILL');
    await until(() => spawnSync('kill', ['-0', String(victim.pid)]).status !== 0, 'the killed agent to be gone');
    await s.launch();
    connect();
    const relab = virtnet(['lab', 'up', '--nodes', '2', '--baremetal', '0', '--data', s.dataDir, '--id', id]);
    assert.equal(relab.code, 0, relab.out);
    const restarted = (JSON.parse(readFileSync(join(s.dataDir, 'lab.json'), 'utf8')) as { agents?: { node: string; pid: number }[] }).agents ?? [];
    assert.notEqual(restarted.find((a) => a.node === 'worker-0')?.pid, victim.pid, 'lab up started a new agent for worker-0');
    assert.equal(restarted.find((a) => a.node === 'worker-1')?.pid, agents.find((a) => a.node === 'worker-1')?.pid, 'and left worker-1\'s alone');
    const seen: string[] = [];
    assert.deepEqual(agentProcesses(s.dataDir, seen), { 'worker-0': 1, 'worker-1': 1 },
      `one agent process per node (lab.json: ${JSON.stringify(restarted)}; found: ${seen.join('; ')})`);

    let vmis: Vmi[] = [];
    await until(async () => {
      vmis = (await c.list<Vmi>(R.vmi, NS)).items;
      return vmis.filter((v) => udnAddr(v)).length === N;
    }, `all ${N} VMIs Running with a UDN address`, 180_000).catch((e: Error) => {
      throw new Error(`${e.message}; ${vmis.filter((v) => udnAddr(v)).length}/${N} addressed, ` +
        `${vmis.filter((v) => v.status?.phase === 'Running').length} Running, ${vmis.length} VMIs`);
    });
    const allMs = performance.now() - t0;
    console.log(`# ${N} VMs: creates answered in ${(createdMs / 1000).toFixed(1)} s; ${claimedBeforeKill} claims addressed at the kill ` +
      `(${(tKill / 1000 - t0 / 1000).toFixed(1)} s); all ${N} addressed ${(allMs / 1000).toFixed(1)} s after the first create; ` +
      `per node ${JSON.stringify(Object.fromEntries(['worker-0', 'worker-1'].map((w) => [w, vmis.filter((v) => v.status?.nodeName === w).length])))}`);

    const byVm = new Map(vmis.map((v) => [v.metadata.name, v]));
    assert.deepEqual([...byVm.keys()].sort(), names, 'one VMI per VM');
    const addrs = vmis.map((v) => udnAddr(v)!);
    const dup = addrs.filter((a, i) => addrs.indexOf(a) !== i);
    assert.deepEqual(dup, [], 'no address held twice');
    for (const a of addrs) assert.ok(Number(a.split('.')[3]) >= 3 && Number(a.split('.')[3]) <= 254, `${a} in .3–.254`);

    const claims = (await c.list<Claim>(R.ipamClaim, NS)).items;
    assert.deepEqual(claims.map((x) => x.metadata.name).sort(), names.map((n) => `${n}.primary-udn`), 'exactly one claim per VM, none without one');
    const mismatched: string[] = [];
    for (const claim of claims) {
      const vm = (claim.metadata.name ?? '').replace(/\.primary-udn$/, '');
      const v = byVm.get(vm)!;
      const want = [`${udnAddr(v)}/24`];
      if (JSON.stringify(claim.status?.ips) !== JSON.stringify(want)) mismatched.push(`${vm}: claim ${JSON.stringify(claim.status?.ips)}, VMI ${want[0]}`);
      // The lease: the address the VM itself holds, read from its network namespace.
      const held = netnsAddrs(`vn-${id}-vm-${v.metadata.uid}`).filter((a) => a.startsWith(SUBNET));
      if (JSON.stringify(held) !== JSON.stringify(want)) mismatched.push(`${vm}: holds ${JSON.stringify(held)}, claim ${JSON.stringify(claim.status?.ips)}`);
    }
    assert.deepEqual(mismatched, [], 'every claim equals the VMI\'s address and the VM\'s own');
  });
});

// Issue 8's fault tests on a lab in scale-out mode (`lab up --store etcd --api-servers 2`: 3 etcd members, two
// API servers with leader-elected controllers, haproxy on the control-plane address, agents that reach the API
// over the machine network only), netns VMs. Each asserts that nothing acknowledged is lost and the system
// converges:
// - kill -9 of the API server holding the controllers' Lease in the middle of an NNCP rollout (maxUnavailable 1,
//   one node at a time): the other server takes the Lease, the rollout completes (every node has the bridge), no
//   enactment goes back once Available, and no node applies the policy twice (counted in the executor log and in
//   the agents' logs); `lab up` again brings the killed server back and both servers answer;
// - a network partition of one host (an nft table in the node's namespace dropping everything on its eth0): the
//   node turns Ready=Unknown, its VMs keep running where they are (same VMI, same node, same address), VMs created
//   meanwhile land on the other nodes with addresses no VM of the cut-off node holds; healed, the node is Ready
//   again, every address in the network is held once, and no VM anywhere was started again (each keeps the VMI
//   it first ran as: an agent whose watch lagged its own write, which comes from the other server, used to
//   launch a VMI it had just started a second time, tearing the running VM down).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../support/server-process.js';
import { findEtcd } from '../support/etcd-cluster.js';
import { ScaleOutLab } from '../support/scaleout-lab.js';
import { NMSTATE_SUBSCRIPTION_YAML } from '../support/guide-fixtures.js';
import { primaryUdnSetupYaml, udnVmYaml } from '../support/udn-fixtures.js';
import { NOTHING, testLabId } from './lab-support.js';
import { Informer, R, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

const id = testLabId('f');
const NODES = ['worker-0', 'worker-1', 'worker-2', 'worker-3'];
const POLICY = 'rollout-br';
const BRIDGE = 'br-roll';
const UDN_NS = 'partition-udn';
const SUBNET = '192.168.254.';
const CUT = 'worker-3';
const EXEC_LOG = join(tmpdir(), `vn-${id}-exec.jsonl`);
const ns = (node: string): string => `vn-${id}-${node}`;

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const etcd = findEtcd();
  if ('skip' in etcd) return etcd.skip;
  if (spawnSync('haproxy', ['-v']).status !== 0) return 'no haproxy on PATH (the scale-out lab\'s load balancer)';
  return false;
}
const skip = skipReason();
if (skip) console.log(`skipping the scale-out fault tests: ${skip}`);

interface Condition { type: string; status: string; reason?: string }
const conditions = (o: KubeObject | undefined): Condition[] => ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
const cond = (o: KubeObject | undefined, type: string): Condition | undefined => conditions(o).find((c) => c.type === type);
const isTrue = (o: KubeObject | undefined, type: string): boolean => cond(o, type)?.status === 'True';
/** An enactment's state as `kubectl get nnce` shows it: the one condition that is True. */
const enactmentState = (o: KubeObject): string => conditions(o).find((c) => c.status === 'True')?.type ?? 'Unknown';

function link(netns: string, name: string): { linkinfo?: { info_kind: string } } | undefined {
  const r = spawnSync('ip', ['-n', netns, '-j', '-d', 'link', 'show', name], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout || '[]') as { linkinfo?: { info_kind: string } }[])[0] : undefined;
}

/** IPv4 addresses in a network namespace (loopback left out), without prefix length. */
function netnsAddrs(netns: string): string[] {
  const r = spawnSync('ip', ['-n', netns, '-json', '-4', 'addr', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as { ifname: string; addr_info?: { local: string }[] }[])
    .filter((l) => l.ifname !== 'lo').flatMap((l) => (l.addr_info ?? []).map((a) => a.local));
}

/** The processes whose network namespace is `netns`. */
function netnsPids(netns: string): string[] {
  const r = spawnSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n').filter(Boolean) : [];
}

/** Commands the agents ran in a node's namespace that create the policy's bridge (VIRTNET_EXEC_LOG). */
function bridgeCreations(node: string): number {
  if (!existsSync(EXEC_LOG)) return 0;
  const add = new RegExp(`(^|\\n|\\s)link add ${BRIDGE}\\s`);
  return readFileSync(EXEC_LOG, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as { argv: string[]; stdin?: string })
    .filter((e) => e.argv[0] === 'ip' && e.argv[1] === '-n' && e.argv[2] === ns(node) && add.test(`${e.argv.slice(3).join(' ')}\n${e.stdin ?? ''}`)).length;
}

type Vmi = KubeObject & { status?: { phase?: string; nodeName?: string; interfaces?: { ipAddress?: string }[] } };
const udnAddr = (v: Vmi | undefined): string | undefined => {
  const ip = v?.status?.interfaces?.[0]?.ipAddress;
  return v?.status?.phase === 'Running' && ip?.startsWith(SUBNET) ? ip : undefined;
};

describe('scale-out faults (lab --store etcd --api-servers 2, netns VMs)', { skip }, () => {
  let lab: ScaleOutLab | undefined;
  const L = (): ScaleOutLab => lab!;
  const watchers: Informer[] = [];

  before(async () => {
    rmSync(EXEC_LOG, { force: true });
    lab = await ScaleOutLab.start({
      id, workers: NODES.length, baremetal: 0,
      // The pause between executing a plan and verifying it keeps each node's apply open long enough for the
      // kill to land in the middle of the rollout.
      env: { VIRTNET_VM_RUNTIME: 'netns', VIRTNET_AGENT_RETRY_BASE_MS: '200', VIRTNET_AGENT_APPLY_PAUSE_MS: '1000', VIRTNET_EXEC_LOG: EXEC_LOG },
    });
    const c = L().client(1);
    await until(async () => (await c.list(R.node)).items.filter((n) => isTrue(n, 'Ready') && (n.spec as { podCIDR?: string } | undefined)?.podCIDR).length === NODES.length,
      `${NODES.length} Ready nodes with pod CIDRs`, 60_000);
  });
  after(async () => {
    for (const w of watchers) w.stop();
    const left = await lab?.stop();
    rmSync(EXEC_LOG, { force: true });
    if (left) assert.deepEqual(left, NOTHING, 'lab down leaves no namespace, process (etcd, API servers, haproxy, agents, VMs) or link of the run');
  });

  it('kill -9 of the leader mid NNCP rollout: the other server leads, the rollout completes, no node applies twice', async () => {
    // NMState installed: every agent becomes a policy handler.
    L().kubectlOk(['create', 'namespace', 'openshift-nmstate']);
    L().kubectlOk(['apply', '-f', '-'], { input: `${NMSTATE_SUBSCRIPTION_YAML}---
apiVersion: nmstate.io/v1
kind: NMState
metadata:
  name: nmstate
` });
    const c1 = L().client(1);
    await until(async () => (await c1.list(R.nns)).items.length === NODES.length, 'a NodeNetworkState per node', 60_000);

    // Who leads: the Lease's holder identity is hostname_pid_random.
    const holderPid = async (c: ApiClient): Promise<number | undefined> => {
      const lease = await c.get(R.lease, 'kube-system', 'virtnet-controller-manager').catch(() => undefined);
      const m = /_(\d+)_[^_]+$/.exec((lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? '');
      return m ? Number(m[1]) : undefined;
    };
    const servers = L().state().controlPlane!.servers;
    const leaderPid = await until(() => holderPid(c1), 'a controller leader', 30_000);
    const leader = servers.find((s) => s.pid === leaderPid);
    assert.ok(leader, `the Lease holder (pid ${leaderPid}) is one of the lab's API servers: ${JSON.stringify(servers.map((s) => s.pid))}`);
    const survivor = servers.find((s) => s !== leader)!;
    const c = L().client(survivor.index);

    // Every state each enactment goes through, seen from the server that stays up.
    const seen = new Map<string, string[]>();
    const nnces = new Informer(c, R.nnce);
    watchers.push(nnces);
    const record = (o: KubeObject): void => {
      const states = seen.get(o.metadata.name ?? '') ?? [];
      const st = enactmentState(o);
      if (states.at(-1) !== st) states.push(st);
      seen.set(o.metadata.name ?? '', states);
    };
    nnces.addHandlers({ onAdd: record, onUpdate: record });
    nnces.start();
    await nnces.synced;

    L().kubectlOk(['apply', '-f', '-'], { input: `apiVersion: nmstate.io/v1
kind: NodeNetworkConfigurationPolicy
metadata:
  name: ${POLICY}
spec:
  maxUnavailable: 1
  desiredState:
    interfaces:
    - name: ${BRIDGE}
      type: linux-bridge
      state: up
      bridge:
        options:
          stp:
            enabled: false
` });
    // Under way: one node applying, at least two still to go.
    const enactments = (): KubeObject[] => nnces.list().filter((e) => e.metadata.labels?.['nmstate.io/policy'] === POLICY);
    const midway = await until(() => {
      const es = enactments();
      const applying = es.filter((e) => isTrue(e, 'Progressing'));
      const done = es.filter((e) => isTrue(e, 'Available'));
      return es.length === NODES.length && applying.length === 1 && done.length <= NODES.length - 2 ? es.map((e) => `${e.metadata.name}=${enactmentState(e)}`) : undefined;
    }, 'the rollout under way (one node applying, two or more to go)', 60_000);
    await L().killServer(leader.index);

    const newLeader = await until(async () => {
      const p = await holderPid(c);
      return p === survivor.pid ? p : undefined;
    }, `the surviving server (pid ${survivor.pid}) to take the controllers' Lease`, 60_000);
    assert.equal(newLeader, survivor.pid);

    const available = await until(async () => {
      const p = await c.get(R.nncp, undefined, POLICY);
      return isTrue(p, 'Available') ? p : undefined;
    }, `${POLICY} to be Available (enactments: ${JSON.stringify(Object.fromEntries(seen))})`, 90_000);
    const es = (await c.list(R.nnce, undefined, { labelSelector: `nmstate.io/policy=${POLICY}` })).items;
    assert.deepEqual(es.map((e) => `${e.metadata.name}=${enactmentState(e)}`).sort(), NODES.map((n) => `${n}.${POLICY}=Available`));
    const slots = (available.status as { unavailableNodeCountMap?: Record<string, number> | null } | undefined)?.unavailableNodeCountMap ?? {};
    assert.ok(Object.values(slots).every((v) => v === 0), `no maxUnavailable slot left taken: ${JSON.stringify(slots)}`);
    for (const node of NODES) assert.equal(link(ns(node), BRIDGE)?.linkinfo?.info_kind, 'bridge', `${node}: ${BRIDGE} is a bridge`);

    // Converged without flapping: once Available, an enactment stays so.
    for (const [name, states] of seen) {
      const first = states.indexOf('Available');
      assert.ok(first >= 0 && states.slice(first).every((s) => s === 'Available'), `${name} went ${states.join(' → ')} (killed at ${midway.join(', ')})`);
    }
    // No node applied twice: the executor log and each agent's log show exactly one apply per node.
    const agentLog = (node: string): string => readFileSync(L().state().agents!.find((a) => a.node === node)!.log, 'utf8');
    const applies = Object.fromEntries(NODES.map((n) => [n, {
      bridgeCreated: bridgeCreations(n),
      applied: agentLog(n).split('\n').filter((l) => l.includes(`${n}.${POLICY}: checkpoint taken`)).length,
    }]));
    assert.deepEqual(applies, Object.fromEntries(NODES.map((n) => [n, { bridgeCreated: 1, applied: 1 }])), `one apply per node (killed at ${midway.join(', ')})`);

    // `lab up` again brings the killed server back; both answer, the Lease stays where it is.
    const up = L().up();
    assert.equal(up.code, 0, up.out);
    const back = L().state().controlPlane!.servers.find((s) => s.index === leader.index)!;
    assert.notEqual(back.pid, leader.pid, 'a new process for the killed server');
    assert.doesNotThrow(() => process.kill(back.pid, 0), 'the restarted server runs');
    for (const s of [leader.index, survivor.index]) {
      assert.match(L().kubectlOk(['get', 'nncp', POLICY], { server: s }), new RegExp(`${POLICY}\\s+Available`), `server ${s} answers`);
    }
    assert.equal(await holderPid(c), survivor.pid, 'the Lease stays with the server that took it');
  });

  it('partition of one host: its node goes Unknown, its VMs keep running and their addresses, no address handed out twice', async () => {
    const c = L().client(1);
    L().kubectlOk(['apply', '-f', '-'], { input: primaryUdnSetupYaml(UDN_NS, `${SUBNET}0/24`) });
    await until(async () => (await c.get(R.nad, UDN_NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn', 30_000);
    // Two VMs on the node to be cut off, one on each of two others.
    const placed: Record<string, string> = { 'held-0': CUT, 'held-1': CUT, 'peer-0': 'worker-0', 'peer-1': 'worker-1' };
    L().kubectlOk(['apply', '-f', '-'], { input: Object.entries(placed).map(([vm, node]) => udnVmYaml(vm, UDN_NS, node)).join('---\n') });
    const running = async (names: string[]): Promise<Map<string, Vmi>> => {
      let vmis: Vmi[] = [];
      await until(async () => {
        vmis = (await c.list<Vmi>(R.vmi, UDN_NS)).items.filter((v) => names.includes(v.metadata.name ?? ''));
        return vmis.filter((v) => udnAddr(v)).length === names.length;
      }, `${names.join(', ')} Running with a UDN address`, 60_000).catch((e: Error) => {
        throw new Error(`${e.message}: ${JSON.stringify(vmis.map((v) => [v.metadata.name, v.status?.phase, v.status?.nodeName, udnAddr(v)]))}`);
      });
      return new Map(vmis.map((v) => [v.metadata.name ?? '', v]));
    };
    const first = await running(Object.keys(placed));
    const held = ['held-0', 'held-1'].map((vm) => {
      const v = first.get(vm)!;
      assert.equal(v.status?.nodeName, CUT, `${vm} runs on ${CUT}`);
      return { vm, uid: v.metadata.uid!, ip: udnAddr(v)!, netns: `vn-${id}-vm-${v.metadata.uid!}` };
    });
    for (const h of held) assert.ok(netnsAddrs(h.netns).includes(h.ip), `${h.vm} holds ${h.ip} in its namespace: ${JSON.stringify(netnsAddrs(h.netns))}`);

    // The partition: everything in and out of the node's machine NIC (API path and overlay) dropped.
    const table = `vn-${id}-partition`;
    const nft = spawnSync('ip', ['netns', 'exec', ns(CUT), 'nft', '-f', '-'], { encoding: 'utf8', input: [
      `table inet ${table} {`,
      '  chain cut_in { type filter hook input priority filter; policy accept; iifname "eth0" drop; }',
      '  chain cut_fwd { type filter hook forward priority filter; policy accept; iifname "eth0" drop; oifname "eth0" drop; }',
      '  chain cut_out { type filter hook output priority filter; policy accept; oifname "eth0" drop; }',
      '}',
      '',
    ].join('\n') });
    assert.equal(nft.status, 0, nft.stderr);

    await until(async () => cond(await c.get(R.node, undefined, CUT), 'Ready')?.status === 'Unknown', `${CUT} to turn Ready=Unknown`, 60_000);
    assert.equal(L().kubectlOk(['get', 'node', CUT, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']), 'Unknown');

    // Meanwhile: new VMs, anywhere.
    const fresh = ['new-0', 'new-1', 'new-2'];
    L().kubectlOk(['apply', '-f', '-'], { input: fresh.map((vm) => udnVmYaml(vm, UDN_NS)).join('---\n') });
    const during = await running(fresh);
    for (const vm of fresh) assert.notEqual(during.get(vm)!.status?.nodeName, CUT, `${vm} is not placed on the unreachable node`);

    // The cut-off node's VMs run on where they were, untouched in the API.
    const heldIps = new Set(held.map((h) => h.ip));
    for (const h of held) {
      const v = await c.get<Vmi>(R.vmi, UDN_NS, h.vm);
      assert.deepEqual([v.metadata.uid, v.status?.nodeName, v.status?.phase, v.metadata.deletionTimestamp], [h.uid, CUT, 'Running', undefined], `${h.vm}'s VMI stays`);
      assert.ok(netnsPids(h.netns).length > 0, `${h.vm}'s processes run in ${h.netns}`);
      assert.ok(netnsAddrs(h.netns).includes(h.ip), `${h.vm} still holds ${h.ip}`);
    }
    const claims = new Map((await c.list(R.ipamClaim, UDN_NS)).items.map((k) => [k.metadata.name ?? '', (k.status as { ips?: string[] } | undefined)?.ips ?? []]));
    for (const h of held) assert.deepEqual(claims.get(`${h.vm}.primary-udn`), [`${h.ip}/24`], `${h.vm}'s claim keeps its address`);
    for (const vm of fresh) {
      const v = during.get(vm)!;
      const ip = udnAddr(v)!;
      assert.ok(!heldIps.has(ip), `${vm} got ${ip}, an address a VM of ${CUT} holds`);
      assert.deepEqual(claims.get(`${vm}.primary-udn`), [`${ip}/24`], `${vm}'s claim`);
      const own = netnsAddrs(`vn-${id}-vm-${v.metadata.uid!}`).filter((a) => a.startsWith(SUBNET));
      assert.deepEqual(own, [ip], `${vm} holds exactly its claimed address`);
    }

    // Healed: the node reports again; its VMs are the same ones, with the same addresses.
    const del = spawnSync('ip', ['netns', 'exec', ns(CUT), 'nft', 'delete', 'table', 'inet', table], { encoding: 'utf8' });
    assert.equal(del.status, 0, del.stderr);
    await until(async () => isTrue(await c.get(R.node, undefined, CUT), 'Ready'), `${CUT} to be Ready again`, 90_000);
    const all = await running([...Object.keys(placed), ...fresh]);
    for (const h of held) {
      const v = all.get(h.vm)!;
      assert.deepEqual([v.metadata.uid, v.status?.nodeName, udnAddr(v)], [h.uid, CUT, h.ip], `${h.vm} is the same VM on ${CUT} with ${h.ip}`);
      assert.ok(netnsPids(h.netns).length > 0, `${h.vm} runs`);
      assert.ok(netnsAddrs(h.netns).includes(h.ip), `${h.vm} still holds ${h.ip}`);
    }
    assert.equal((await c.list(R.vmi, UDN_NS)).items.length, all.size, 'one VMI per VM');
    // No VM was started again anywhere: each keeps the VMI it first ran as.
    const firstRun = new Map([...first, ...during].map(([vm, v]) => [vm, v.metadata.uid]));
    assert.deepEqual(new Map([...all].map(([vm, v]) => [vm, v.metadata.uid])), firstRun, 'every VM runs on as the VMI it started as');
    const owned = [...all.values()].map((v) => netnsAddrs(`vn-${id}-vm-${v.metadata.uid!}`).filter((a) => a.startsWith(SUBNET)));
    const addrs = owned.flat();
    assert.equal(addrs.length, all.size, `one UDN address per VM: ${JSON.stringify(owned)}`);
    assert.deepEqual(addrs.filter((a, i) => addrs.indexOf(a) !== i), [], `no address held twice: ${JSON.stringify(addrs)}`);
    assert.deepEqual([...all.values()].map((v) => udnAddr(v)).sort(), [...addrs].sort(), 'the VMIs show the addresses the VMs hold');
  });
});

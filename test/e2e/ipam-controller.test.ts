// IPAM for User Defined Networks in a real server (controllers on), driven through its API: IPAMClaims
// `<vm>.<network>` for 200 VMs created at once, with a SIGKILL of the server in the middle; persistence
// across VM restarts; release on VM delete; claims left by a crash between create and status write;
// non-persistent networks; exhaustion shown on the VMI and reuse of a freed address; one address space
// for a CUDN's NADs in several namespaces. No agent runs: IPAM does not need the VMs to start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const UDN_LABEL = 'k8s.ovn.org/user-defined-network';
const FINALIZER = 'kubevirt.io/persistent-ipam';

const vmsPath = (ns: string): string => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`;
const vmisPath = (ns: string): string => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances`;
const claimsPath = (ns: string): string => `/apis/k8s.cni.cncf.io/v1alpha1/namespaces/${ns}/ipamclaims`;
const nadsPath = (ns: string): string => `/apis/k8s.cni.cncf.io/v1/namespaces/${ns}/network-attachment-definitions`;

function udnConfig(ns: string, name: string, subnets: string, persistent: boolean, configName = `${ns}.${name}`): string {
  return JSON.stringify({
    cniVersion: '1.0.0', type: 'ovn-k8s-cni-overlay', name: configName, netAttachDefName: `${ns}/${name}`, topology: 'layer2',
    role: 'primary', subnets, joinSubnets: '100.65.0.0/16,fd99::/64', ...(persistent ? { allowPersistentIPs: true } : {}),
  });
}

function vmBody(name: string, runStrategy = 'Always'): Json {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name },
    spec: {
      runStrategy,
      template: { spec: {
        domain: { devices: { interfaces: [{ name: 'primary-udn', binding: { name: 'l2bridge' } }] }, resources: { requests: { memory: '64Mi' } } },
        networks: [{ name: 'primary-udn', pod: {} }],
      } },
    },
  };
}

const lastOctet = (cidr: string): number => Number(/^\d+\.\d+\.\d+\.(\d+)\/\d+$/.exec(cidr)![1]);

describe('IPAM controller (real server, IPAMClaims)', () => {
  let s: ServerProcess;

  async function ok(method: string, path: string, body?: unknown): Promise<Json> {
    const r = await s.request(method, path, body);
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r.json as Json;
  }
  const items = async (path: string): Promise<Json[]> => (await ok('GET', path)).items as Json[];
  async function setRunStrategy(ns: string, vm: string, runStrategy: string): Promise<void> {
    const r = await s.request('PATCH', `${vmsPath(ns)}/${vm}`, JSON.stringify({ spec: { runStrategy } }), { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.text);
  }
  const withIps = (cs: Json[]): Json[] => cs.filter((c) => (c.status?.ips ?? []).length > 0);

  async function namespaceWithUdn(ns: string, nadName: string, config: string): Promise<void> {
    await ok('POST', '/api/v1/namespaces', { metadata: { name: ns, labels: { 'k8s.ovn.org/primary-user-defined-network': '' } } });
    await ok('POST', nadsPath(ns), { metadata: { name: nadName, labels: { [UDN_LABEL]: '' } }, spec: { config } });
  }

  before(async () => {
    s = await ServerProcess.start();
  });
  after(async () => {
    await s?.stop();
  });

  it('gives 200 VMs created at once 200 distinct addresses from .3 up, and a SIGKILL mid-way neither duplicates nor leaks', async () => {
    const ns = 'udn';
    await namespaceWithUdn(ns, 'primary-udn', udnConfig(ns, 'primary-udn', '192.168.254.0/24', true));
    const created = await Promise.all(Array.from({ length: 200 }, (_, i) => s.request('POST', vmsPath(ns), vmBody(`vm${i}`))));
    for (const r of created) assert.equal(r.status, 201, r.text);

    // Kill the server (and its controllers) once part of the claims hold addresses.
    const atKill = await until(async () => {
      const n = withIps(await items(claimsPath(ns))).length;
      return n >= 40 ? n : 0;
    }, '40 claims with addresses', 60_000);
    await s.kill('SIGKILL');
    console.log(`# SIGKILL with ${atKill} of 200 claims holding addresses`);
    await s.launch();

    const claims = await until(async () => {
      const cs = await items(claimsPath(ns));
      return withIps(cs).length === 200 ? cs : undefined;
    }, '200 claims with addresses after the restart', 60_000);
    assert.equal(claims.length, 200, 'one claim per VM, none extra');

    const vms = new Map((await items(vmsPath(ns))).map((v) => [v.metadata.name as string, v]));
    const ips = claims.map((c) => c.status.ips[0] as string);
    assert.equal(new Set(ips).size, 200, 'no address twice');
    for (const c of claims) {
      const name = c.metadata.name as string;
      const vm = name.replace(/\.primary-udn$/, '');
      assert.equal(name, `${vm}.primary-udn`);
      assert.ok(vms.has(vm), `${name} belongs to an existing VM`);
      assert.deepEqual(c.metadata.labels, { 'kubevirt.io/vm': vm });
      assert.deepEqual(c.metadata.finalizers, [FINALIZER]);
      assert.deepEqual(c.metadata.ownerReferences, [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm, uid: vms.get(vm)!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(c.spec, { network: 'udn.primary-udn', interface: 'primary-udn' });
      assert.equal(c.status.ips.length, 1);
      assert.match(c.status.ips[0], /^192\.168\.254\.\d+\/24$/);
      const o = lastOctet(c.status.ips[0]);
      assert.ok(o >= 3 && o <= 254, `${c.status.ips[0]}: never the network, gateway, management or broadcast address`);
      assert.deepEqual(c.status.ownerPod, { name: `virt-launcher-${vm}` });
      const cond = (c.status.conditions as Json[]).find((x) => x.type === 'IPsAllocated');
      assert.equal(cond?.status, 'True');
    }
    const vmis = await until(async () => {
      const v = await items(vmisPath(ns));
      return v.length === 200 ? v : undefined;
    }, '200 VMIs');
    const claimNames = new Set(claims.map((c) => c.metadata.name as string));
    for (const v of vmis) assert.ok(claimNames.has(`${v.metadata.name as string}.primary-udn`), `VMI ${v.metadata.name as string} has its claim`);
  });

  it('keeps a VM\'s address across stop and start, and frees it when the VM is deleted', async () => {
    const ns = 'udn';
    const before0 = await ok('GET', `${claimsPath(ns)}/vm0.primary-udn`);
    await setRunStrategy(ns, 'vm0', 'Halted');
    await until(async () => (await s.request('GET', `${vmisPath(ns)}/vm0`)).status === 404, 'vm0\'s VMI gone');
    const stopped = await ok('GET', `${claimsPath(ns)}/vm0.primary-udn`);
    assert.equal(stopped.metadata.uid, before0.metadata.uid, 'the claim outlives the VMI');
    assert.deepEqual(stopped.status.ips, before0.status.ips);
    await setRunStrategy(ns, 'vm0', 'Always');
    await until(async () => (await s.request('GET', `${vmisPath(ns)}/vm0`)).status === 200, 'vm0\'s new VMI');
    const restarted = await ok('GET', `${claimsPath(ns)}/vm0.primary-udn`);
    assert.equal(restarted.metadata.uid, before0.metadata.uid);
    assert.deepEqual(restarted.status.ips, before0.status.ips, 'same address after the restart');

    for (let i = 1; i <= 10; i++) await ok('DELETE', `${vmsPath(ns)}/vm${i}`);
    await until(async () => {
      const names = new Set((await items(claimsPath(ns))).map((c) => c.metadata.name as string));
      return Array.from({ length: 10 }, (_, i) => `vm${i + 1}.primary-udn`).every((n) => !names.has(n));
    }, 'the deleted VMs\' claims gone', 30_000);
    assert.equal((await items(claimsPath(ns))).length, 190);
  });

  it('fills in a claim a crash left without addresses, with an address nobody holds', async () => {
    const ns = 'udn';
    const vm = await ok('POST', vmsPath(ns), vmBody('precrash', 'Halted'));
    // What a crash between the claim's create and its status write leaves behind.
    await ok('POST', claimsPath(ns), {
      metadata: {
        name: 'precrash.primary-udn', labels: { 'kubevirt.io/vm': 'precrash' }, finalizers: [FINALIZER],
        ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: 'precrash', uid: vm.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { network: 'udn.primary-udn', interface: 'primary-udn' },
    });
    await setRunStrategy(ns, 'precrash', 'Always');
    const claim = await until(async () => {
      const c = await ok('GET', `${claimsPath(ns)}/precrash.primary-udn`);
      return (c.status?.ips ?? []).length > 0 ? c : undefined;
    }, 'the claim filled in');
    const others = (await items(claimsPath(ns))).filter((c) => c.metadata.name !== 'precrash.primary-udn').map((c) => c.status?.ips?.[0] as string);
    assert.ok(!others.includes(claim.status.ips[0]), `${claim.status.ips[0] as string} is nobody else's`);
    assert.equal(new Set(others).size, others.length);
  });

  it('without allowPersistentIPs, the VMI owns the claim and the claim goes with the VMI', async () => {
    const ns = 'eph';
    await namespaceWithUdn(ns, 'primary-udn', udnConfig(ns, 'primary-udn', '10.20.0.0/24', false));
    await ok('POST', vmsPath(ns), vmBody('e1'));
    const first = await until(async () => {
      const c = await s.request('GET', `${claimsPath(ns)}/e1.primary-udn`);
      return c.status === 200 && ((c.json as Json).status?.ips ?? []).length > 0 ? c.json as Json : undefined;
    }, 'e1\'s claim');
    const vmi = await ok('GET', `${vmisPath(ns)}/e1`);
    assert.equal(first.metadata.ownerReferences[0].kind, 'VirtualMachineInstance');
    assert.equal(first.metadata.ownerReferences[0].uid, vmi.metadata.uid);
    assert.equal(first.spec.network, 'eph.primary-udn');
    await setRunStrategy(ns, 'e1', 'Halted');
    await until(async () => (await s.request('GET', `${claimsPath(ns)}/e1.primary-udn`)).status === 404, 'the claim gone with its VMI');
    await setRunStrategy(ns, 'e1', 'Always');
    const second = await until(async () => {
      const c = await s.request('GET', `${claimsPath(ns)}/e1.primary-udn`);
      return c.status === 200 && ((c.json as Json).status?.ips ?? []).length > 0 ? c.json as Json : undefined;
    }, 'a new claim for the new VMI');
    assert.notEqual(second.metadata.uid, first.metadata.uid);
  });

  it('shows exhaustion of a /29 on the VMI and the claim, and hands a freed address to the VMI that waited', async () => {
    const ns = 'tiny';
    await namespaceWithUdn(ns, 'primary-udn', udnConfig(ns, 'primary-udn', '10.9.9.0/29', true));
    for (let i = 0; i < 5; i++) await ok('POST', vmsPath(ns), vmBody(`t${i}`));
    const claims = await until(async () => {
      const cs = await items(claimsPath(ns));
      return cs.length === 5 && withIps(cs).length === 4 ? cs : undefined;
    }, '4 of 5 claims with addresses');
    assert.deepEqual(withIps(claims).map((c) => c.status.ips[0]).sort(), ['10.9.9.3/29', '10.9.9.4/29', '10.9.9.5/29', '10.9.9.6/29']);
    const starved = claims.find((c) => (c.status?.ips ?? []).length === 0)!;
    const vmName = starved.metadata.labels['kubevirt.io/vm'] as string;
    const want = `no free address in 10.9.9.0/29 on network tiny.primary-udn: failed to allocate IP for tiny/${vmName}: range is full`;
    const claimCond = (starved.status.conditions as Json[]).find((c) => c.type === 'IPsAllocated');
    assert.deepEqual({ status: claimCond?.status, reason: claimCond?.reason, message: claimCond?.message }, { status: 'False', reason: 'RangeFull', message: want });

    const cond = await until(async () => {
      const v = await ok('GET', `${vmisPath(ns)}/${vmName}`);
      return ((v.status?.conditions ?? []) as Json[]).find((c) => c.type === 'IPsAllocated');
    }, 'the VMI condition');
    assert.deepEqual({ status: cond.status, reason: cond.reason, message: cond.message }, { status: 'False', reason: 'RangeFull', message: `primary-udn: ${want}` });
    const yaml = s.kubectlOk(['get', 'vmi', vmName, '-n', ns, '-o', 'yaml']);
    assert.match(yaml, /type: IPsAllocated/);
    assert.match(yaml, /no free address in 10\.9\.9\.0\/29/);

    const victim = withIps(claims)[0]!;
    const freed = victim.status.ips[0] as string;
    await ok('DELETE', `${vmsPath(ns)}/${victim.metadata.labels['kubevirt.io/vm'] as string}`);
    const refilled = await until(async () => {
      const c = await ok('GET', `${claimsPath(ns)}/${starved.metadata.name as string}`);
      return (c.status?.ips ?? []).length > 0 ? c : undefined;
    }, 'the waiting VMI\'s claim filled', 30_000);
    assert.deepEqual(refilled.status.ips, [freed], 'the freed address is reused');
    const after = await until(async () => {
      const v = await ok('GET', `${vmisPath(ns)}/${vmName}`);
      const c = ((v.status?.conditions ?? []) as Json[]).find((x) => x.type === 'IPsAllocated');
      return c?.status === 'True' ? c : undefined;
    }, 'the VMI condition back to True');
    assert.equal(after.reason, 'IPsAllocated');
  });

  it('treats the NADs of one CUDN in several namespaces as one address space', async () => {
    const config = udnConfig('c1', 'cluster.udn.shared', '10.50.0.0/24', true, 'cluster.udn.shared');
    await namespaceWithUdn('c1', 'cluster.udn.shared', config);
    await namespaceWithUdn('c2', 'cluster.udn.shared', config.replace('c1/cluster.udn.shared', 'c2/cluster.udn.shared'));
    await Promise.all(['c1', 'c2'].flatMap((ns) => Array.from({ length: 6 }, (_, i) => ok('POST', vmsPath(ns), vmBody(`s${i}`)))));
    const all = await until(async () => {
      const cs = [...await items(claimsPath('c1')), ...await items(claimsPath('c2'))];
      return withIps(cs).length === 12 ? cs : undefined;
    }, '12 claims with addresses');
    const ips = all.map((c) => c.status.ips[0] as string);
    assert.equal(new Set(ips).size, 12, `distinct across namespaces: ${ips.join(' ')}`);
    for (const c of all) assert.equal(c.spec.network, 'cluster.udn.shared');
  });
});

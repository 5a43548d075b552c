// The guide's steps 2–7 with the real kubectl against the lab in scale-out mode (`virtnet lab up --store etcd
// --api-servers 2`: a real 3-member etcd cluster on loopback, two API servers on it, haproxy on the
// control-plane address, and node agents that reach the API through it over the machine network only), with
// netns VMs: NMState installed from the catalog, the typo'd label
// (NoMatchingNode), the fixed one (br0 with STP off on both bare-metal nodes), flatnetwork with fedora01/02
// leased by the fabric's dnsmasq and pinging each other, a primary UDN VM at .3+ reaching the internet host.
// Every object the steps made is read back from etcd itself with etcdctl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { until, repoRoot } from '../support/server-process.js';
import { findEtcd } from '../support/etcd-cluster.js';
import { ScaleOutLab } from '../support/scaleout-lab.js';
import { GUIDE_NNCP_YAML, NMSTATE_SUBSCRIPTION_YAML, guideFlatNadYaml } from '../support/guide-fixtures.js';
import { guideUdnVmYaml, primaryUdnSetupYaml } from '../support/udn-fixtures.js';
import { NOTHING, testLabId } from './lab-support.js';
import { seedExamples } from '../../src/cli/examples.js';
import { R, type ApiClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

const etcd = findEtcd();
const id = testLabId('e');
const METAL = ['metal-0', 'metal-1'];
const NS = 'vmexamples-user1';
const UDN_NS = 'vmexamples-user1-udn';

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

function ipJson(netns: string, args: string[]): unknown[] {
  const r = spawnSync('ip', ['-n', netns, '-j', ...args], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout || '[]') as unknown[] : [];
}

const cond = (o: KubeObject | undefined, type: string): { status: string; reason?: string; message?: string } | undefined =>
  ((o?.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
interface Iface { name?: string; mac?: string; ipAddress?: string }
const ifaces = (vmi: KubeObject | undefined): Iface[] => ((vmi?.status as { interfaces?: Iface[] } | undefined)?.interfaces ?? []);

/** The console's Import YAML strips AsciiDoc fences; so does this. */
const unfenced = (y: string): string => y.split('\n').filter((l) => l.trim() !== '----').join('\n');

if ('skip' in etcd) {
  it("the guide's scenario on the etcd store", (t) => {
    console.log(`skipping the etcd guide test: ${etcd.skip}`);
    t.skip(etcd.skip);
  });
} else {
  describe("the guide's steps 2–7 with kubectl on the etcd store (netns VMs)", () => {
    let lab: ScaleOutLab | undefined;
    let c: ApiClient | undefined;
    const api = (): ApiClient => c!;
    const srv = (): ScaleOutLab => lab!;
    const etcdKeys = (prefix: string): string[] => {
      const r = spawnSync('etcdctl', ['--endpoints', lab!.etcdEndpoints.join(','), 'get', '--prefix', prefix, '--keys-only'],
        { encoding: 'utf8', env: { ...process.env, ETCDCTL_API: '3' } });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean);
    };

    before(async () => {
      lab = await ScaleOutLab.start({ id, env: { VIRTNET_VM_RUNTIME: 'netns', VIRTNET_AGENT_RETRY_BASE_MS: '200' } });
      c = lab.client(1);
      // What `virtnet up` seeds: the workshop's project with fedora01 and fedora02, stopped.
      await seedExamples(lab.kubeconfig);
      await until(async () => (await api().list(R.node)).items.filter((n) => cond(n, 'Ready')?.status === 'True' && (n.spec as { podCIDR?: string } | undefined)?.podCIDR).length === 5,
        'five Ready nodes with pod CIDRs', 30_000);
    });
    after(async () => {
      const left = await lab?.stop();
      if (left) assert.deepEqual(left, NOTHING, 'no namespace, process (agents, servers, etcd members, haproxy) or link of this run is left');
    });

    it('the agents reach the API only through the load balancer on the control-plane address, and both servers serve', () => {
      const st = srv().state();
      for (const a of st.agents ?? []) {
        const argv = readFileSync(`/proc/${a.pid}/cmdline`, 'utf8').split('\0');
        assert.equal(argv[argv.indexOf('--server') + 1], 'https://10.89.1.10:6443', `${a.node}'s agent dials the balancer`);
        assert.ok(!argv.includes('--kubeconfig'), `${a.node}'s agent has no unix-socket kubeconfig`);
      }
      // Every agent connection the balancer holds comes from a node's machine address.
      const ss = spawnSync('ip', ['netns', 'exec', `vn-${id}-control-plane`, 'ss', '-Htn', 'state', 'established', 'sport', '=', ':6443'], { encoding: 'utf8' });
      const peers = ss.stdout.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).pop()!.replace(/:\d+$/, ''));
      assert.ok(peers.length >= 5, `connections through the balancer:\n${ss.stdout}`);
      assert.ok(peers.every((p) => /^10\.89\.0\.\d+$/.test(p)), `peers: ${peers.join(', ')}`);
      for (const server of [1, 2]) assert.match(srv().kubectlOk(['get', 'nodes'], { server }), /metal-1\s+Ready/);
    });

    it('step 2: the Subscription installs the NMState operator; the NMState instance brings every node\'s NNS', async () => {
      assert.match(srv().kubectlOk(['get', 'packagemanifests']), /kubernetes-nmstate-operator/);
      srv().kubectlOk(['create', 'namespace', 'openshift-nmstate']);
      srv().kubectlOk(['apply', '-f', '-'], { input: NMSTATE_SUBSCRIPTION_YAML });
      await until(() => /Succeeded/.test(srv().kubectlOk(['get', 'csv', '-n', 'openshift-nmstate'])), 'the operator\'s CSV to succeed', 20_000);
      srv().kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: nmstate.io/v1\nkind: NMState\nmetadata:\n  name: nmstate\n' });
      await until(() => srv().kubectlOk(['get', 'nmstate', 'nmstate', '-o', 'jsonpath={.status.conditions[?(@.type=="Available")].message}']) === 'All components are available and ready',
        'the NMState instance to be Available', 20_000);
      await until(async () => (await api().list(R.nns)).items.length === 5, 'five NodeNetworkStates', 20_000);
      assert.match(srv().kubectlOk(['get', 'nns']), /metal-0/);
    });

    it('step 3: the typo\'d label leaves the guide\'s policy Ignored/NoMatchingNode', async () => {
      srv().kubectlOk(['label', 'node', ...METAL, 'node-type=baremtal']);
      srv().kubectlOk(['apply', '-f', srv().writeFile('nncp.yaml', GUIDE_NNCP_YAML)]);
      const ignored = await until(async () => {
        const ig = cond(await api().get(R.nncp, undefined, 'create-br0-static'), 'Ignored');
        return ig?.status === 'True' ? ig : undefined;
      }, 'Ignored=True');
      assert.equal(ignored.reason, 'NoMatchingNode');
      assert.match(srv().kubectlOk(['get', 'nncp']), /create-br0-static\s+Ignored\s+NoMatchingNode/);
    });

    it('step 4: with node-type=baremetal the policy is Available on 2 nodes: br0 with STP off in both', async () => {
      srv().kubectlOk(['label', 'node', ...METAL, 'node-type=baremetal', '--overwrite']);
      const available = await until(async () => {
        const a = cond(await api().get(R.nncp, undefined, 'create-br0-static'), 'Available');
        return a?.status === 'True' ? a : undefined;
      }, 'Available=True', 30_000);
      assert.equal(available.message, '2/2 nodes successfully configured');
      for (const node of METAL) {
        const [br] = ipJson(`vn-${id}-${node}`, ['-d', 'link', 'show', 'br0']) as { linkinfo?: { info_kind: string; info_data: { stp_state: number } } }[];
        assert.equal(br?.linkinfo?.info_kind, 'bridge', `${node}: br0 is a bridge`);
        assert.equal(br?.linkinfo?.info_data.stp_state, 0, `${node}: STP off`);
      }
      assert.deepEqual(ipJson(`vn-${id}-worker-0`, ['link', 'show', 'br0']), [], 'workers are untouched');
    });

    it('steps 5–6: flatnetwork; fedora01 and fedora02 get addresses from the flat DHCP and ping each other', async () => {
      await until(async () => (await api().list(R.node)).items.filter((n) => (n.status as { allocatable?: Record<string, string> } | undefined)?.allocatable?.['bridge.network.kubevirt.io/br-flat']).length === 2,
        'both bare-metal nodes to report br-flat', 20_000);
      srv().kubectlOk(['apply', '-f', '-'], { input: guideFlatNadYaml(NS) });
      for (const vm of ['fedora01', 'fedora02']) {
        srv().kubectlOk(['-n', NS, 'patch', 'vm', vm, '--type', 'json', '-p', JSON.stringify([
          { op: 'add', path: '/spec/template/spec/domain/devices/interfaces/-', value: { name: 'flat', bridge: {}, model: 'virtio' } },
          { op: 'add', path: '/spec/template/spec/networks/-', value: { name: 'flat', multus: { networkName: 'flatnetwork' } } },
        ])]);
        const st = virtnet(['vm', 'start', vm, '-n', NS, '--data', srv().dataDir]);
        assert.equal(st.code, 0, st.out);
      }
      const flat = (vm: string): Promise<Iface> => until(async () => {
        const f = ifaces(await api().get(R.vmi, NS, vm).catch(() => undefined)).find((i) => i.name === 'flat');
        return f?.ipAddress?.startsWith('192.168.') ? f : undefined;
      }, `${vm}'s flat NIC to get an address`, 30_000);
      const [f1, f2] = await Promise.all([flat('fedora01'), flat('fedora02')]);
      assert.notEqual(f1.ipAddress, f2.ipAddress);
      const placed = await Promise.all(['fedora01', 'fedora02'].map(async (v) => ((await api().get(R.vmi, NS, v)).status as { nodeName: string }).nodeName));
      // Only bare-metal nodes have br-flat; which of them each VM lands on is the scheduler's choice.
      for (const node of placed) assert.ok(METAL.includes(node), `${node}: the VMs run on bare-metal nodes only`);
      const leases = readFileSync(join(srv().dataDir, `vn-${id}-flat.leases`), 'utf8');
      for (const f of [f1, f2]) assert.ok(leases.split('\n').some((l) => l.includes(f.mac!) && l.includes(f.ipAddress!)), `${f.mac} ${f.ipAddress} in:\n${leases}`);
      const ping = virtnet(['vm', 'exec', 'fedora01', '-n', NS, '--data', srv().dataDir, '--', 'ping', '-c', '3', '-W', '2', f2.ipAddress!]);
      assert.equal(ping.code, 0, ping.out);
      assert.match(ping.stdout, /3 packets transmitted, 3 (packets )?received/);
    });

    it('step 7: a VM on the primary UDN gets 192.168.254.x (x ≥ 3) and reaches the internet host', async () => {
      srv().kubectlOk(['apply', '-f', '-'], { input: primaryUdnSetupYaml(UDN_NS) });
      await until(async () => (await api().get(R.nad, UDN_NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn');
      srv().kubectlOk(['apply', '-f', '-'], { input: unfenced(guideUdnVmYaml(UDN_NS)) });
      const ip = await until(async () => {
        const a = ifaces(await api().get(R.vmi, UDN_NS, 'fedora-udn').catch(() => undefined))[0]?.ipAddress;
        return a?.startsWith('192.168.254.') ? a : undefined;
      }, 'fedora-udn to get a UDN address', 45_000);
      assert.ok(Number(ip.split('.')[3]) >= 3, `${ip}: the first two addresses are reserved`);
      const ping = virtnet(['vm', 'exec', 'fedora-udn', '-n', UDN_NS, '--data', srv().dataDir, '--', 'ping', '-c', '2', '-W', '2', '198.18.0.10']);
      assert.equal(ping.code, 0, ping.out);
    });

    it('across hosts: fedora-udn live-migrates to another node and keeps its MAC, its UDN address and its route out', async () => {
      const before = await api().get(R.vmi, UDN_NS, 'fedora-udn');
      const source = (before.status as { nodeName?: string }).nodeName;
      const [{ mac, ipAddress } = {}] = ifaces(before);
      const mig = virtnet(['vm', 'migrate', 'fedora-udn', '-n', UDN_NS, '--data', srv().dataDir]);
      assert.equal(mig.code, 0, mig.out);
      const after = await api().get(R.vmi, UDN_NS, 'fedora-udn');
      const target = (after.status as { nodeName?: string }).nodeName;
      assert.ok(target && target !== source, `moved from ${source} to ${target}`);
      assert.equal(ifaces(after)[0]?.mac, mac);
      assert.equal(ifaces(after)[0]?.ipAddress, ipAddress);
      const exec = virtnet(['vm', 'exec', 'fedora-udn', '-n', UDN_NS, '--data', srv().dataDir, '--', 'ip', '-o', 'addr', 'show']);
      assert.match(exec.stdout, new RegExp(` ${ipAddress!.replace(/\./g, '\\.')}/24 `));
      const ping = virtnet(['vm', 'exec', 'fedora-udn', '-n', UDN_NS, '--data', srv().dataDir, '--', 'ping', '-c', '2', '-W', '2', '198.18.0.10']);
      assert.equal(ping.code, 0, ping.out);
    });

    it('every object of the scenario is in etcd, none in a SQLite store', () => {
      const expect: [string, RegExp][] = [
        ['/registry/nmstate.io/', /\/nodenetworkconfigurationpolicies\/create-br0-static$/],
        ['/registry/nmstate.io/', /\/nodenetworkstates\/metal-0$/],
        ['/registry/nmstate.io/', /\/nodenetworkconfigurationenactments\/metal-1\.create-br0-static$/],
        ['/registry/core/nodes/', /\/metal-0$/],
        ['/registry/coordination.k8s.io/leases/kube-node-lease/', /\/worker-2$/],
        ['/registry/k8s.cni.cncf.io/', new RegExp(`/${NS}/flatnetwork$`)],
        ['/registry/kubevirt.io/', new RegExp(`/virtualmachineinstances/${NS}/fedora01$`)],
        ['/registry/k8s.ovn.org/', new RegExp(`/userdefinednetworks/${UDN_NS}/primary-udn$`)],
        ['/registry/k8s.cni.cncf.io/', new RegExp(`/ipamclaims/${UDN_NS}/fedora-udn\\.primary-udn$`)],
      ];
      for (const [prefix, key] of expect) {
        const keys = etcdKeys(prefix);
        assert.ok(keys.some((k) => key.test(k)), `${key} under ${prefix} in etcd; found:\n${keys.join('\n')}`);
      }
      assert.ok(!existsSync(join(srv().dataDir, 'store.db')), 'no SQLite store beside etcd');
    });
  });
}

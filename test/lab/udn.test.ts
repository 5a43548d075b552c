// The guide's step 7 on the lab (netns runtime): the UDN from the form (primary-udn, Layer2, Primary,
// 192.168.254.0/24, Persistent) in vmexamples-user1-udn, the guide's fedora-udn YAML as given (fences
// removed): an address ≥ .3 and gateway .1 by DHCP, the internet host reachable; then isolation: the same
// UDN across two nodes reaches, another namespace's UDN with the same subnet does not (both work at once),
// a default-network VM does not.
import { guideUdnVmYaml, primaryUdnYaml, udnNamespaceYaml } from '../support/udn-fixtures.js';
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

const id = `u${process.pid % 100000}`;

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? ''), stdout: r.stdout ?? '' };
}

const udnNamespace = udnNamespaceYaml;
const udn = (ns: string): string => primaryUdnYaml(ns);

const GUIDE_VM = guideUdnVmYaml;

/** The console's Import YAML strips AsciiDoc fences; so does this. */
const unfenced = (y: string): string => y.split('\n').filter((l) => l.trim() !== '----').join('\n');

const cond = (o: KubeObject | undefined, type: string): { status: string } | undefined =>
  ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

describe("User Defined Networks: the guide's step 7 and isolation (netns runtime)", () => {
  let s: ServerProcess;
  let c: ApiClient;
  const ipOf = async (ns: string, vm: string): Promise<string> => until(async () => {
    const v = await c.get(R.vmi, ns, vm).catch(() => undefined);
    const ip = ((v?.status as { interfaces?: { name?: string; ipAddress?: string }[] } | undefined)?.interfaces ?? [])[0]?.ipAddress;
    return ip?.startsWith('192.168.254.') ? ip : undefined;
  }, `${ns}/${vm} to get a UDN address`, 45_000);
  const exec = (ns: string, vm: string, cmd: string[]): { code: number; out: string; stdout: string } =>
    virtnet(['vm', 'exec', vm, '-n', ns, '--data', s.dataDir, '--', ...cmd]);

  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const up = virtnet(['lab', 'up', '--data', s.dataDir, '--id', id], { VIRTNET_VM_RUNTIME: 'netns' });
    assert.equal(up.code, 0, up.out);
    await until(async () => (await c.list(R.node)).items.filter((n) => cond(n, 'Ready')?.status === 'True' && (n.spec as { podCIDR?: string } | undefined)?.podCIDR).length === 5, 'five Ready nodes', 30_000);
  });
  after(async () => {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`vn-${id}-`));
    assert.deepEqual(left, [], 'lab down leaves no namespace (routers, launchers, VMs included)');
  });

  it("step 7: fedora-udn gets 192.168.254.x (x ≥ 3) and gateway .1 by DHCP and reaches the internet host", async () => {
    const NS = 'vmexamples-user1-udn';
    s.kubectlOk(['apply', '-f', '-'], { input: udnNamespace(NS) + '---\n' + udn(NS) });
    await until(async () => (await c.get(R.nad, NS, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD primary-udn');
    s.kubectlOk(['apply', '-f', '-'], { input: unfenced(GUIDE_VM(NS)) });
    const ip = await ipOf(NS, 'fedora-udn');
    assert.ok(Number(ip.split('.')[3]) >= 3, `${ip}: the first two addresses are reserved`);
    const claim = await c.get(R.ipamClaim, NS, 'fedora-udn.primary-udn');
    assert.deepEqual((claim.status as { ips?: string[] }).ips, [`${ip}/24`], 'the IPAMClaim holds the address the VM got');
    const route = exec(NS, 'fedora-udn', ['ip', 'route', 'show', 'default']);
    assert.match(route.stdout, /default via 192\.168\.254\.1 /, route.out);
    const ping = exec(NS, 'fedora-udn', ['ping', '-c', '2', '-W', '2', '198.18.0.10']);
    assert.equal(ping.code, 0, ping.out);
  });

  it('a restart keeps the VM\'s UDN address and MAC', async () => {
    const NS = 'vmexamples-user1-udn';
    const before = await c.get(R.vmi, NS, 'fedora-udn');
    const nic = (v: KubeObject): { ipAddress?: string; mac?: string } => ((v.status as { interfaces?: { ipAddress?: string; mac?: string }[] } | undefined)?.interfaces ?? [])[0] ?? {};
    const r = virtnet(['vm', 'restart', 'fedora-udn', '-n', NS, '--data', s.dataDir]);
    assert.equal(r.code, 0, r.out);
    const after = await until(async () => {
      const v = await c.get(R.vmi, NS, 'fedora-udn').catch(() => undefined);
      return v && v.metadata.uid !== before.metadata.uid && nic(v).ipAddress?.startsWith('192.168.254.') ? v : undefined;
    }, 'the restarted VM to get its address', 45_000);
    assert.equal(nic(after).ipAddress, nic(before).ipAddress, 'same IP after restart');
    assert.equal(nic(after).mac, nic(before).mac, 'same MAC after restart');
  });

  it('isolation: same UDN across nodes reaches; another UDN with the same subnet and the default network do not', async () => {
    const A = 'vmexamples-user1-udn';
    const B = 'tenant-b';
    s.kubectlOk(['apply', '-f', '-'], { input: udnNamespace(B) + '---\n' + udn(B) });
    await until(async () => (await c.get(R.nad, B, 'primary-udn').catch(() => undefined)) !== undefined, 'the NAD of tenant-b');
    const first = ((await c.get(R.vmi, A, 'fedora-udn')).status as { nodeName: string }).nodeName;
    const other = first === 'worker-0' ? 'worker-1' : 'worker-0';
    s.kubectlOk(['apply', '-f', '-'], { input: unfenced(GUIDE_VM(A, 'a2', other)) + '---\n' + unfenced(GUIDE_VM(B, 'b1')) });
    const [a1, a2, b1] = await Promise.all([ipOf(A, 'fedora-udn'), ipOf(A, 'a2'), ipOf(B, 'b1')]);
    assert.notEqual(((await c.get(R.vmi, A, 'a2')).status as { nodeName: string }).nodeName, first, 'a2 runs on another node');
    const across = exec(A, 'fedora-udn', ['ping', '-c', '2', '-W', '2', a2]);
    assert.equal(across.code, 0, `same UDN across nodes:\n${across.out}`);
    // b1 may hold the same address as fedora-udn (subnets overlap); it must reach neither A VM.
    const target = b1 === a1 ? a2 : a1;
    const cross = exec(B, 'b1', ['ping', '-c', '2', '-W', '1', target]);
    assert.notEqual(cross.code, 0, `tenant-b reached ${target} in another UDN:\n${cross.out}`);
    const bNet = exec(B, 'b1', ['ping', '-c', '1', '-W', '2', '198.18.0.10']);
    assert.equal(bNet.code, 0, `both UDNs work at once:\n${bNet.out}`);
    // A VM on the default (pod) network.
    s.kubectlOk(['create', 'namespace', 'plain']);
    s.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: plain
  namespace: plain
spec:
  runStrategy: Always
  template:
    spec:
      domain:
        devices: {}
` });
    await until(async () => ((await c.get(R.vmi, 'plain', 'plain').catch(() => undefined))?.status as { phase?: string } | undefined)?.phase === 'Running', 'the default-network VM to run');
    const fromDefault = exec('plain', 'plain', ['ping', '-c', '2', '-W', '1', a1]);
    assert.notEqual(fromDefault.code, 0, `a default-network VM reached the UDN VM ${a1}:\n${fromDefault.out}`);
  });

  it('a ClusterUserDefinedNetwork selecting two namespaces joins their VMs', async () => {
    for (const ns of ['team-x1', 'team-x2']) {
      s.kubectlOk(['apply', '-f', '-'], { input: udnNamespace(ns).replace('  labels:\n', '  labels:\n    team: x\n') });
    }
    s.kubectlOk(['apply', '-f', '-'], { input: `apiVersion: k8s.ovn.org/v1
kind: ClusterUserDefinedNetwork
metadata:
  name: team-x
spec:
  namespaceSelector:
    matchLabels:
      team: x
  network:
    topology: Layer2
    layer2:
      role: Primary
      subnets:
      - 10.100.0.0/24
      ipam:
        lifecycle: Persistent
` });
    for (const ns of ['team-x1', 'team-x2']) await until(async () => (await c.get(R.nad, ns, 'team-x').catch(() => undefined)) !== undefined, `the CUDN's NAD in ${ns}`);
    s.kubectlOk(['apply', '-f', '-'], { input: unfenced(GUIDE_VM('team-x1', 'x1')) + '---\n' + unfenced(GUIDE_VM('team-x2', 'x2')) });
    const addr = (ns: string, vm: string): Promise<string> => until(async () => {
      const v = await c.get(R.vmi, ns, vm).catch(() => undefined);
      const ip = ((v?.status as { interfaces?: { ipAddress?: string }[] } | undefined)?.interfaces ?? [])[0]?.ipAddress;
      return ip?.startsWith('10.100.0.') ? ip : undefined;
    }, `${ns}/${vm} to get a CUDN address`, 45_000);
    const [x1, x2] = await Promise.all([addr('team-x1', 'x1'), addr('team-x2', 'x2')]);
    assert.notEqual(x1, x2, 'one address space across the CUDN\'s namespaces');
    const ping = exec('team-x1', 'x1', ['ping', '-c', '2', '-W', '2', x2]);
    assert.equal(ping.code, 0, ping.out);
  });
});

// The guide's first half on a real lab: nodes as network namespaces with their agents, NMState,
// the typo'd label, the br0 policy, a policy that cuts the API off (rolled back), and a maxUnavailable
// rollout where one node fails. The kernel is checked with `ip`, not through virtnet's code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ServerProcess, until, repoRoot } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { probeCapabilities } from '../../src/agent/nmstate/capabilities.js';
import { GUIDE_NNCP_YAML } from '../support/guide-fixtures.js';

const id = `g${process.pid % 100000}`;
const ns = (node: string): string => `vn-${id}-${node}`;
const METAL = ['metal-0', 'metal-1'];
const WORKERS = ['worker-0', 'worker-1', 'worker-2'];

function virtnet(args: string[], env: Record<string, string> = {}): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status ?? -1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function ipJson(netns: string, args: string[]): unknown[] {
  const r = spawnSync('ip', ['-n', netns, '-j', ...args], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout || '[]') as unknown[] : [];
}

function cond(o: KubeObject | undefined, type: string): { status: string; reason: string; message: string } | undefined {
  return ((o?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}


describe('the lab and node network policies', () => {
  let s: ServerProcess;
  let c: ApiClient;
  before(async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const up = virtnet(['lab', 'up', '--data', s.dataDir, '--id', id], { VIRTNET_AGENT_RETRY_BASE_MS: '200' });
    assert.equal(up.code, 0, up.out);
  });
  after(async () => {
    const down = virtnet(['lab', 'down', '--data', s.dataDir, '--id', id]);
    c?.close();
    await s?.stop();
    assert.equal(down.code, 0, down.out);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`vn-${id}-`));
    assert.deepEqual(left, [], 'lab down leaves no namespace');
    const agents = spawnSync('pgrep', ['-f', `--netns vn-${id}-`], { encoding: 'utf8' }).stdout.trim();
    assert.equal(agents, '', 'lab down leaves no agent');
  });

  it('nodes register with the real-cluster labels and turn Ready from their heartbeat', async () => {
    await until(async () => (await c.list(R.node)).items.filter((n) => cond(n, 'Ready')?.status === 'True').length === 5, 'five Ready nodes', 20_000);
    const metal = await c.get(R.node, undefined, 'metal-0');
    assert.equal(metal.metadata.labels?.['node.kubernetes.io/instance-type'], 'c5n.metal');
    assert.equal(metal.metadata.labels?.['node-role.kubernetes.io/worker'], '');
    assert.match(s.kubectlOk(['get', 'nodes']), /metal-0\s+Ready\s+worker/);
    // br-flat exists on bare-metal nodes before NMState is installed (the lab's provisioning).
    const brFlat = ipJson(ns('metal-0'), ['link', 'show', 'master', 'br-flat']) as { ifname: string }[];
    assert.deepEqual(brFlat.map((l) => l.ifname), ['eth1']);
  });

  it('installing NMState starts handlers: every node gets a NodeNetworkState', async () => {
    assert.equal((await c.list(R.nns)).items.length, 0, 'no NNS before NMState');
    // The NMState instance alone starts nothing: the operator is not installed yet.
    await c.create(R.nmstate, undefined, { metadata: { name: 'nmstate' } });
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await c.list(R.nns)).items.length, 0, 'no NNS while the NMState operator is not installed');
    // OperatorHub → Kubernetes NMState Operator → Install: the namespace and the Subscription.
    assert.match(s.kubectlOk(['get', 'packagemanifests']), /kubernetes-nmstate-operator\s+virtnet Operators/);
    await c.create(R.namespace, undefined, { metadata: { name: 'openshift-nmstate' } });
    await c.create(R.subscription, 'openshift-nmstate', {
      metadata: { name: 'kubernetes-nmstate-operator', namespace: 'openshift-nmstate' },
      spec: { channel: 'stable', installPlanApproval: 'Automatic', name: 'kubernetes-nmstate-operator', source: 'virtnet-operators', sourceNamespace: 'openshift-marketplace' },
    });
    await until(() => /Succeeded/.test(s.kubectlOk(['get', 'csv', '-n', 'openshift-nmstate'])), 'the NMState operator\'s CSV to succeed', 20_000);
    await until(async () => (await c.list(R.nns)).items.length === 5, 'five NodeNetworkStates', 20_000);
    const available = await until(async () => {
      const a = cond(await c.get(R.nmstate, undefined, 'nmstate'), 'Available');
      return a?.status === 'True' ? a : undefined;
    }, 'the NMState instance to be Available');
    assert.equal(available.reason, 'SuccessfullyDeployed');
    assert.equal(available.message, 'All components are available and ready');
    // Singleton: a later instance is removed, the first one stays.
    await c.create(R.nmstate, undefined, { metadata: { name: 'nmstate-2' } });
    await until(async () => (await c.list(R.nmstate)).items.map((i) => i.metadata.name).join() === 'nmstate', 'the later NMState to be deleted');
    const nns = await c.get(R.nns, undefined, 'metal-0');
    const ifaces = ((nns.status as { currentState: { interfaces: { name: string; type: string }[] } }).currentState.interfaces);
    assert.ok(ifaces.some((i) => i.name === 'br-flat' && i.type === 'linux-bridge'));
    assert.ok(ifaces.some((i) => i.name === 'eth0'));
    assert.match(s.kubectlOk(['get', 'nns', 'metal-0', '-o', 'jsonpath={.status.lastSuccessfulUpdateTime}']), /^\d{4}-/);
  });

  it('the guide\'s policy with the typo\'d label is Ignored/NoMatchingNode', async () => {
    s.kubectlOk(['label', 'node', ...METAL, 'node-type=baremtal']);
    s.kubectlOk(['apply', '-f', s.writeFile('nncp.yaml', GUIDE_NNCP_YAML)]);
    const ignored = await until(async () => {
      const ig = cond(await c.get(R.nncp, undefined, 'create-br0-static'), 'Ignored');
      return ig?.status === 'True' ? ig : undefined;
    }, 'Ignored=True');
    assert.equal(ignored.reason, 'NoMatchingNode');
    assert.equal(ignored.message, 'Policy does not match any node');
    assert.match(s.kubectlOk(['get', 'nncp']), /create-br0-static\s+Ignored\s+NoMatchingNode/);
  });

  it('with node-type=baremetal both bare-metal nodes get br0 with STP off; workers are untouched', async () => {
    s.kubectlOk(['label', 'node', ...METAL, 'node-type=baremetal', '--overwrite']);
    const available = await until(async () => {
      const a = cond(await c.get(R.nncp, undefined, 'create-br0-static'), 'Available');
      return a?.status === 'True' ? a : undefined;
    }, 'Available=True', 30_000);
    assert.equal(available.reason, 'SuccessfullyConfigured');
    assert.equal(available.message, '2/2 nodes successfully configured');
    for (const node of METAL) {
      const [br] = ipJson(ns(node), ['-d', 'link', 'show', 'br0']) as { linkinfo?: { info_kind: string; info_data: { stp_state: number } } }[];
      assert.equal(br?.linkinfo?.info_kind, 'bridge', `${node}: br0 is a bridge`);
      assert.equal(br?.linkinfo?.info_data.stp_state, 0, `${node}: STP off`);
      const nnce = await c.get(R.nnce, undefined, `${node}.create-br0-static`);
      assert.equal(cond(nnce, 'Available')?.status, 'True');
    }
    for (const node of WORKERS) {
      assert.deepEqual(ipJson(ns(node), ['link', 'show', 'br0']), [], `${node} has no br0`);
    }
    // ipv4.enabled: false drops the address and dhcp; nmstate does it silently, the enactment says so.
    const warned = await until(async () => (await c.list(R.event, 'default', { fieldSelector: 'involvedObject.name=metal-0.create-br0-static' })).items, 'a warning event');
    assert.equal(warned[0]?.['type'], 'Warning');
    assert.match(String(warned[0]?.['message']), /ipv4/);
    assert.match(s.kubectlOk(['describe', 'nnce', 'metal-0.create-br0-static']), /Warning\s+NormalizedDesiredState/);
    await until(async () => {
      const st = (await c.get(R.nns, undefined, 'metal-1')).status as { currentState: { interfaces: { name: string; bridge?: { options?: { stp?: { enabled: boolean } } } }[] } };
      return st.currentState.interfaces.find((i) => i.name === 'br0')?.bridge?.options?.stp?.enabled === false;
    }, 'br0 with STP off in metal-1\'s NodeNetworkState');
  });

  it('deleting a policy removes its enactments but does not revert the nodes', async () => {
    await c.delete(R.nncp, undefined, 'create-br0-static');
    await until(async () => (await c.list(R.nnce, undefined, { labelSelector: 'nmstate.io/policy=create-br0-static' })).items.length === 0, 'the enactments to go');
    for (const node of METAL) {
      const [br] = ipJson(ns(node), ['-d', 'link', 'show', 'br0']) as { linkinfo?: { info_kind: string } }[];
      assert.equal(br?.linkinfo?.info_kind, 'bridge', `${node}: br0 stays`);
    }
  });

  it('a policy that removes the default route is rolled back: Failing/FailedToConfigure, policy Degraded', async () => {
    await c.create(R.nncp, undefined, {
      metadata: { name: 'remove-default-route' },
      spec: { nodeSelector: { 'kubernetes.io/hostname': 'metal-0' }, desiredState: { routes: { config: [{ destination: '0.0.0.0/0', state: 'absent' }] } } },
    });
    const failing = await until(async () => {
      const nnce = await c.get(R.nnce, undefined, 'metal-0.remove-default-route').catch(() => undefined);
      const f = cond(nnce, 'Failing');
      return f?.status === 'True' && f.reason === 'FailedToConfigure' ? f : undefined;
    }, 'the enactment to fail after its retries', 90_000);
    assert.match(failing.message, /error reconciling NodeNetworkConfigurationPolicy on node metal-0 at desired state apply/);
    assert.match(failing.message, /rolling back desired state configuration/);
    const routes = ipJson(ns('metal-0'), ['route', 'show', 'default']) as { gateway?: string }[];
    assert.equal(routes[0]?.gateway, '10.89.0.1', 'the default route is back');
    const degraded = cond(await c.get(R.nncp, undefined, 'remove-default-route'), 'Degraded');
    assert.equal(degraded?.status, 'True');
    assert.equal(degraded?.reason, 'FailedToConfigure');
  });

  it('a VLAN policy fails with NotSupportedError where the kernel lacks 802.1Q, and works where it has it', async () => {
    const caps = await probeCapabilities();
    await c.create(R.nncp, undefined, {
      metadata: { name: 'vlan101' },
      spec: { nodeSelector: { 'kubernetes.io/hostname': 'metal-1' }, desiredState: { interfaces: [{ name: 'eth1.101', type: 'vlan', state: 'up', vlan: { 'base-iface': 'eth1', id: 101 } }] } },
    });
    if (caps.vlan) {
      console.log('# this kernel has 802.1Q VLANs: expecting the VLAN to be configured');
      await until(async () => cond(await c.get(R.nnce, undefined, 'metal-1.vlan101').catch(() => undefined), 'Available')?.status === 'True', 'the VLAN enactment to succeed', 60_000);
      assert.equal((ipJson(ns('metal-1'), ['-d', 'link', 'show', 'eth1.101']) as { linkinfo?: { info_kind: string } }[])[0]?.linkinfo?.info_kind, 'vlan');
    } else {
      console.log('# this kernel lacks 802.1Q VLANs: expecting a NotSupportedError');
      const f = await until(async () => {
        const x = cond(await c.get(R.nnce, undefined, 'metal-1.vlan101').catch(() => undefined), 'Failing');
        return x?.status === 'True' && x.reason === 'FailedToConfigure' ? x : undefined;
      }, 'the VLAN enactment to fail', 60_000);
      assert.match(f.message, /NotSupportedError: the kernel has no 802\.1Q VLAN support/);
      assert.deepEqual(ipJson(ns('metal-1'), ['link', 'show', 'eth1.101']), [], 'nothing was created');
    }
    await c.delete(R.nncp, undefined, 'vlan101');
  });

  it('maxUnavailable 1 over 5 nodes with one failing node: at most one Failing, the rest Aborted or done', async () => {
    // ext0 exists on four nodes only: the policy's bridge port is missing on worker-2.
    for (const node of [...METAL, 'worker-0', 'worker-1']) {
      assert.equal(spawnSync('ip', ['-n', ns(node), 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'ext0p']).status, 0);
    }
    await c.create(R.nncp, undefined, {
      metadata: { name: 'br-mu' },
      spec: { maxUnavailable: 1, desiredState: { interfaces: [{ name: 'br-mu', type: 'linux-bridge', state: 'up', bridge: { port: [{ name: 'ext0' }] } }] } },
    });
    const done = await until(async () => {
      const es = (await c.list(R.nnce, undefined, { labelSelector: 'nmstate.io/policy=br-mu' })).items;
      const finished = es.filter((e) => cond(e, 'Available')?.status === 'True' || cond(e, 'Aborted')?.status === 'True'
        || (cond(e, 'Failing')?.status === 'True' && cond(e, 'Progressing')?.status !== 'True'));
      return es.length === 5 && finished.length === 5 ? es : undefined;
    }, 'all five enactments to finish', 90_000);
    const failing = done.filter((e) => cond(e, 'Failing')?.status === 'True');
    assert.equal(failing.length, 1, 'exactly one node failed');
    assert.equal(failing[0]!.metadata.name, 'worker-2.br-mu');
    const aborted = done.filter((e) => cond(e, 'Aborted')?.status === 'True');
    for (const e of aborted) assert.equal(cond(e, 'Aborted')?.reason, 'ConfigurationAborted');
    const degraded = await until(async () => {
      const d = cond(await c.get(R.nncp, undefined, 'br-mu'), 'Degraded');
      return d?.status === 'True' ? d : undefined;
    }, 'the policy to be Degraded');
    assert.match(degraded.message, /^1\/5 nodes failed to configure/);
  });
});

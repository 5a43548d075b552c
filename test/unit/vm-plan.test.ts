// Pure VM plumbing decisions: run strategies and requests, scheduling, NAD configs, pod CIDRs, launch plans.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/common/object.js';
import { nextAction, liveInterfaceUpdate, vmStatus, vmiFromVm, RESTART_REQUIRED_MESSAGE } from '../../src/controllers/vm/vm-plan.js';
import { vmRequestOutcome } from '../../src/common/kubevirt/run-strategy.js';
import { schedule } from '../../src/controllers/vm/schedule.js';
import { startBackoffMs } from '../../src/controllers/vm-controller.js';
import { parseNadConfig } from '../../src/common/kubevirt/cni-config.js';
import { isolationError, vmiNics } from '../../src/common/kubevirt/vmi-networks.js';
import { nextFreeSlice, sliceCidr } from '../../src/controllers/vm/pod-cidr.js';
import { allocatePodIp, planVmiLaunch, quantityMiB, derivedMac, LaunchError } from '../../src/agent/vm/vmi-launch-plan.js';

const vm = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'fedora01', namespace: 'ns1', uid: 'vm-uid' },
  spec: { template: { spec: {} }, ...spec }, ...(status ? { status } : {}),
});
const vmi = (phase?: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'fedora01', namespace: 'ns1', uid: 'vmi-uid', ...extra },
  spec: {}, ...(phase ? { status: { phase } } : {}),
});

describe('run strategy → next action', () => {
  const cases: [string, KubeObject, KubeObject | undefined, string][] = [
    ['Always without VMI creates', vm({ runStrategy: 'Always' }), undefined, 'create'],
    ['Always with a running VMI does nothing', vm({ runStrategy: 'Always' }), vmi('Running'), 'none'],
    ['Always with a finished VMI deletes it (then recreates)', vm({ runStrategy: 'Always' }), vmi('Succeeded'), 'delete'],
    ['Halted with a VMI deletes it', vm({ runStrategy: 'Halted' }), vmi('Running'), 'delete'],
    ['Halted without VMI does nothing', vm({ runStrategy: 'Halted' }), undefined, 'none'],
    ['running: true is Always', vm({ running: true }), undefined, 'create'],
    ['running: false is Halted', vm({ running: false }), vmi('Running'), 'delete'],
    ['RerunOnFailure restarts a failed VMI', vm({ runStrategy: 'RerunOnFailure' }), vmi('Failed'), 'delete'],
    ['RerunOnFailure keeps a succeeded VMI', vm({ runStrategy: 'RerunOnFailure' }), vmi('Succeeded'), 'none'],
    ['Manual does nothing by itself', vm({ runStrategy: 'Manual' }), undefined, 'none'],
    ['Manual with a Start request creates', vm({ runStrategy: 'Manual' }, { stateChangeRequests: [{ action: 'Start' }] }), undefined, 'create'],
    ['a Stop request for this VMI deletes it', vm({ runStrategy: 'Manual' }, { stateChangeRequests: [{ action: 'Stop', uid: 'vmi-uid' }] }), vmi('Running'), 'delete'],
    ['a Stop request for another VMI is dropped', vm({ runStrategy: 'Manual' }, { stateChangeRequests: [{ action: 'Stop', uid: 'old' }] }), vmi('Running'), 'popRequest'],
    ['a deleting VMI is waited for', vm({ runStrategy: 'Always' }), vmi('Running', { deletionTimestamp: '2026-01-01T00:00:00Z' }), 'none'],
    ['Once after the first start does not restart', { ...vm({ runStrategy: 'Once' }), metadata: { name: 'x', namespace: 'ns1', annotations: { 'virtnet.io/once-started': 'true' } } }, undefined, 'none'],
  ];
  for (const [name, v, i, want] of cases) test(name, () => assert.equal(nextAction(v, i, true).type, want));
  test('waits for DataVolumes before creating', () => assert.equal(nextAction(vm({ runStrategy: 'Always' }), undefined, false).type, 'none'));
});

describe('start/stop/restart requests (virt-api)', () => {
  const cases: [string, KubeObject, KubeObject | undefined, 'start' | 'stop' | 'restart', unknown][] = [
    ['start a Halted VM sets Always', vm({ runStrategy: 'Halted' }), undefined, 'start', { spec: { runStrategy: 'Always' } }],
    ['start with the deprecated running field flips it', vm({ running: false }), undefined, 'start', { spec: { running: true } }],
    ['start a running VM conflicts', vm({ runStrategy: 'Always' }), vmi('Running'), 'start', { conflict: 'VM is already running' }],
    ['start a Manual VM queues Start', vm({ runStrategy: 'Manual' }), undefined, 'start', { requests: [{ action: 'Start' }] }],
    ['stop an Always VM sets Halted', vm({ runStrategy: 'Always' }), vmi('Running'), 'stop', { spec: { runStrategy: 'Halted' } }],
    ['stop a stopped Halted VM conflicts', vm({ runStrategy: 'Halted' }), undefined, 'stop', { conflict: 'VM is not running' }],
    ['stop a Manual VM queues Stop of its VMI', vm({ runStrategy: 'Manual' }), vmi('Running'), 'stop', { requests: [{ action: 'Stop', uid: 'vmi-uid' }] }],
    ['restart queues Stop then Start', vm({ runStrategy: 'Always' }), vmi('Running'), 'restart', { requests: [{ action: 'Stop', uid: 'vmi-uid' }, { action: 'Start' }] }],
    ['restart a stopped VM conflicts', vm({ runStrategy: 'Always' }), undefined, 'restart', { conflict: 'VM is not running' }],
  ];
  for (const [name, v, i, req, want] of cases) test(name, () => assert.deepEqual(vmRequestOutcome(v, i, req), want));
});

describe('VMI from VM, live updates, status', () => {
  const bridgeIface = { name: 'flat', bridge: {} };
  const flatNet = { name: 'flat', multus: { networkName: 'flatnetwork' } };
  const base = { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] } }, networks: [{ name: 'default', pod: {} }] };
  test('the VMI is the template, owned by the VM, with the finalizer', () => {
    const v = vm({ runStrategy: 'Always', template: { metadata: { labels: { app: 'x' } }, spec: base } });
    const out = vmiFromVm(v);
    assert.deepEqual(out.spec, base);
    assert.equal(out.metadata.labels?.['kubevirt.io/vm'], 'fedora01');
    assert.equal(out.metadata.labels?.['app'], 'x');
    assert.equal(out.metadata.ownerReferences?.[0]?.uid, 'vm-uid');
    assert.deepEqual(out.metadata.finalizers, ['foregroundDeleteVirtualMachine']);
  });
  test('an added bridge interface with its network is carried live', () => {
    const t = { domain: { devices: { interfaces: [...base.domain.devices.interfaces, bridgeIface] } }, networks: [...base.networks, flatNet] };
    const out = liveInterfaceUpdate(t, base) as typeof t;
    assert.deepEqual(out.domain.devices.interfaces.map((i) => i.name), ['default', 'flat']);
    assert.deepEqual(out.networks.map((n) => n.name), ['default', 'flat']);
  });
  test('nothing to carry when the specs agree', () => assert.equal(liveInterfaceUpdate(base, base), undefined));
  test('a changed model is not live: RestartRequired', () => {
    const t = { ...base, domain: { devices: { interfaces: [{ name: 'default', masquerade: {}, model: 'e1000' }] } } };
    assert.equal(liveInterfaceUpdate(t, base), undefined);
    const st = vmStatus({ vm: vm({ runStrategy: 'Always', template: { spec: t } }), vmi: { ...vmi('Running'), spec: base }, volumesReady: true, now: 'T' });
    const rr = (st['conditions'] as { type: string; message: string }[]).find((c) => c.type === 'RestartRequired');
    assert.equal(rr?.message, RESTART_REQUIRED_MESSAGE);
  });
  test('printable status follows the VMI', () => {
    const ps = (v: KubeObject, i: KubeObject | undefined, ready = true): unknown => vmStatus({ vm: v, vmi: i, volumesReady: ready, now: 'T' })['printableStatus'];
    assert.equal(ps(vm({ runStrategy: 'Halted' }), undefined), 'Stopped');
    assert.equal(ps(vm({ runStrategy: 'Always' }, { startFailure: { consecutiveFailCount: 2 } }), undefined), 'CrashLoopBackOff');
    assert.equal(ps(vm({ runStrategy: 'Always' }), undefined, false), 'Provisioning');
    assert.equal(ps(vm({ runStrategy: 'Always' }), vmi('Scheduled')), 'Starting');
    assert.equal(ps(vm({ runStrategy: 'Always' }), vmi('Running')), 'Running');
    assert.equal(ps(vm({ runStrategy: 'Halted' }), vmi('Running', { deletionTimestamp: 'T' })), 'Stopping');
    const unsched = { ...vmi('Scheduling'), status: { phase: 'Scheduling', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } };
    assert.equal(ps(vm({ runStrategy: 'Always' }), unsched), 'ErrorUnschedulable');
  });
});

test('crash-loop backoff doubles from 5 s up to 5 min', () => assert.deepEqual([1, 2, 3, 7, 20].map(startBackoffMs), [5000, 10000, 20000, 300000, 300000]));

describe('scheduling', () => {
  const node = (name: string, bridges: string[], labels: Record<string, string> = {}, ready = 'True'): KubeObject => ({
    apiVersion: 'v1', kind: 'Node', metadata: { name, labels },
    status: { conditions: [{ type: 'Ready', status: ready }], allocatable: Object.fromEntries(bridges.map((b) => [`bridge.network.kubevirt.io/${b}`, '1k'])) },
  });
  const nad = (ns: string, name: string, bridge: string, annotated = true): KubeObject => ({
    apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition',
    metadata: { name, namespace: ns, ...(annotated ? { annotations: { 'k8s.v1.cni.cncf.io/resourceName': `bridge.network.kubevirt.io/${bridge}` } } : {}) },
    spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'bridge', bridge, macspoofchk: true }) },
  });
  const withNet = (networkName: string): KubeObject => ({
    ...vmi('Pending'),
    spec: { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }, { name: 'flat', bridge: {} }] } }, networks: [{ name: 'default', pod: {} }, { name: 'flat', multus: { networkName } }] },
  });
  const nodes = [node('worker1', []), node('worker2', []), node('bm1', ['br-flat']), node('bm2', ['br-flat']), node('bm3', ['br-flat'], {}, 'Unknown')];
  const nads = new Map([['ns1/flatnetwork', nad('ns1', 'flatnetwork', 'br-flat')], ['default/global', nad('default', 'global', 'br-flat')],
    ['ns2/other', nad('ns2', 'other', 'br-flat')], ['ns1/nowhere', nad('ns1', 'nowhere', 'br-missing')], ['ns1/plain', nad('ns1', 'plain', 'br-missing', false)]]);
  const run = (v: KubeObject, load = new Map<string, number>()): unknown => schedule({ vmi: v, nodes, nads, load, globalNamespaces: ['default'] });
  test('a bridge NAD places the VMI on a node with the bridge, least loaded first', () => {
    assert.deepEqual(run(withNet('flatnetwork')), { node: 'bm1' });
    assert.deepEqual(run(withNet('flatnetwork'), new Map([['bm1', 1]])), { node: 'bm2' });
  });
  test('a NAD in default works from any namespace', () => assert.deepEqual(run(withNet('default/global')), { node: 'bm1' }));
  test('a NAD in another namespace is the Multus isolation error', () => assert.deepEqual(run(withNet('ns2/other')), {
    failedCreate: 'GetNetworkDelegates: namespace isolation enabled, annotation violates permission, pod is in namespace ns1 but refers to target namespace ns2' }));
  test('a missing NAD', () => assert.deepEqual(run(withNet('gone')), { failedCreate: 'failed to locate network attachment definition ns1/gone' }));
  test('a bridge no node has: unschedulable, naming the bridge', () => assert.deepEqual(run(withNet('nowhere')), {
    unschedulable: '0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 Insufficient bridge.network.kubevirt.io/br-missing.' }));
  test('without the resourceName annotation the bridge is still required', () => assert.ok('unschedulable' in (run(withNet('plain')) as object)));
  test('pod network only: any ready node', () => assert.deepEqual(run({ ...vmi('Pending'), spec: { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] } }, networks: [{ name: 'default', pod: {} }] } }), { node: 'bm1' }));
  test('nodeSelector', () => assert.deepEqual(run({ ...withNet('flatnetwork'), spec: { ...(withNet('flatnetwork').spec as object), nodeSelector: { x: 'y' } } }), {
    unschedulable: "0/5 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 4 node(s) didn't match Pod's node affinity/selector." }));
});

describe('NAD configs and network references', () => {
  test('the console form output', () => assert.deepEqual(
    parseNadConfig('{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}'),
    { type: 'bridge', name: 'flatnetwork', bridge: 'br-flat', macspoofchk: true, preserveDefaultVlan: false }));
  test('cnv-bridge, vlan and mtu', () => assert.deepEqual(parseNadConfig('{"name":"n","type":"cnv-bridge","bridge":"br1","vlan":100,"mtu":1400}'),
    { type: 'bridge', name: 'n', bridge: 'br1', macspoofchk: false, preserveDefaultVlan: true, vlan: 100, mtu: 1400 }));
  test('other plugins are named', () => assert.deepEqual(parseNadConfig('{"name":"n","type":"macvlan"}'), { type: 'other', pluginType: 'macvlan', name: 'n' }));
  for (const [cfg, msg] of [['', /empty/], ['{', /not valid JSON/], ['[]', /JSON object/], ['{"type":"bridge","bridge":"a;rm -rf"}', /not a valid interface name/], ['{"type":"bridge","vlan":5000}', /vlan must be an integer between 0 and 4094/]] as const) {
    test(`rejects ${JSON.stringify(cfg)}`, () => assert.throws(() => parseNadConfig(cfg), msg));
  }
  test('networkName forms', () => {
    const nics = vmiNics({ domain: { devices: { interfaces: [{ name: 'a', bridge: {} }, { name: 'b', bridge: {}, macAddress: '02:AA:00:00:00:01' }] } },
      networks: [{ name: 'a', multus: { networkName: 'x' } }, { name: 'b', multus: { networkName: 'default/y' } }] }, 'ns1');
    assert.deepEqual(nics.map((n) => n.network), [{ kind: 'multus', namespace: 'ns1', name: 'x', default: false }, { kind: 'multus', namespace: 'default', name: 'y', default: false }]);
    assert.equal(nics[1]?.macAddress, '02:aa:00:00:00:01');
  });
  test('isolation allows own and global namespaces', () => {
    assert.equal(isolationError('a', 'a', ['default']), undefined);
    assert.equal(isolationError('a', 'default', ['default']), undefined);
    assert.match(isolationError('a', 'b', ['default']) ?? '', /refers to target namespace b/);
  });
});

describe('pod CIDRs and addresses', () => {
  test('slices of 10.128.0.0/14 by /23', () => {
    assert.equal(sliceCidr(0), '10.128.0.0/23');
    assert.equal(sliceCidr(1), '10.128.2.0/23');
    assert.equal(sliceCidr(511), '10.131.254.0/23');
    assert.equal(sliceCidr(512), undefined);
    assert.equal(nextFreeSlice(['10.128.0.0/23', '10.128.4.0/23']), '10.128.2.0/23');
  });
  test('pod IPs skip the gateway', () => {
    assert.equal(allocatePodIp('10.128.2.0/23', new Set()), '10.128.2.2');
    assert.equal(allocatePodIp('10.128.2.0/23', new Set(['10.128.2.2'])), '10.128.2.3');
    assert.equal(allocatePodIp('10.0.0.0/30', new Set(['10.0.0.2'])), undefined);
  });
  test('quantities', () => {
    assert.equal(quantityMiB('2048M'), 1954);
    assert.equal(quantityMiB('2Gi'), 2048);
    assert.equal(quantityMiB('128Mi'), 128);
    assert.equal(quantityMiB('lots'), undefined);
  });
  test('derived MACs are stable and locally administered', () => {
    assert.equal(derivedMac('u', 'n'), derivedMac('u', 'n'));
    assert.match(derivedMac('u', 'n'), /^02(:[0-9a-f]{2}){5}$/);
  });
});

describe('launch plan', () => {
  const dv: KubeObject = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', metadata: { name: 'root', namespace: 'ns1', annotations: { 'virtnet.io/image': 'builtin' } }, status: { phase: 'Succeeded' } };
  const nad: KubeObject = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'flat', namespace: 'ns1' }, spec: { config: '{"name":"flat","type":"bridge","bridge":"br-flat","macspoofchk":true}' } };
  const v: KubeObject = {
    ...vmi('Scheduled'),
    spec: {
      domain: { devices: { interfaces: [{ name: 'default', masquerade: {}, macAddress: '02:00:00:00:00:10' }, { name: 'flat', bridge: {}, macAddress: '02:00:00:00:00:11' }] }, resources: { requests: { memory: '2Gi' } } },
      networks: [{ name: 'default', pod: {} }, { name: 'flat', multus: { networkName: 'flat' } }],
      volumes: [{ name: 'rootdisk', dataVolume: { name: 'root' } }, { name: 'ci', cloudInitNoCloud: { userData: '#cloud-config\nuser: fedora\n' } }],
    },
  };
  test('resolves NICs, disk, memory and cloud-init', () => {
    const p = planVmiLaunch({ vmi: v, nads: new Map([['ns1/flat', nad]]), dataVolumes: new Map([['ns1/root', dv]]), defaultRuntime: 'qemu' });
    assert.equal(p.id, 'vmi-uid');
    assert.equal(p.runtime, 'qemu');
    assert.deepEqual(p.nics.map((n) => [n.name, n.binding, n.mac]), [['default', 'masquerade', '02:00:00:00:00:10'], ['flat', 'bridge', '02:00:00:00:00:11']]);
    assert.deepEqual(p.disk, { kind: 'builtin' });
    assert.equal(p.memoryMiB, 2048);
    assert.equal(p.userData, '#cloud-config\nuser: fedora\n');
  });
  test('a missing NAD fails with the upstream words', () => assert.throws(
    () => planVmiLaunch({ vmi: v, nads: new Map(), dataVolumes: new Map([['ns1/root', dv]]), defaultRuntime: 'qemu' }),
    (e: unknown) => e instanceof LaunchError && e.message === 'failed to locate network attachment definition ns1/flat'));
  test('the runtime annotation picks the runtime', () => {
    const a = { ...v, metadata: { ...v.metadata, annotations: { 'virtnet.io/runtime': 'netns' } } };
    assert.equal(planVmiLaunch({ vmi: a, nads: new Map([['ns1/flat', nad]]), dataVolumes: new Map([['ns1/root', dv]]), defaultRuntime: 'qemu' }).runtime, 'netns');
  });
});

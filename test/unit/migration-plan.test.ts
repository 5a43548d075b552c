import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../src/common/object.js';
import { migrationStatePatch, migrationStep, pickTarget, targetPodName, validateMigration } from '../../src/controllers/vm/migration-plan.js';
import { rehomeBatch, migrationTempName } from '../../src/runtime/netns/migrate-plan.js';

const vmim = (phase?: string, uid = 'm1'): KubeObject => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name: 'kubevirt-migrate-vm-abcde', namespace: 'ns', uid }, spec: { vmiName: 'vm1' }, ...(phase ? { status: { phase } } : {}) });
const vmi = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1', namespace: 'ns', uid: 'u1' }, spec, status });
const node = (name: string, extra: Record<string, unknown> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { conditions: [{ type: 'Ready', status: 'True' }] }, ...extra });
const running = vmi({ phase: 'Running', nodeName: 'worker-0' });

describe('migration plan', () => {
  it('validates like virt-api', () => {
    const table: [KubeObject | undefined, KubeObject[], RegExp | undefined][] = [
      [undefined, [], /the VMI "ns\/vm1" does not exist/],
      [vmi({ phase: 'Scheduled' }), [], /not running/],
      [vmi({ phase: 'Succeeded' }), [], /finalized state/],
      [running, [], undefined],
      [running, [vmim('Running', 'other')], /in-flight migration detected\. Active migration job \(other\)/],
      [running, [vmim('Failed', 'other')], undefined],
      [vmi({ phase: 'Running', migrationState: { startTimestamp: 't', migrationUid: 'x' } }), [], /in-flight/],
    ];
    for (const [v, others, want] of table) {
      const got = validateMigration(vmim(), v, others);
      if (want) assert.match(got ?? '', want); else assert.equal(got, undefined);
    }
  });

  it('picks another node than the source, or says why none fits', () => {
    const base = { vmi: running, nads: new Map(), load: new Map(), globalNamespaces: ['default'], source: 'worker-0' };
    assert.deepEqual(pickTarget({ ...base, nodes: [node('worker-0'), node('worker-1')] }), { node: 'worker-1' });
    const none = pickTarget({ ...base, nodes: [node('worker-0'), node('worker-1', { spec: { unschedulable: true } })] });
    assert.deepEqual(none, { unschedulable: '0/1 nodes are available: 1 node(s) were unschedulable.' });
    assert.ok('unschedulable' in pickTarget({ ...base, nodes: [node('worker-0'), node('worker-1')], addedNodeSelector: { 'kubernetes.io/hostname': 'worker-9' } }));
  });

  it('walks the phases', () => {
    const target = (): { node: string } => ({ node: 'worker-1' });
    const step = (m: KubeObject, v: KubeObject | undefined) => migrationStep({ vmim: m, vmi: v, others: [], target, now: 'T', random: () => 0 });
    assert.deepEqual(step(vmim(), running), { kind: 'phase', phase: 'Pending' });
    assert.equal(step(vmim(), undefined).kind, 'fail');
    assert.deepEqual(step(vmim('Pending'), running), { kind: 'phase', phase: 'Scheduling' });
    assert.deepEqual(step(vmim('Scheduling'), running), { kind: 'schedule', targetNode: 'worker-1', state: {
      startTimestamp: 'T', sourceNode: 'worker-0', targetNode: 'worker-1', targetPod: 'virt-launcher-vm1-bbbbb', migrationUid: 'm1', mode: 'PreCopy', completed: false, failed: false } });
    assert.deepEqual(migrationStep({ vmim: vmim('Scheduling'), vmi: running, others: [], target: () => ({ unschedulable: 'no' }), now: 'T' }),
      { kind: 'fail', reason: 'target node could not be scheduled: no' });
    assert.deepEqual(step(vmim('Scheduled'), running), { kind: 'phase', phase: 'PreparingTarget' });
    const ms = (x: Record<string, unknown>) => vmi({ phase: 'Running', nodeName: 'worker-0', migrationState: { migrationUid: 'm1', startTimestamp: 'T', ...x } });
    assert.deepEqual(step(vmim('TargetReady'), ms({})), { kind: 'none' });
    assert.deepEqual(step(vmim('Running'), ms({ completed: true })), { kind: 'succeed' });
    // Before the source has started moving the VM, a completed flag cannot be this migration's.
    assert.deepEqual(step(vmim('PreparingTarget'), ms({ completed: true })), { kind: 'none' });
    assert.deepEqual(step(vmim('TargetReady'), ms({ completed: true })), { kind: 'none' });
    assert.deepEqual(step(vmim('Running'), ms({ failed: true, failureReason: 'boom' })), { kind: 'fail', reason: 'boom' });
    assert.deepEqual(step(vmim('Succeeded'), ms({})), { kind: 'none' });
    assert.match(targetPodName('vm1'), /^virt-launcher-vm1-[a-z0-9]{5}$/);
  });

  it('replaces the previous migration\'s state wholesale when the next one is scheduled', () => {
    const prev = { migrationUid: 'm0', startTimestamp: 'T0', endTimestamp: 'T1', completed: true, failed: true, failureReason: 'x', sourceNode: 'a', targetNode: 'b', mode: 'PreCopy' };
    const next = { migrationUid: 'm1', startTimestamp: 'T2', sourceNode: 'b', targetNode: 'a', targetPod: 'p', mode: 'PreCopy', completed: false, failed: false };
    assert.deepEqual(migrationStatePatch(prev, next), { endTimestamp: null, failureReason: null, ...next });
    assert.deepEqual(migrationStatePatch(undefined, next), next);
  });

  it('re-homes a NIC in one batch: swap, addresses, non-kernel routes', () => {
    assert.equal(migrationTempName('eth0'), 'vnm-eth0');
    const batch = rehomeBatch([{ guestName: 'eth0', tempName: 'vnm-eth0',
      addrs: [{ addr_info: [{ family: 'inet', local: '192.168.254.3', prefixlen: 24, scope: 'global', valid_life_time: 3500, preferred_life_time: 3500 },
        { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' }] }],
      routes: [{ dst: 'default', gateway: '192.168.254.1', protocol: 'dhcp', metric: 100 }, { dst: '192.168.254.0/24', protocol: 'kernel', scope: 'link' }] }]);
    assert.equal(batch, ['link del eth0', 'link set vnm-eth0 name eth0', 'link set eth0 up',
      'addr add 192.168.254.3/24 dev eth0 valid_lft 3500 preferred_lft 3500',
      'route replace default via 192.168.254.1 dev eth0 metric 100 proto dhcp', ''].join('\n'));
    assert.throws(() => rehomeBatch([{ guestName: 'eth0', tempName: 'x', addrs: [], routes: [{ dst: 'default', gateway: '1.2.3.4 dev lo' }] }]));
  });
});

// What the console's VM pages derive (pure): enabled actions per state, the Network tile and why a
// running interface has no address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionStates, networkRows, operatingSystem, relevantConditions, vmiIps, type ClaimObj, type VmiObj, type VmObj } from '../../console/src/models/vm-status.js';

const vm = (spec: NonNullable<VmObj['spec']>, name = 'fedora-udn'): VmObj => ({ metadata: { name, namespace: 'ns1' }, spec });
const vmi = (phase: string, ifaces: object[] = [], extra: object = {}): VmiObj => ({ metadata: { name: 'fedora-udn', namespace: 'ns1' }, status: { phase, nodeName: 'metal-0', interfaces: ifaces as never, ...extra } });

test('actions per state', () => {
  const halted = vm({ runStrategy: 'Halted' });
  const always = vm({ runStrategy: 'Always' });
  assert.deepEqual(actionStates(halted, undefined), { start: true, stop: false, restart: false, migrate: false });
  assert.deepEqual(actionStates(always, vmi('Scheduling')), { start: false, stop: true, restart: true, migrate: false });
  assert.deepEqual(actionStates(always, vmi('Running')), { start: false, stop: true, restart: true, migrate: true });
  assert.deepEqual(actionStates(always, vmi('Running'), { metadata: { name: 'm' }, spec: { vmiName: 'fedora-udn' }, status: { phase: 'Running' } }).migrate, false);
  assert.deepEqual(actionStates(vm({ running: false }), vmi('Succeeded')).start, true);
});

const udnVm = vm({ runStrategy: 'Always', template: { spec: { domain: { devices: { interfaces: [{ name: 'primary-udn', binding: { name: 'l2bridge' } }, { name: 'flat', bridge: {} }, { name: 'default2', masquerade: {} }] } }, networks: [{ name: 'primary-udn', pod: {} }, { name: 'flat', multus: { networkName: 'flatnetwork' } }, { name: 'default2', pod: {} }] } } });
const claim = (status: NonNullable<ClaimObj['status']>): ClaimObj => ({ metadata: { name: 'fedora-udn.primary-udn', namespace: 'ns1' }, status });

test('network rows: IPs from the VMI; reasons for the ones without', () => {
  const running = vmi('Running', [{ name: 'primary-udn', ipAddress: '10.0.0.3', ipAddresses: ['10.0.0.3', 'fd00::3'], mac: '02:00:00:00:00:01', interfaceName: 'eth0' }]);
  const rows = networkRows(udnVm, running, []);
  assert.deepEqual(rows[0], { name: 'primary-udn', network: 'Pod networking', binding: 'l2bridge', ips: ['10.0.0.3', 'fd00::3'], mac: '02:00:00:00:00:01', guestInterface: 'eth0' });
  assert.deepEqual(rows[1]?.noIp, { kind: 'dhcp-bridge' });
  assert.equal(rows[1]?.network, 'flatnetwork');
  assert.deepEqual(rows[2]?.noIp, { kind: 'dhcp-masquerade' });
  assert.deepEqual(vmiIps(running), ['10.0.0.3', 'fd00::3']);
});

test('UDN NIC without an address: the IPAMClaim state', () => {
  const running = vmi('Running', []);
  const reason = (claims: ClaimObj[]): unknown => networkRows(udnVm, running, claims)[0]?.noIp;
  assert.deepEqual(reason([]), { kind: 'ipam-missing', claim: 'fedora-udn.primary-udn' });
  assert.deepEqual(reason([claim({})]), { kind: 'ipam-pending', claim: 'fedora-udn.primary-udn' });
  assert.deepEqual(reason([claim({ ips: ['10.0.0.3/24'] })]), { kind: 'ipam-allocated', claim: 'fedora-udn.primary-udn', ips: ['10.0.0.3/24'] });
  assert.deepEqual(reason([claim({ conditions: [{ type: 'IPsAllocated', status: 'False', reason: 'RangeFull', message: 'no free address' }] })]),
    { kind: 'ipam-failed', claim: 'fedora-udn.primary-udn', reason: 'RangeFull', message: 'no free address' });
});

test('a stopped VM lists its template NICs without reasons', () => {
  const rows = networkRows(udnVm, undefined, []);
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => r.noIp === undefined && r.ips.length === 0));
});

test('conditions shown: AgentConnected (absent → not reported), failures', () => {
  const c = relevantConditions(vmi('Running', [], { conditions: [{ type: 'Ready', status: 'True' }, { type: 'LiveMigratable', status: 'True' }] }));
  assert.deepEqual(c.map((x) => `${x.type}=${x.status}`), ['Ready=True', 'AgentConnected=False']);
});

test('operating system: guest agent first, then template annotations', () => {
  assert.equal(operatingSystem(vm({}), vmi('Running', [], { guestOSInfo: { prettyName: 'Fedora Linux 41' } })), 'Fedora Linux 41');
  assert.equal(operatingSystem({ metadata: { name: 'a', annotations: { 'name.os.template.kubevirt.io/fedora': 'Fedora Linux' } } }, undefined), 'Fedora Linux');
  assert.equal(operatingSystem(vm({}), undefined), undefined);
});

// The console's Add network interface modal and NIC removal as VM patches (pure), per reference §5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addNicPatch, generateNicName, isValidMac, multusNetworkName, networkOptions, POD_NETWORK, removeNicPatch, validateNic, type NicForm, type VmLike } from '../../console/src/models/vm-nic.js';
import { rowWindow } from '../../console/src/models/vm-list-window.js';

const vm = (ifaces: object[] | undefined, nets: object[] | undefined, ns = 'vmexamples-user1'): VmLike => ({
  metadata: { name: 'fedora01', namespace: ns },
  spec: { template: { spec: { domain: { devices: { ...(ifaces ? { interfaces: ifaces as never } : {}) } }, ...(nets ? { networks: nets as never } : {}) } } },
});
const withPod = vm([{ name: 'default', masquerade: {}, model: 'virtio' }], [{ name: 'default', pod: {} }]);
const nad = (ns: string, name: string, config: object = { type: 'bridge' }) => ({ metadata: { name, namespace: ns }, spec: { config: JSON.stringify(config) } });
const nads = [nad('vmexamples-user1', 'flatnetwork'), nad('default', 'shared'), nad('other', 'foreign'), nad('vmexamples-user1', 'sriov-net', { type: 'sriov' }), nad('vmexamples-user1', 'primary-udn', { type: 'ovn-k8s-cni-overlay', role: 'primary' })];

test('network options: pod only without a pod network; NADs of the project and default as ns/name', () => {
  assert.deepEqual(networkOptions(withPod, nads).map((o) => [o.label, o.binding]), [
    ['default/shared', 'bridge'], ['vmexamples-user1/flatnetwork', 'bridge'], ['vmexamples-user1/sriov-net', 'sriov'],
  ]);
  assert.deepEqual(networkOptions(vm([], []), [])[0], { value: POD_NETWORK, label: 'Pod Networking', binding: 'masquerade' });
});

test('networkName: default/<n> for NADs in default, else the bare name', () => {
  assert.equal(multusNetworkName('default/shared'), 'default/shared');
  assert.equal(multusNetworkName('vmexamples-user1/flatnetwork'), 'flatnetwork');
});

const form = (f: Partial<NicForm>): NicForm => ({ name: 'flat', model: 'virtio', network: 'vmexamples-user1/flatnetwork', macAddress: '', ...f });

test('add NIC patches', () => {
  const opts = networkOptions(withPod, nads);
  const cases: { name: string; vm: VmLike; form: NicForm; want: unknown }[] = [
    {
      name: 'bridge NIC on a project NAD appended',
      vm: withPod, form: form({}),
      want: [
        { op: 'add', path: '/spec/template/spec/domain/devices/interfaces/-', value: { name: 'flat', model: 'virtio', bridge: {} } },
        { op: 'add', path: '/spec/template/spec/networks/-', value: { name: 'flat', multus: { networkName: 'flatnetwork' } } },
      ],
    },
    {
      name: 'NAD in default keeps its namespace; MAC and model written',
      vm: withPod, form: form({ network: 'default/shared', model: 'e1000e', macAddress: '02:00:00:aa:bb:cc' }),
      want: [
        { op: 'add', path: '/spec/template/spec/domain/devices/interfaces/-', value: { name: 'flat', model: 'e1000e', macAddress: '02:00:00:aa:bb:cc', bridge: {} } },
        { op: 'add', path: '/spec/template/spec/networks/-', value: { name: 'flat', multus: { networkName: 'default/shared' } } },
      ],
    },
    {
      name: 'pod network on a VM without interfaces: lists created, masquerade',
      vm: vm(undefined, undefined), form: form({ name: 'default', network: POD_NETWORK }),
      want: [
        { op: 'add', path: '/spec/template/spec/domain/devices/interfaces', value: [{ name: 'default', model: 'virtio', masquerade: {} }] },
        { op: 'add', path: '/spec/template/spec/networks', value: [{ name: 'default', pod: {} }] },
      ],
    },
  ];
  for (const c of cases) {
    const o = networkOptions(c.vm, nads);
    assert.deepEqual(addNicPatch(c.vm, c.form, c.vm === withPod ? opts : o), c.want, c.name);
  }
});

test('validation messages', () => {
  const opts = networkOptions(withPod, nads);
  const cases: [Partial<NicForm>, Record<string, string>][] = [
    [{}, {}],
    [{ name: '' }, { name: 'Name is required' }],
    [{ name: 'Bad_Name' }, { name: 'Name must consist of lower case alphanumeric characters or "-", and start and end with an alphanumeric character' }],
    [{ name: 'default' }, { name: 'A network interface with this name already exists' }],
    [{ network: '' }, { network: 'Network is required' }],
    [{ macAddress: '02:00:00:00:00' }, { macAddress: 'Invalid MAC address format' }],
    [{ macAddress: '02-00-00-AA-BB-CC' }, {}],
  ];
  for (const [f, want] of cases) assert.deepEqual(validateNic(withPod, form(f), opts), want, JSON.stringify(f));
});

test('MAC format', () => {
  for (const ok of ['02:00:00:aa:bb:cc', 'DE-AD-00-00-BE-AF']) assert.ok(isValidMac(ok), ok);
  for (const bad of ['', '02:00:00:aa:bb', '02:00-00:aa:bb:cc', 'zz:00:00:aa:bb:cc', '0200.00aa.bbcc']) assert.ok(!isValidMac(bad), bad);
});

test('remove NIC: bridge NIC of a running VM unplugged with state absent, else removed', () => {
  const v = vm([{ name: 'default', masquerade: {} }, { name: 'flat', bridge: {} }], [{ name: 'default', pod: {} }, { name: 'flat', multus: { networkName: 'flatnetwork' } }]);
  assert.deepEqual(removeNicPatch(v, 'flat', true), [
    { op: 'test', path: '/spec/template/spec/domain/devices/interfaces/1/name', value: 'flat' },
    { op: 'add', path: '/spec/template/spec/domain/devices/interfaces/1/state', value: 'absent' },
  ]);
  assert.deepEqual(removeNicPatch(v, 'flat', false), [
    { op: 'test', path: '/spec/template/spec/domain/devices/interfaces/1/name', value: 'flat' },
    { op: 'remove', path: '/spec/template/spec/domain/devices/interfaces/1' },
    { op: 'test', path: '/spec/template/spec/networks/1/name', value: 'flat' },
    { op: 'remove', path: '/spec/template/spec/networks/1' },
  ]);
  // the pod network's NIC is removed even on a running VM (absent is bridge-on-secondary only)
  assert.equal(removeNicPatch(v, 'default', true)[1]?.op, 'remove');
});

test('NIC name generator: nic-<color>-<animal>-<NN>', () => {
  let i = 0;
  const seq = [0, 0, 0.05]; // color, animal, NN
  assert.equal(generateNicName(() => seq[i++ % 3]!), 'nic-amaranth-aardvark-05');
  for (let k = 0; k < 50; k++) assert.match(generateNicName(), /^nic-[a-z]+-[a-z]+-\d{2}$/);
});

test('virtualized row window', () => {
  assert.deepEqual(rowWindow(0, 0, 500, 50, 5), { start: 0, end: 0, padTop: 0, padBottom: 0 });
  assert.deepEqual(rowWindow(1000, 0, 500, 50, 5), { start: 0, end: 16, padTop: 0, padBottom: 984 * 50 });
  assert.deepEqual(rowWindow(1000, 25_000, 500, 50, 5), { start: 495, end: 516, padTop: 495 * 50, padBottom: 484 * 50 });
  const end = rowWindow(1000, 1000 * 50 - 500, 500, 50, 5);
  assert.equal(end.end, 1000);
  assert.equal(end.padBottom, 0);
  assert.equal(end.padTop + (end.end - end.start) * 50 + end.padBottom, 1000 * 50);
});

// The MAC pool's pure parts: which interfaces get MACs, the allocator (kubemacpool semantics), the range
// rules of cluster-network-addons-operator.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  MacPool, allocateVmMacs, MacAllocationError, RANGE_FULL, REQUESTED_MAC_TAKEN,
} from '../../src/api/macpool/mac-pool.js';
import { parseMacRange, parseMacRangeFlag, randomMacRange, type MacRange } from '../../src/api/macpool/mac-range.js';
import { heldMacs, managedInterfaces } from '../../src/api/macpool/vm-interfaces.js';
import { formatMac, macToNumber } from '../../src/common/mac-address.js';
import type { KubeObject } from '../../src/common/object.js';

type Json = Record<string, unknown>;
const m = (s: string): number => macToNumber(s)!;
const range = (start: string, end: string): MacRange => ({ start: m(start), end: m(end) });

const vm = (interfaces: Json[], networks: Json[], name = 'vm1'): KubeObject => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: 'ns' },
  spec: { runStrategy: 'Halted', template: { spec: structuredClone({ domain: { devices: { interfaces } }, networks }) } },
});
const macsOf = (o: KubeObject): Array<string | undefined> =>
  (((o['spec'] as Json)['template'] as Json)['spec'] as { domain: { devices: { interfaces: Json[] } } }).domain.devices.interfaces.map((i) => i['macAddress'] as string | undefined);

const pod = { name: 'default', pod: {} };
const masq = { name: 'default', masquerade: {} };
const flatNet = { name: 'flat', multus: { networkName: 'flatnetwork' } };
const flatIf = { name: 'flat', bridge: {} };
const everyone = (): boolean => true;

function allocate(pool: MacPool, o: KubeObject, old?: KubeObject, dryRun = false): number[] {
  const macs = allocateVmMacs(pool, { vm: o, old, owner: `ns/${o.metadata.name}`, counts: everyone, dryRun });
  if (!dryRun) pool.hold(`ns/${o.metadata.name}`, macs);
  return macs;
}

function failure(fn: () => unknown): MacAllocationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MacAllocationError) return e;
    throw e;
  }
  assert.fail('expected a MacAllocationError');
}

describe('which interfaces kubemacpool manages', () => {
  it('masquerade on the pod network and anything on Multus; not bridge or binding plugins on the pod network', () => {
    const o = vm([masq, flatIf, { name: 'udn', binding: { name: 'l2bridge' } }, { name: 'pb', bridge: {}, macAddress: '02:00:00:00:00:09' }],
      [pod, flatNet, { name: 'udn', pod: {} }, { name: 'pb', pod: {} }]);
    assert.deepEqual(managedInterfaces(o).map((i) => i.name), ['default', 'flat']);
    assert.deepEqual(heldMacs(o), []);
    assert.deepEqual(managedInterfaces(vm([masq], [])), [], 'no networks: nothing to do');
  });
  it('a stored VM holds the well-formed MACs of its managed interfaces', () => {
    assert.deepEqual(heldMacs(vm([{ ...masq, macAddress: '02:AA:00:00:00:01' }, { ...flatIf, macAddress: 'bogus' }], [pod, flatNet])), [m('02:aa:00:00:00:01')]);
  });
});

describe('allocation', () => {
  it('writes a MAC from the range into every managed interface that has none, in order', () => {
    const pool = new MacPool(range('02:00:00:00:00:10', '02:00:00:00:00:ff'));
    const a = vm([masq, flatIf, { name: 'pb', bridge: {} }], [pod, flatNet, { name: 'pb', pod: {} }]);
    assert.deepEqual(allocate(pool, a).map(formatMac), ['02:00:00:00:00:10', '02:00:00:00:00:11']);
    assert.deepEqual(macsOf(a), ['02:00:00:00:00:10', '02:00:00:00:00:11', undefined]);
    const b = vm([masq], [pod], 'vm2');
    allocate(pool, b);
    assert.deepEqual(macsOf(b), ['02:00:00:00:00:12']);
  });

  it('keeps requested MACs, refuses one another VM holds (any spelling), and one twice in the same VM', () => {
    const pool = new MacPool(range('02:00:00:00:00:00', '02:00:00:00:00:ff'));
    const a = vm([{ ...masq, macAddress: '02:00:00:00:00:42' }], [pod]);
    allocate(pool, a);
    assert.deepEqual(macsOf(a), ['02:00:00:00:00:42']);
    const e = failure(() => allocate(pool, vm([masq, { ...flatIf, macAddress: '02-00-00-00-00-42' }], [pod, flatNet], 'vm2')));
    assert.equal(e.message, REQUESTED_MAC_TAKEN);
    assert.equal(e.field, 'spec.template.spec.domain.devices.interfaces[1].macAddress');
    const twice = failure(() => allocate(pool, vm([{ ...masq, macAddress: '02:00:00:00:00:50' }, { ...flatIf, macAddress: '02:00:00:00:00:50' }], [pod, flatNet], 'vm3')));
    assert.equal(twice.field, 'spec.template.spec.domain.devices.interfaces[1].macAddress');
    assert.equal(pool.holdersOf(m('02:00:00:00:00:50')).length, 0, 'a failed request holds nothing');
  });

  it('lets a holder in an opted-out namespace not count against a request', () => {
    const pool = new MacPool(range('02:00:00:00:00:00', '02:00:00:00:00:ff'));
    pool.hold('ignored/old', [m('02:00:00:00:00:07')]);
    const o = vm([{ ...masq, macAddress: '02:00:00:00:00:07' }], [pod]);
    assert.deepEqual(allocateVmMacs(pool, { vm: o, old: undefined, owner: 'ns/vm1', counts: (h) => !h.startsWith('ignored/'), dryRun: false }), [m('02:00:00:00:00:07')]);
  });

  it('skips held MACs and the reserved one, moves on past released ones, and says when the range is full', () => {
    const reserved = m('02:00:00:00:00:00');
    const pool = new MacPool(range('02:00:00:00:00:00', '02:00:00:00:00:03'), new Set([reserved]));
    pool.hold('ns/x', [m('02:00:00:00:00:01')]);
    const a = vm([masq, flatIf], [pod, flatNet], 'a');
    allocate(pool, a);
    assert.deepEqual(macsOf(a), ['02:00:00:00:00:02', '02:00:00:00:00:03']);
    const full = failure(() => allocate(pool, vm([masq], [pod], 'b')));
    assert.equal(full.message, RANGE_FULL);
    assert.equal(full.field, 'spec.template.spec.domain.devices.interfaces[0].macAddress');
    pool.release('ns/x', [m('02:00:00:00:00:01')]);
    pool.release('ns/a', [m('02:00:00:00:00:03')]);
    const c = vm([masq], [pod], 'c');
    allocate(pool, c);
    assert.deepEqual(macsOf(c), ['02:00:00:00:00:01'], 'the cursor wrapped past the end, skipping the reserved MAC');
    const d = vm([masq], [pod], 'd');
    allocate(pool, d);
    assert.deepEqual(macsOf(d), ['02:00:00:00:00:03']);
  });

  it('a dry run decides without moving the cursor (and the caller holds nothing)', () => {
    const pool = new MacPool(range('02:00:00:00:00:00', '02:00:00:00:00:ff'));
    const dry = vm([masq], [pod]);
    allocate(pool, dry, undefined, true);
    const real = vm([masq], [pod]);
    allocate(pool, real);
    assert.deepEqual([macsOf(dry), macsOf(real)], [['02:00:00:00:00:00'], ['02:00:00:00:00:00']]);
  });

  it('on update keeps each interface\'s MAC, allocates for new ones, and checks changed requests only', () => {
    const pool = new MacPool(range('02:00:00:00:00:00', '02:00:00:00:00:ff'));
    const old = vm([masq], [pod]);
    allocate(pool, old);
    pool.hold('ns/other', [m('02:00:00:00:00:00')]); // a duplicate from before: it does not block the owner's updates
    const next = vm([masq, flatIf], [pod, flatNet]);
    const macs = allocate(pool, next, old);
    assert.deepEqual(macsOf(next), ['02:00:00:00:00:00', '02:00:00:00:00:01']);
    assert.deepEqual(macs.map(formatMac), ['02:00:00:00:00:00', '02:00:00:00:00:01']);
    pool.hold('ns/vm9', [m('02:00:00:00:00:99')]);
    const steal = vm([masq, { ...flatIf, macAddress: '02:00:00:00:00:99' }], [pod, flatNet]);
    assert.equal(failure(() => allocate(pool, steal, next)).message, REQUESTED_MAC_TAKEN);
  });

  it('hands out thousands of distinct MACs quickly', () => {
    const pool = new MacPool(range('02:12:34:00:00:00', '02:12:34:ff:ff:ff'));
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const o = vm([masq, flatIf], [pod, flatNet], `v${i}`);
      allocate(pool, o);
      for (const mac of macsOf(o)) seen.add(mac!);
    }
    assert.equal(seen.size, 10000);
    assert.equal(pool.size, 10000);
  });
});

describe('the range (cluster-network-addons-operator rules)', () => {
  it('needs both ends or neither', () => {
    for (const cfg of [{ start: '02:00:00:00:00:00', end: '' }, { start: '', end: '02:00:00:ff:ff:ff' }, { start: '', end: '' }]) {
      assert.throws(() => parseMacRange(cfg), { message: 'both or none of the KubeMacPool ranges needs to be configured' });
    }
  });
  it('refuses malformed, reversed and multicast ranges in CNAO\'s words', () => {
    assert.throws(() => parseMacRange({ start: 'foo', end: '02:00:00:ff:ff:ff' }), { message: 'failed to parse rangeStart because the mac address is invalid' });
    assert.throws(() => parseMacRange({ start: '02:00:00:00:00:00', end: '02:00:00:ff:ff' }), { message: 'failed to parse rangeEnd because the mac address is invalid' });
    assert.throws(() => parseMacRange({ start: '02:00:00:00:00:10', end: '02:00:00:00:00:10' }), /Range end is lesser than or equal to its start/);
    assert.throws(() => parseMacRange({ start: '03:00:00:00:00:00', end: '03:00:00:00:00:ff' }), { message: 'failed to set RangeStart: invalid mac address. Multicast addressing is not supported. Unicast addressing must be used. The first octet is 0X03' });
    assert.deepEqual(parseMacRange({ start: '02:00:00:00:00:00', end: '02:FF:FF:FF:FF:FF' }), range('02:00:00:00:00:00', '02:ff:ff:ff:ff:ff'));
  });
  it('reads --mac-range START-END, dashes inside MACs included', () => {
    assert.deepEqual(parseMacRangeFlag('02:00:00:00:00:00-02:00:00:ff:ff:ff'), { start: '02:00:00:00:00:00', end: '02:00:00:ff:ff:ff' });
    assert.deepEqual(parseMacRangeFlag('02-00-00-00-00-00-02-00-00-FF-FF-FF'), { start: '02-00-00-00-00-00', end: '02-00-00-FF-FF-FF' });
    assert.deepEqual(parseMacRangeFlag('02:00:00:00:00:00-'), { start: '02:00:00:00:00:00', end: '' });
    assert.deepEqual(parseMacRangeFlag('02:00:00:00:00:00'), { start: '02:00:00:00:00:00', end: '' });
    assert.deepEqual(parseMacRangeFlag('x-y'), { start: 'x', end: 'y' });
  });
  it('generates 02:XX:XX:00:00:00–02:XX:XX:ff:ff:ff', () => {
    assert.deepEqual(randomMacRange(new Uint8Array([0xab, 0x01])), { start: '02:ab:01:00:00:00', end: '02:ab:01:ff:ff:ff' });
  });
});

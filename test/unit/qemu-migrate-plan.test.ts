import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { incomingLaunch, parseMigrateStatus } from '../../src/runtime/qemu/migrate-plan.js';
import { renderQemuArgv } from '../../src/runtime/qemu/qemu-argv.js';
import type { NicLaunch, VmLaunch } from '../../src/runtime/runtime.js';

const nic = (name: string, mac: string, bridge: string, over: Partial<NicLaunch> = {}): NicLaunch => ({
  name, mac, model: 'virtio', hostIfName: `t-${name}`, bridge, ip: { mode: 'dhcp' }, ...over,
});
const source: VmLaunch = {
  id: 'vm1', hostNetns: 'vn-x-a', hostname: 'h', memoryMiB: 256, cpus: 1, disk: { kind: 'builtin' },
  nics: [nic('a', '02:00:00:00:00:01', 'bra'), nic('b', '02:00:00:00:00:02', 'bra')],
};

describe('incomingLaunch', () => {
  test('takes the target NICs in the source order, everything else from the source', () => {
    const l = incomingLaunch(source, [], { hostNetns: 'vn-x-b', nics: [nic('b', '02:00:00:00:00:02', 'brb'), nic('a', '02:00:00:00:00:01', 'brb')] });
    assert.equal(l.hostNetns, 'vn-x-b');
    assert.deepEqual(l.nics.map((n) => [n.name, n.bridge]), [['a', 'brb'], ['b', 'brb']]);
    assert.equal(l.memoryMiB, 256);
  });
  const refusals: Array<[string, NicLaunch[], NicLaunch[], RegExp]> = [
    ['a missing NIC', [nic('a', '02:00:00:00:00:01', 'brb')], [], /no NIC b/],
    ['another MAC', [nic('a', '02:00:00:00:00:09', 'brb'), nic('b', '02:00:00:00:00:02', 'brb')], [], /MAC/],
    ['another model', [nic('a', '02:00:00:00:00:01', 'brb', { model: 'e1000' }), nic('b', '02:00:00:00:00:02', 'brb')], [], /e1000/],
    ['an extra NIC', [...source.nics, nic('c', '02:00:00:00:00:03', 'brb')], [], /lacks: c/],
    ['hot-plugged NICs', source.nics, [nic('h', '02:00:00:00:00:04', 'bra')], /hot-plugged/],
  ];
  for (const [what, nics, hot, re] of refusals) {
    test(`refuses ${what}`, () => assert.throws(() => incomingLaunch(source, hot, { hostNetns: 'vn-x-b', nics }), re));
  }
});

describe('parseMigrateStatus', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['nothing yet', {}, { state: 'running', status: 'none' }],
    ['active', { status: 'active', ram: { transferred: 1234 } }, { state: 'running', status: 'active', transferredBytes: 1234 }],
    ['device phase', { status: 'device' }, { state: 'running', status: 'device' }],
    ['completed', { status: 'completed', 'total-time': 300, downtime: 12 }, { state: 'completed', totalMs: 300, downtimeMs: 12 }],
    ['failed', { status: 'failed', 'error-desc': 'socket closed' }, { state: 'failed', reason: 'socket closed' }],
    ['cancelled', { status: 'cancelled' }, { state: 'failed', reason: 'cancelled' }],
  ];
  for (const [what, input, want] of cases) test(what, () => assert.deepEqual(parseMigrateStatus(input), want));
  test('rejects a non-object', () => assert.throws(() => parseMigrateStatus('x'), /not an object/));
});

describe('renderQemuArgv with incoming', () => {
  const files = { consoleSock: '/s/c', qmpSock: '/s/q', qgaSock: '/s/g', pidFile: '/s/p', log: '/s/l', seedIso: '/s/i' };
  const input = { launch: source, files, accelerator: 'tcg' as const, processName: 'vn-x-vm1', image: { kernel: '/k', initrd: '/i' } };
  test('adds -incoming before daemonizing', () => {
    const argv = renderQemuArgv({ ...input, incoming: 'unix:/s/migrate.sock' });
    assert.deepEqual(argv.slice(argv.indexOf('-incoming'), argv.indexOf('-incoming') + 2), ['-incoming', 'unix:/s/migrate.sock']);
  });
  test('refuses anything but an absolute unix socket', () => {
    for (const bad of ['tcp:0:4444', 'unix:rel', 'unix:/a,b', 'exec:sh']) assert.throws(() => renderQemuArgv({ ...input, incoming: bad }), /unix/);
  });
  test('a normal start has no -incoming', () => assert.equal(renderQemuArgv(input).includes('-incoming'), false));
});

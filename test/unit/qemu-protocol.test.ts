// QMP and guest-agent line protocols: reply classification, framing, guest-sync matching, and the shapes of
// qemu-ga's guest-network-get-interfaces and guest-exec-status as the runtime reports them; also the
// NoCloud seed's files and why a stopped VM stopped.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LineBuffer, isSyncReply, parseExecPid, parseExecStatus, parseGuestInterfaces, parseReply, renderRequest,
} from '../../src/runtime/qemu/qemu-protocol.js';
import type { QemuReply } from '../../src/runtime/qemu/qemu-protocol.js';
import { seedFiles } from '../../src/runtime/qemu/nocloud-seed.js';
import { exitReasonFromLog } from '../../src/runtime/qemu/vm-files.js';

describe('QMP / QGA replies', () => {
  it('classifies every kind of line', () => {
    const table: Array<[string, QemuReply]> = [
      ['{"QMP": {"version": {}, "capabilities": ["oob"]}}', { kind: 'greeting' }],
      ['{"timestamp": {"seconds": 1, "microseconds": 2}, "event": "POWERDOWN"}', { kind: 'event', event: 'POWERDOWN' }],
      ['{"return": {}}', { kind: 'return', value: {} }],
      ['{"return": 42, "id": "x"}', { kind: 'return', value: 42, id: 'x' }],
      ['\u00ff{"return": 7}', { kind: 'return', value: 7 }],
      ['{"error": {"class": "GenericError", "desc": "Duplicate ID"}}', { kind: 'error', errorClass: 'GenericError', desc: 'Duplicate ID' }],
      ['{"error": {}}', { kind: 'error', errorClass: 'GenericError', desc: '' }],
      ['garbage', { kind: 'garbage', text: 'garbage' }],
      ['{"half": ', { kind: 'garbage', text: '{"half": ' }],
      ['{"neither": 1}', { kind: 'garbage', text: '{"neither": 1}' }],
    ];
    for (const [line, want] of table) assert.deepEqual(parseReply(line), want, line);
  });

  it('frames lines across chunks, CRLF or LF', () => {
    const b = new LineBuffer();
    assert.deepEqual(b.push(Buffer.from('{"a":')), []);
    assert.deepEqual(b.push(Buffer.from('1}\r\n{"b":2}\n{"c"')), ['{"a":1}', '{"b":2}']);
    assert.deepEqual(b.push(Buffer.from(':3}\n')), ['{"c":3}']);
    assert.deepEqual(b.push(Buffer.from([0xff, 0x7b, 0x7d, 0x0a])).map((l) => l.endsWith('{}')), [true]);
  });

  it('renders requests as one JSON line', () => {
    assert.equal(renderRequest('guest-ping'), '{"execute":"guest-ping"}\n');
    assert.equal(renderRequest('guest-sync-delimited', { id: 5 }), '{"execute":"guest-sync-delimited","arguments":{"id":5}}\n');
  });

  it('recognises only the sync reply with our id', () => {
    assert.equal(isSyncReply('\u00ff{"return": 123}', 123), true);
    assert.equal(isSyncReply('{"return": 122}', 123), false);
    assert.equal(isSyncReply('{"return": {"pid": 123}}', 123), false);
    assert.equal(isSyncReply('{"error": {"class": "x"}}', 123), false);
  });
});

describe('guest-network-get-interfaces', () => {
  it('drops loopback and link-local IPv6, puts IPv4 first, lowercases MACs', () => {
    const reply = [
      { name: 'lo', 'hardware-address': '00:00:00:00:00:00', 'ip-addresses': [{ 'ip-address-type': 'ipv4', 'ip-address': '127.0.0.1', prefix: 8 }] },
      {
        name: 'eth0', 'hardware-address': '02:AA:00:00:00:01', statistics: {}, 'ip-addresses': [
          { 'ip-address-type': 'ipv6', 'ip-address': 'fe80::aa:ff:fe00:1', prefix: 64 },
          { 'ip-address-type': 'ipv6', 'ip-address': 'fd00::5', prefix: 64 },
          { 'ip-address-type': 'ipv4', 'ip-address': '10.0.2.2', prefix: 24 },
          { 'ip-address-type': 'ipv4', 'ip-address': '10.0.3.2', prefix: 24 },
        ],
      },
      { name: 'eth1', 'hardware-address': '02:aa:00:00:00:02' },
      { name: 'sit0' },
    ];
    assert.deepEqual(parseGuestInterfaces(reply), [
      { name: 'eth0', mac: '02:aa:00:00:00:01', ipAddresses: ['10.0.2.2', '10.0.3.2', 'fd00::5'] },
      { name: 'eth1', mac: '02:aa:00:00:00:02', ipAddresses: [] },
    ]);
    assert.throws(() => parseGuestInterfaces({}), /not a list/);
  });
});

describe('guest-exec(-status)', () => {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  it('decodes exit codes, signals and output', () => {
    const table: Array<[unknown, ReturnType<typeof parseExecStatus>]> = [
      [{ exited: false }, { exited: false, exitCode: -1, stdout: '', stderr: '' }],
      [{ exited: true, exitcode: 0, 'out-data': b64('hé\n') }, { exited: true, exitCode: 0, stdout: 'hé\n', stderr: '' }],
      [{ exited: true, exitcode: 3, 'err-data': b64('oops\n') }, { exited: true, exitCode: 3, stdout: '', stderr: 'oops\n' }],
      [{ exited: true, signal: 9 }, { exited: true, exitCode: 137, stdout: '', stderr: '' }],
    ];
    for (const [v, want] of table) assert.deepEqual(parseExecStatus(v), want);
    assert.equal(parseExecPid({ pid: 4242 }), 4242);
    assert.throws(() => parseExecPid({}), /no pid/);
    assert.throws(() => parseExecStatus(null), /not an object/);
  });
});

describe('NoCloud seed and exit reasons', () => {
  it('writes meta-data from the launch and passes user-data and network-config through', () => {
    const base = { id: 'vm1', hostNetns: undefined, hostname: 'fedora01', nics: [], memoryMiB: 256, cpus: 1, disk: { kind: 'builtin' as const } };
    assert.deepEqual(seedFiles(base), { 'meta-data': 'instance-id: "vm1"\nlocal-hostname: "fedora01"\n', 'user-data': '#cloud-config\n' });
    assert.deepEqual(seedFiles({ ...base, cloudInit: { userData: '#cloud-config\nuser: x\n', networkData: 'version: 2\n' } }), {
      'meta-data': 'instance-id: "vm1"\nlocal-hostname: "fedora01"\n', 'user-data': '#cloud-config\nuser: x\n',
      'network-config': 'version: 2\n',
    });
  });

  it('explains why QEMU is gone', () => {
    assert.equal(exitReasonFromLog('', true), 'the guest powered off');
    assert.equal(exitReasonFromLog('qemu-system-x86_64: terminating on signal 15 from pid 9 (bash)\n', true),
      'QEMU was stopped: qemu-system-x86_64: terminating on signal 15 from pid 9 (bash)');
    assert.equal(exitReasonFromLog('qemu: x\nqemu: fatal: y\n\n', true), 'QEMU exited: qemu: fatal: y');
    assert.equal(exitReasonFromLog('', false), 'QEMU did not start');
    assert.equal(exitReasonFromLog('could not open tap\n', false), 'QEMU did not start: could not open tap');
  });
});

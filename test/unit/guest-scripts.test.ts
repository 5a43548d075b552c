// The built-in guest's awk scripts run by the host's busybox awk (the guest's awk is busybox too): the
// guest agent's request handling and the cloud-config reader. Skipped when busybox is not installed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/runtime/image/paths.js';

const busybox = spawnSync('busybox', ['awk', 'BEGIN{}']).status === 0;
const skip = busybox ? false : 'busybox is not installed';
const scripts = join(repoRoot(), 'guest', 'rootfs', 'usr', 'share', 'virtnet');

function qga(request: string | Buffer): Buffer {
  const r = spawnSync('busybox', ['awk', '-f', join(scripts, 'qga.awk')], { input: Buffer.concat([Buffer.from(request), Buffer.from('\n')]) });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout;
}
const qgaJson = (request: string): unknown => JSON.parse(qga(request).toString('utf8'));

describe('guest agent (qga.awk)', { skip }, () => {
  it('answers guest-sync with the id as sent, and guest-sync-delimited after 0xFF', () => {
    assert.deepEqual(qgaJson('{"execute":"guest-sync","arguments":{"id":1234567890123}}'), { return: 1234567890123 });
    const delimited = qga(Buffer.concat([Buffer.from([0xff]), Buffer.from('{"execute": "guest-sync-delimited", "arguments": {"id": 42}}')]));
    assert.equal(delimited[0], 0xff);
    assert.deepEqual(JSON.parse(delimited.subarray(1).toString('utf8')), { return: 42 });
  });

  it('answers guest-ping and guest-info, echoing a request id (strings unescaped and re-escaped)', () => {
    assert.deepEqual(qgaJson('{"execute":"guest-ping","id":"a\\"b\\\\c\\u00e9"}'), { return: {}, id: 'a"b\\cé' });
    const info = qgaJson('{"execute":"guest-info"}') as { return: { supported_commands: Array<{ name: string; 'success-response': boolean }> } };
    assert.deepEqual(info.return.supported_commands.map((c) => c.name), [
      'guest-sync', 'guest-sync-delimited', 'guest-ping', 'guest-info', 'guest-network-get-interfaces', 'guest-exec',
      'guest-exec-status', 'guest-shutdown',
    ]);
    assert.equal(info.return.supported_commands.find((c) => c.name === 'guest-shutdown')?.['success-response'], false);
  });

  it('reports unknown commands and bad JSON the way qemu-ga does', () => {
    assert.deepEqual(qgaJson('{"execute":"guest-fsfreeze-freeze","arguments":{"nested":[1,{"a":[true,null,-1.5e3]}]}}'),
      { error: { class: 'CommandNotFound', desc: 'The command guest-fsfreeze-freeze has not been found' } });
    assert.deepEqual(qgaJson('{"execute":'), { error: { class: 'GenericError', desc: 'Invalid JSON syntax' } });
    assert.deepEqual(qgaJson('{"arguments":{}}'), { error: { class: 'GenericError', desc: "Expected 'execute' in QMP input" } });
    assert.equal(qga('').length, 0, 'an empty line is no request');
  });

  it('refuses guest-exec-status for an unknown pid', () => {
    assert.deepEqual(qgaJson('{"execute":"guest-exec-status","arguments":{"pid":987654321}}'),
      { error: { class: 'GenericError', desc: "Invalid parameter 'pid'" } });
  });
});

describe('cloud-config reader (yaml-get.awk)', { skip }, () => {
  const get = (key: string, yaml: string): string => {
    const r = spawnSync('busybox', ['awk', '-v', `key=${key}`, '-f', join(scripts, 'yaml-get.awk')], { input: yaml, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  };
  const doc = [
    '#cloud-config', 'user: fedora', 'password: "s3cr3t \\"quoted\\" pw" # comment', "hostname: 'it''s'",
    'chpasswd: { expire: False }', 'users:', '  - name: nested', 'fqdn: host.example.com   ', 'user: second',
  ].join('\n');

  it('reads top-level scalars, unquoting, first occurrence only', () => {
    const table: Array<[string, string]> = [
      ['user', 'fedora\n'], ['password', 's3cr3t "quoted" pw\n'], ['hostname', "it's\n"], ['fqdn', 'host.example.com\n'],
      ['name', ''], ['missing', ''],
    ];
    for (const [key, want] of table) assert.equal(get(key, doc), want, key);
    assert.equal(get('local-hostname', 'instance-id: "vm1"\nlocal-hostname: "fedora01"\n'), 'fedora01\n');
  });
});

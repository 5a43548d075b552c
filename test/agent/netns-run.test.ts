// run() in a named namespace, on the kernel: sysctl and nft enter only its network namespace (nsenter
// --net), and what they change is that namespace's, not the host's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { run, CommandError } from '../../src/agent/netns.js';

const NS = `vn-t${randomBytes(3).toString('hex')}-run`;

describe('run() in a namespace (nsenter --net for sysctl and nft)', () => {
  before(() => execFileSync('ip', ['netns', 'add', NS]));
  after(() => execFileSync('ip', ['netns', 'del', NS]));

  it('sysctl writes the namespace\'s value and leaves the host\'s', async () => {
    const host = readFileSync('/proc/sys/net/ipv4/conf/all/forwarding', 'utf8');
    const want = host.trim() === '1' ? '0' : '1';
    await run('sysctl', ['-q', '-w', `net.ipv4.conf.all.forwarding=${want}`], { netns: NS });
    assert.equal(execFileSync('ip', ['netns', 'exec', NS, 'cat', '/proc/sys/net/ipv4/conf/all/forwarding'], { encoding: 'utf8' }).trim(), want);
    assert.equal(readFileSync('/proc/sys/net/ipv4/conf/all/forwarding', 'utf8'), host, 'the host\'s value is untouched');
  });

  it('nft tables land in the namespace', async () => {
    await run('nft', ['-f', '-'], { netns: NS, input: 'table inet vn_run_test {\n}\n' });
    assert.match(execFileSync('ip', ['netns', 'exec', NS, 'nft', 'list', 'tables'], { encoding: 'utf8' }), /table inet vn_run_test/);
  });

  it('a namespace that does not exist is a clear error', async () => {
    await assert.rejects(run('sysctl', ['-q', 'net.ipv4.ip_forward'], { netns: `${NS}-missing` }),
      (e: unknown) => e instanceof CommandError && /nsenter --net=\/run\/netns\/.*-missing sysctl/.test(e.message));
  });
});

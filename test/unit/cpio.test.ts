// The initramfs cpio writer: exact bytes of a tiny archive (hand-computed newc headers), ordering helpers,
// refusals, and the host's GNU cpio reading what we wrote (skipped when cpio is not installed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { type CpioEntry, missingParents, writeCpio } from '../../src/runtime/image/cpio.js';

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, '0');
function header(f: { ino: number; mode: number; nlink: number; size: number; rdev?: [number, number]; name: string }): string {
  const fields = [f.ino, f.mode, 0, 0, f.nlink, 0, f.size, 0, 0, f.rdev?.[0] ?? 0, f.rdev?.[1] ?? 0, f.name.length + 1, 0];
  return `070701${fields.map(hex8).join('')}${f.name}\0`;
}
const pad = (s: string): string => s + '\0'.repeat((4 - (s.length % 4)) % 4);

describe('cpio newc writer', () => {
  it('writes the exact bytes of a file entry and the trailer', () => {
    const out = writeCpio([{ kind: 'file', path: '/init', data: Buffer.from('hi\n'), mode: 0o755 }]);
    const expected = pad(header({ ino: 1, mode: 0o100755, nlink: 1, size: 3, name: 'init' })) + pad('hi\n')
      + pad(header({ ino: 0, mode: 0, nlink: 1, size: 0, name: 'TRAILER!!!' }));
    assert.equal(out.toString('latin1'), expected);
    assert.equal(out.length, 244);
  });

  it('encodes directories, symlinks (target as data) and device nodes', () => {
    const out = writeCpio([
      { kind: 'dir', path: 'dev' },
      { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
      { kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
    ], { mtime: 0 }).toString('latin1');
    const expected = pad(header({ ino: 1, mode: 0o40755, nlink: 2, size: 0, name: 'dev' }))
      + pad(header({ ino: 2, mode: 0o20600, nlink: 1, size: 0, rdev: [5, 1], name: 'dev/console' }))
      + pad(header({ ino: 3, mode: 0o120777, nlink: 1, size: 12, name: 'bin/sh' })) + pad('/bin/busybox')
      + pad(header({ ino: 0, mode: 0, nlink: 1, size: 0, name: 'TRAILER!!!' }));
    assert.equal(out, expected);
  });

  it('is deterministic and stamps the given mtime', () => {
    const entries: CpioEntry[] = [{ kind: 'file', path: 'a', data: Buffer.from('x') }];
    assert.deepEqual(writeCpio(entries), writeCpio(entries));
    assert.equal(writeCpio(entries, { mtime: 0x5f5e100 }).toString('latin1').slice(6 + 5 * 8, 6 + 6 * 8), '05F5E100');
  });

  it('refuses duplicate and escaping paths', () => {
    assert.throws(() => writeCpio([{ kind: 'dir', path: 'a' }, { kind: 'dir', path: '/a/' }]), /duplicate path a/);
    for (const p of ['', '/', 'a/../b', './a', 'a//b']) {
      assert.throws(() => writeCpio([{ kind: 'dir', path: p }]), /bad path/, p);
    }
  });

  it('lists missing parent directories, shallow first', () => {
    assert.deepEqual(missingParents(['usr/share/virtnet/qga.awk', 'usr/bin/awk', 'init', 'usr']),
      ['usr/bin', 'usr/share', 'usr/share/virtnet']);
    assert.deepEqual(missingParents(['a/b/c']), ['a', 'a/b']);
  });

  const cpio = spawnSync('cpio', ['--version']).status === 0;
  it('reads back with GNU cpio', { skip: cpio ? false : 'cpio is not installed' }, () => {
    const archive = writeCpio([
      { kind: 'dir', path: 'etc' },
      { kind: 'file', path: 'etc/shadow', data: Buffer.from('root:*:1:0:99999:7:::\n'), mode: 0o600 },
      { kind: 'file', path: 'bin/busybox', data: Buffer.alloc(1000, 7), mode: 0o4755 },
      { kind: 'symlink', path: 'bin/sh', target: '/bin/busybox' },
      { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    ]);
    const r = spawnSync('cpio', ['-t', '-v', '--quiet'], { input: archive, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' '));
    assert.equal(lines.length, 5);
    assert.match(lines[0]!, /^drwxr-xr-x 2 root root 0 .* etc$/);
    assert.match(lines[1]!, /^-rw------- 1 root root 22 .* etc\/shadow$/);
    assert.match(lines[2]!, /^-rwsr-xr-x 1 root root 1000 .* bin\/busybox$/);
    assert.match(lines[3]!, /^lrwxrwxrwx 1 root root 12 .* bin\/sh -> \/bin\/busybox$/);
    assert.match(lines[4]!, /^crw------- 1 root root 5, 1 .* dev\/console$/);
  });
});

// The pure parts of the guest image build: module facts from ELF .modinfo, load order, apt's answers, the
// bzImage payload and the PVH note. ELF and bzImage inputs are synthesized here byte by byte.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { debFileName, kernelDependency, parseAptShow } from '../../src/runtime/image/apt.js';
import { bzImagePayload, hasPvhEntry } from '../../src/runtime/image/bzimage.js';
import { loadOrder, moduleDepends, moduleName, readModinfo } from '../../src/runtime/image/kmod.js';

/** An ELF64 with the given sections (plus null and .shstrtab), section headers at the end. */
function elfWithSections(sections: Array<[string, Buffer]>): Buffer {
  const names = ['', ...sections.map(([n]) => n), '.shstrtab'];
  const shstr = Buffer.from(`${names.join('\0')}\0`);
  const nameOff = (i: number): number => names.slice(0, i).reduce((a, n) => a + n.length + 1, 0);
  const bodies = [...sections.map(([, b]) => b), shstr];
  let off = 64;
  const offsets = bodies.map((b) => { const o = off; off += b.length; return o; });
  const shoff = off;
  const shnum = bodies.length + 1;
  const head = Buffer.alloc(64);
  head.writeUInt32BE(0x7f454c46, 0);
  head[4] = 2;
  head[5] = 1;
  head.writeBigUInt64LE(BigInt(shoff), 0x28);
  head.writeUInt16LE(64, 0x3a);
  head.writeUInt16LE(shnum, 0x3c);
  head.writeUInt16LE(shnum - 1, 0x3e);
  const shdrs = Buffer.alloc(64 * shnum);
  bodies.forEach((b, i) => {
    const at = 64 * (i + 1);
    shdrs.writeUInt32LE(nameOff(i + 1), at);
    shdrs.writeBigUInt64LE(BigInt(offsets[i]!), at + 0x18);
    shdrs.writeBigUInt64LE(BigInt(b.length), at + 0x20);
  });
  return Buffer.concat([head, ...bodies, shdrs]);
}

/** An ELF64 with one PT_NOTE segment holding the given notes. */
function elfWithNotes(notes: Array<[string, number]>): Buffer {
  const body = Buffer.concat(notes.map(([name, type]) => {
    const n = Buffer.from(`${name}\0`);
    const h = Buffer.alloc(12);
    h.writeUInt32LE(n.length, 0);
    h.writeUInt32LE(4, 4);
    h.writeUInt32LE(type, 8);
    return Buffer.concat([h, n, Buffer.alloc((4 - (n.length % 4)) % 4), Buffer.alloc(4)]);
  }));
  const head = Buffer.alloc(64);
  head.writeUInt32BE(0x7f454c46, 0);
  head[4] = 2;
  head[5] = 1;
  head.writeBigUInt64LE(64n, 0x20);
  head.writeUInt16LE(56, 0x36);
  head.writeUInt16LE(1, 0x38);
  const ph = Buffer.alloc(56);
  ph.writeUInt32LE(4, 0);
  ph.writeBigUInt64LE(120n, 8);
  ph.writeBigUInt64LE(BigInt(body.length), 32);
  return Buffer.concat([head, ph, body]);
}

describe('kernel modules', () => {
  it('reads depends= from .modinfo', () => {
    const ko = elfWithSections([
      ['.text', Buffer.from('code')],
      ['.modinfo', Buffer.from('license=GPL\0depends=virtio,virtio_ring,net-failover\0name=virtio_net\0vermagic=6.1.0 SMP\0')],
    ]);
    const info = readModinfo(ko);
    assert.deepEqual(info.find(([k]) => k === 'name'), ['name', 'virtio_net']);
    assert.deepEqual(moduleDepends(info), ['virtio', 'virtio_ring', 'net_failover']);
    assert.deepEqual(moduleDepends(readModinfo(elfWithSections([['.modinfo', Buffer.from('depends=\0')]]))), []);
    assert.throws(() => readModinfo(elfWithSections([['.text', Buffer.from('x')]])), /no .modinfo/);
    assert.throws(() => readModinfo(Buffer.from('not an elf at all, clearly not one, no no no no no no no no no no')), /not an ELF/);
  });

  it('names modules the kernel way', () => {
    assert.equal(moduleName('kernel/drivers/net/net-failover.ko.xz'), 'net_failover');
    assert.equal(moduleName('virtio_pci.ko'), 'virtio_pci');
    assert.equal(moduleName('isofs.ko.zst'), 'isofs');
  });

  it('orders dependencies first, each module once', () => {
    const deps: Record<string, string[]> = {
      virtio_net: ['net_failover', 'virtio', 'virtio_ring'], net_failover: ['failover'], failover: [],
      virtio: [], virtio_ring: [], virtio_pci: ['virtio_pci_modern_dev', 'virtio', 'virtio_ring'], virtio_pci_modern_dev: [],
    };
    assert.deepEqual(loadOrder(['virtio_pci', 'virtio-net'], (n) => deps[n]),
      ['virtio_pci_modern_dev', 'virtio', 'virtio_ring', 'virtio_pci', 'failover', 'net_failover', 'virtio_net']);
    assert.throws(() => loadOrder(['virtio_net'], (n) => (n === 'virtio_net' ? ['ghost'] : undefined)), /ghost not found .*needed by virtio_net/);
    assert.throws(() => loadOrder(['a'], (n) => ({ a: ['b'], b: ['a'] } as Record<string, string[]>)[n]), /cycle: a -> b -> a/);
  });
});

describe('apt answers', () => {
  const show = [
    'Package: linux-image-amd64', 'Source: linux-signed-amd64 (6.1.192+3)', 'Version: 6.1.192-3', 'Architecture: amd64',
    'Depends: linux-image-6.1.0-57-amd64 (= 6.1.192-3)', 'Description: Linux for 64-bit PCs (meta-package)', '',
    'Package: busybox-static', 'Version: 1:1.35.0-4+deb12u1+b1', 'Architecture: amd64', '',
  ].join('\n');

  it('reads candidate stanzas and the versioned kernel package', () => {
    const [meta, bb] = parseAptShow(show);
    assert.deepEqual(meta, { name: 'linux-image-amd64', version: '6.1.192-3', architecture: 'amd64', depends: 'linux-image-6.1.0-57-amd64 (= 6.1.192-3)' });
    assert.deepEqual(kernelDependency(meta!), { name: 'linux-image-6.1.0-57-amd64', version: '6.1.192-3' });
    assert.deepEqual(kernelDependency({ ...meta!, depends: 'initramfs-tools | linux-initramfs-tool, linux-image-6.12.48+deb13-amd64 (= 6.12.48-1)' }),
      { name: 'linux-image-6.12.48+deb13-amd64', version: '6.12.48-1' });
    assert.deepEqual(kernelDependency({ ...meta!, depends: 'linux-image-6.1.0-57-amd64' }), { name: 'linux-image-6.1.0-57-amd64' });
    assert.throws(() => kernelDependency({ ...meta!, depends: 'foo' }), /depends on no linux-image/);
    assert.equal(debFileName(bb!), 'busybox-static_1%3a1.35.0-4+deb12u1+b1_amd64.deb');
    assert.throws(() => parseAptShow('Package: x\nArchitecture: amd64\n'), /no Version field/);
  });
});

describe('bzImage and PVH', () => {
  it('finds the compressed payload through the setup header', () => {
    const bz = Buffer.alloc(2048);
    bz[0x1f1] = 1; // setup sectors: protected-mode code at (1 + 1) * 512
    bz.write('HdrS', 0x202, 'latin1');
    bz.writeUInt16LE(0x020f, 0x206);
    bz.writeUInt32LE(16, 0x248);
    bz.writeUInt32LE(8, 0x24c);
    Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]).copy(bz, 1024 + 16);
    const p = bzImagePayload(bz);
    assert.equal(p.format, 'xz');
    assert.deepEqual([...p.data], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]);
    bz[1024 + 16] = 0x1f;
    bz[1024 + 17] = 0x8b;
    assert.equal(bzImagePayload(bz).format, 'gzip');
    bz.write('Nope', 0x202, 'latin1');
    assert.throws(() => bzImagePayload(bz), /not a bzImage/);
  });

  it('detects the Xen PHYS32_ENTRY note', () => {
    assert.equal(hasPvhEntry(elfWithNotes([['GNU', 3], ['Xen', 18]])), true);
    assert.equal(hasPvhEntry(elfWithNotes([['Xen', 6], ['Linux', 18]])), false);
    assert.equal(hasPvhEntry(Buffer.from('MZ not elf')), false);
  });
});

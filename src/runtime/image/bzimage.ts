// Why the guest boots an uncompressed kernel: under TCG (software emulation) the bzImage's own xz
// decompressor costs 3 to 6 seconds of every boot. QEMU boots an uncompressed vmlinux directly through the
// PVH entry point (an ELF note the Debian kernel carries, CONFIG_PVH=y), so the build extracts the payload once.

export type PayloadFormat = 'xz' | 'gzip' | 'zstd' | 'lzma' | 'lz4' | 'bzip2' | 'lzo';

const MAGICS: Array<[PayloadFormat, number[]]> = [
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['lz4', [0x02, 0x21, 0x4c, 0x18]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['lzo', [0x89, 0x4c, 0x5a, 0x4f]],
  ['lzma', [0x5d, 0x00, 0x00]],
];

/** The compressed kernel inside a bzImage, located by the boot protocol's setup header (payload_offset/length). */
export function bzImagePayload(bz: Uint8Array): { format: PayloadFormat; data: Buffer } {
  const buf = Buffer.from(bz.buffer, bz.byteOffset, bz.byteLength);
  if (buf.length < 0x250 || buf.toString('latin1', 0x202, 0x206) !== 'HdrS') throw new Error('not a bzImage (no HdrS setup header)');
  if (buf.readUInt16LE(0x206) < 0x208) throw new Error('bzImage boot protocol older than 2.08: no payload fields');
  const setupSects = buf[0x1f1] === 0 ? 4 : buf[0x1f1]!;
  const start = (setupSects + 1) * 512 + buf.readUInt32LE(0x248);
  const length = buf.readUInt32LE(0x24c);
  if (start + length > buf.length) throw new Error('bzImage payload out of bounds');
  const data = buf.subarray(start, start + length);
  for (const [format, magic] of MAGICS) {
    if (magic.every((b, i) => data[i] === b)) return { format, data };
  }
  throw new Error(`unknown bzImage payload compression (first bytes ${data.subarray(0, 6).toString('hex')})`);
}

const XEN_ELFNOTE_PHYS32_ENTRY = 18;

/** True when an ELF64 kernel has the Xen PHYS32_ENTRY note: the PVH entry point QEMU's -kernel uses. */
export function hasPvhEntry(elf: Uint8Array): boolean {
  const buf = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false;
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + 56 > buf.length || buf.readUInt32LE(ph) !== 4 /* PT_NOTE */) continue;
    const off = Number(buf.readBigUInt64LE(ph + 8));
    const end = off + Number(buf.readBigUInt64LE(ph + 32));
    for (let p = off; p + 12 <= end && end <= buf.length;) {
      const namesz = buf.readUInt32LE(p);
      const descsz = buf.readUInt32LE(p + 4);
      const type = buf.readUInt32LE(p + 8);
      const name = buf.toString('latin1', p + 12, p + 12 + Math.max(0, namesz - 1));
      if (name === 'Xen' && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
      p += 12 + Math.ceil(namesz / 4) * 4 + Math.ceil(descsz / 4) * 4;
    }
  }
  return false;
}

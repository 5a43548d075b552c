// Kernel module facts the guest image needs, read from the modules themselves: Debian's kernel package ships
// no modules.dep (depmod writes it at install time, and we never install the package), but every .ko carries
// its dependencies in the ELF `.modinfo` section (`depends=a,b`), which is what modinfo(8) prints.

/** `key=value` strings of the ELF64 `.modinfo` section of an uncompressed module; keys may repeat. */
export function readModinfo(elf: Uint8Array): Array<[string, string]> {
  const buf = Buffer.from(elf.buffer, elf.byteOffset, elf.byteLength);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file');
  if (buf[4] !== 2 || buf[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  const section = (i: number): { name: number; offset: number; size: number } => {
    const at = shoff + i * shentsize;
    if (at + 64 > buf.length) throw new Error('ELF section header out of bounds');
    return {
      name: buf.readUInt32LE(at),
      offset: Number(buf.readBigUInt64LE(at + 0x18)),
      size: Number(buf.readBigUInt64LE(at + 0x20)),
    };
  };
  const strtab = section(shstrndx);
  const nameOf = (off: number): string => {
    const start = strtab.offset + off;
    const end = buf.indexOf(0, start);
    return buf.toString('latin1', start, end < 0 ? strtab.offset + strtab.size : end);
  };
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (nameOf(s.name) !== '.modinfo') continue;
    return buf.toString('latin1', s.offset, s.offset + s.size).split('\0')
      .filter((kv) => kv.includes('='))
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]);
  }
  throw new Error('no .modinfo section: not a kernel module');
}

/** The module's dependencies by name (`depends=`), empty when it has none. */
export function moduleDepends(info: ReadonlyArray<[string, string]>): string[] {
  const v = info.find(([k]) => k === 'depends')?.[1] ?? '';
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '').map(moduleName);
}

/** Module names compare with `-` and `_` equal (the kernel does the same); we keep the `_` form. */
export function moduleName(fileOrName: string): string {
  const base = fileOrName.slice(fileOrName.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * The load order for `wanted` and everything they depend on: each module after its dependencies, wanted
 * modules in the order given. `depsOf` returns undefined for a module that does not exist (built-in
 * modules never appear in `depends=`, so a missing one is an error).
 */
export function loadOrder(wanted: readonly string[], depsOf: (name: string) => readonly string[] | undefined): string[] {
  const order: string[] = [];
  const done = new Set<string>();
  const visiting: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    if (visiting.includes(name)) throw new Error(`module dependency cycle: ${[...visiting, name].join(' -> ')}`);
    const deps = depsOf(name);
    if (deps === undefined) {
      const via = visiting.length > 0 ? ` (needed by ${visiting[visiting.length - 1]})` : '';
      throw new Error(`kernel module ${name} not found in the kernel package${via}`);
    }
    visiting.push(name);
    for (const d of deps) visit(d);
    visiting.pop();
    done.add(name);
    order.push(name);
  };
  for (const w of wanted) visit(moduleName(w));
  return order;
}

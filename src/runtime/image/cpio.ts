// A writer for the "newc" cpio format (the one the Linux kernel unpacks as an initramfs), so the guest image
// is built without depending on the host's cpio. Output is deterministic: inode numbers count up from 1 in
// entry order, and every entry carries the same mtime, so identical inputs give identical bytes (and hashes).

export type CpioEntry =
  | { kind: 'dir'; path: string; mode?: number }
  | { kind: 'file'; path: string; data: Uint8Array; mode?: number }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'chardev'; path: string; major: number; minor: number; mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;

export interface CpioOptions {
  /** Seconds since the epoch stamped on every entry (default 0). */
  mtime?: number;
}

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`cpio: field out of range: ${n}`);
  return n.toString(16).toUpperCase().padStart(8, '0');
}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

interface Header {
  ino: number;
  mode: number;
  nlink: number;
  mtime: number;
  size: number;
  rdevMajor: number;
  rdevMinor: number;
  name: string;
}

function header(h: Header): Buffer {
  const name = Buffer.from(`${h.name}\0`, 'utf8');
  const fields = [h.ino, h.mode, 0, 0, h.nlink, h.mtime, h.size, 0, 0, h.rdevMajor, h.rdevMinor, name.length, 0];
  const head = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return Buffer.concat([head, name, Buffer.alloc(pad4(head.length + name.length))]);
}

/** Paths are stored relative (`init`, `bin/sh`), as the kernel's initramfs unpacker expects. */
function normalizePath(p: string): string {
  const rel = p.replace(/^\/+/, '').replace(/\/+$/, '');
  if (rel === '' || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`cpio: bad path ${JSON.stringify(p)}`);
  }
  return rel;
}

/** The archive bytes for `entries`, in order, followed by the `TRAILER!!!` entry. */
export function writeCpio(entries: readonly CpioEntry[], opts: CpioOptions = {}): Buffer {
  const mtime = opts.mtime ?? 0;
  const parts: Buffer[] = [];
  const seen = new Set<string>();
  let ino = 0;
  for (const e of entries) {
    const name = normalizePath(e.path);
    if (seen.has(name)) throw new Error(`cpio: duplicate path ${name}`);
    seen.add(name);
    ino += 1;
    let data: Uint8Array = new Uint8Array(0);
    let mode: number;
    let nlink = 1;
    let rdevMajor = 0;
    let rdevMinor = 0;
    switch (e.kind) {
      case 'dir':
        mode = S_IFDIR | (e.mode ?? 0o755);
        nlink = 2;
        break;
      case 'file':
        mode = S_IFREG | (e.mode ?? 0o644);
        data = e.data;
        break;
      case 'symlink':
        mode = S_IFLNK | 0o777;
        data = Buffer.from(e.target, 'utf8');
        break;
      case 'chardev':
        mode = S_IFCHR | (e.mode ?? 0o600);
        rdevMajor = e.major;
        rdevMinor = e.minor;
        break;
    }
    parts.push(header({ ino, mode, nlink, mtime, size: data.length, rdevMajor, rdevMinor, name }));
    if (data.length > 0) {
      parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength), Buffer.alloc(pad4(data.length)));
    }
  }
  parts.push(header({ ino: 0, mode: 0, nlink: 1, mtime: 0, size: 0, rdevMajor: 0, rdevMinor: 0, name: 'TRAILER!!!' }));
  return Buffer.concat(parts);
}

/** Every parent directory of `paths` that is not itself listed, parents first (cpio needs them before children). */
export function missingParents(paths: readonly string[]): string[] {
  const listed = new Set(paths.map(normalizePath));
  const out: string[] = [];
  const added = new Set<string>();
  for (const p of paths) {
    const segs = normalizePath(p).split('/');
    for (let i = 1; i < segs.length; i++) {
      const dir = segs.slice(0, i).join('/');
      if (!listed.has(dir) && !added.has(dir)) {
        added.add(dir);
        out.push(dir);
      }
    }
  }
  return out.sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0));
}

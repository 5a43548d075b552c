// Where the built-in guest image and its inputs live. The cache is outside `dist/` so `make clean` keeps the
// downloads: `$VIRTNET_CACHE`, else `<repo>/.virtnet-cache` (gitignored).

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest directory above this module holding package.json (works from src/ and dist/). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'guest'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the virtnet repository root (package.json and guest/) above this module');
    dir = up;
  }
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['VIRTNET_CACHE'];
  return fromEnv !== undefined && fromEnv !== '' ? resolve(fromEnv) : join(repoRoot(), '.virtnet-cache');
}

export interface GuestImagePaths {
  /** Downloaded .deb files. */
  debs: string;
  /** The image: the kernel (`manifest.kernelFile`), `initrd.img`, `manifest.json`. */
  image: string;
  initrd: string;
  manifest: string;
  /** Files copied into the initramfs as they are. */
  rootfs: string;
}

export function guestImagePaths(cache: string = cacheDir()): GuestImagePaths {
  const image = join(cache, 'guest', 'image');
  return {
    debs: join(cache, 'guest', 'debs'),
    image,
    initrd: join(image, 'initrd.img'),
    manifest: join(image, 'manifest.json'),
    rootfs: join(repoRoot(), 'guest', 'rootfs'),
  };
}

export interface GuestImageManifest {
  /** sha256 over every input (packages, guest files, module list, builder version): the rebuild key. */
  inputsHash: string;
  kernelPackage: string;
  kernelVersion: string;
  /** `vmlinux`: uncompressed, booted through its PVH entry (fast under TCG); `vmlinuz`: the bzImage as shipped. */
  kernelFile: 'vmlinux' | 'vmlinuz';
  busyboxPackage: string;
  modules: string[];
  kernelSha256: string;
  initrdSha256: string;
  kernelBytes: number;
  initrdBytes: number;
  builtAt: string;
}

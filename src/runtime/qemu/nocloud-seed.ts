// The cloud-init NoCloud seed of a VM: an ISO 9660 volume labelled `cidata` holding meta-data, user-data and
// (optionally) network-config. Real cloud images read it with their own cloud-init; the built-in guest
// reads the few keys it understands (user, password, hostname).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../agent/netns.js';
import type { VmLaunch } from '../runtime.js';

export interface SeedFiles {
  'meta-data': string;
  'user-data': string;
  'network-config'?: string;
}

/** The seed's files for a launch (pure). */
export function seedFiles(launch: VmLaunch): SeedFiles {
  // JSON is valid YAML and quotes whatever the names hold.
  const files: SeedFiles = {
    'meta-data': `instance-id: ${JSON.stringify(launch.id)}\nlocal-hostname: ${JSON.stringify(launch.hostname)}\n`,
    'user-data': launch.cloudInit?.userData ?? '#cloud-config\n',
  };
  const net = launch.cloudInit?.networkData;
  if (net !== undefined && net !== '') files['network-config'] = net;
  return files;
}

/** Writes the files into `dir` and packs them into `iso` with genisoimage. */
export async function writeSeedIso(dir: string, iso: string, files: SeedFiles): Promise<void> {
  const names = Object.keys(files) as Array<keyof SeedFiles>;
  for (const n of names) await writeFile(join(dir, n), files[n] ?? '', { mode: 0o600 });
  await run('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', ...names.map((n) => join(dir, n))],
    { timeoutMs: 30_000 });
}

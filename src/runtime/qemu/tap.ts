// The host side of a qemu NIC: a persistent tap in the VM's launcher namespace, enslaved to the NIC's bridge.
// QEMU (started in the same namespace) attaches to it by name; we delete it after QEMU is gone.

import { CommandError, run } from '../../agent/netns.js';
import { checkIfName } from '../runtime.js';

export async function createTap(netns: string | undefined, name: string, bridge: string): Promise<void> {
  checkIfName(name);
  await run('ip', ['tuntap', 'add', 'dev', name, 'mode', 'tap'], { netns });
  try {
    await run('ip', ['link', 'set', 'dev', name, 'master', bridge, 'up'], { netns });
  } catch (e) {
    await deleteTap(netns, name);
    throw e;
  }
}

/** Deletes the tap; a tap (or namespace) that is already gone is fine. */
export async function deleteTap(netns: string | undefined, name: string): Promise<void> {
  try {
    await run('ip', ['link', 'del', 'dev', name], { netns });
  } catch (e) {
    if (e instanceof CommandError && /Cannot find device|does not exist|No such file or directory|Invalid netns/i.test(e.stderr)) return;
    throw e;
  }
}

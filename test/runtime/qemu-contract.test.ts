// The runtime contract (runtime-contract.ts) against the qemu runtime: two built-in-guest VMs under QEMU
// (KVM when the boot probe passes, else TCG). The guest image is built first if `make build` has not.
import { before } from 'node:test';
import { ensureGuestImage } from '../../src/runtime/image/guest-image-builder.js';
import { QemuRuntime } from '../../src/runtime/qemu/qemu-runtime.js';
import { runtimeContract } from './runtime-contract.js';
import { isRoot } from './test-network.js';

if (isRoot) before(() => ensureGuestImage({ log: (l) => console.log(`guest image: ${l}`) }));

runtimeContract('qemu', (opts) => new QemuRuntime(opts), {
  // Two guests booting at once under TCG on a busy 2-core host; idle, both have addresses in seconds.
  bootTimeoutMs: 120_000,
  consoleExpect: /login: $/m,
  graceMs: 5_000,
});

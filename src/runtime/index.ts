// The VM runtimes by kind.
import type { RuntimeKind, RuntimeOptions, VmRuntime } from './runtime.js';
import { NetnsRuntime } from './netns/netns-runtime.js';
import { QemuRuntime } from './qemu/qemu-runtime.js';

export type { RuntimeKind, RuntimeOptions, VmRuntime } from './runtime.js';

export function runtimeFor(kind: RuntimeKind, opts: RuntimeOptions): VmRuntime {
  switch (kind) {
    case 'netns': return new NetnsRuntime(opts);
    case 'qemu': return new QemuRuntime(opts);
  }
}

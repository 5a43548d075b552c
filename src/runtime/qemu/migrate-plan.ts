// Pure part of the qemu runtime's live migration: the incoming VM's launch (the source's launch, re-homed
// onto the target launcher's NICs, same names and MACs, source order so PCI slots match) and the reading
// of QMP `query-migrate`.

import type { NicLaunch, VmLaunch } from '../runtime.js';

/** The launch the target QEMU gets: everything from the source, NICs from the target (matched by name). */
export function incomingLaunch(source: VmLaunch, hotplugged: readonly NicLaunch[], target: { hostNetns: string | undefined; nics: readonly NicLaunch[] }): VmLaunch {
  if (hotplugged.length > 0) {
    // A hot-plugged NIC sits in a PCI slot QEMU picked at plug time; the target's command line would have to
    // name that slot. Not done yet: refused before anything starts.
    throw new Error(`migrate: VM ${source.id} has hot-plugged NICs (${hotplugged.map((n) => n.name).join(', ')}), which the qemu runtime cannot migrate yet`);
  }
  const nics = source.nics.map((s) => {
    const t = target.nics.find((n) => n.name === s.name);
    if (!t) throw new Error(`migrate: the target has no NIC ${s.name}`);
    if (t.mac !== s.mac) throw new Error(`migrate: NIC ${s.name} has MAC ${t.mac} on the target, ${s.mac} here`);
    if ((t.model || 'virtio') !== (s.model || 'virtio')) throw new Error(`migrate: NIC ${s.name} is a ${t.model} on the target, a ${s.model} here`);
    return { ...t, model: s.model };
  });
  const extra = target.nics.filter((t) => !source.nics.some((s) => s.name === t.name));
  if (extra.length > 0) throw new Error(`migrate: the target has NICs the VM lacks: ${extra.map((n) => n.name).join(', ')}`);
  return { ...source, hostNetns: target.hostNetns, nics };
}

export type MigrateProgress =
  | { state: 'running'; status: string; transferredBytes?: number }
  | { state: 'completed'; totalMs?: number; downtimeMs?: number }
  | { state: 'failed'; reason: string };

/** `query-migrate`'s answer. `none` (nothing started yet) counts as still running: `migrate` was just sent. */
export function parseMigrateStatus(value: unknown): MigrateProgress {
  if (typeof value !== 'object' || value === null) throw new Error('query-migrate: the reply is not an object');
  const v = value as Record<string, unknown>;
  const status = typeof v['status'] === 'string' ? v['status'] : 'none';
  const num = (k: string): Record<string, number> => (typeof v[k] === 'number' ? { [k]: v[k] as number } : {});
  if (status === 'completed') {
    const t = num('total-time')['total-time'];
    const d = num('downtime')['downtime'];
    return { state: 'completed', ...(t === undefined ? {} : { totalMs: t }), ...(d === undefined ? {} : { downtimeMs: d }) };
  }
  if (status === 'failed' || status === 'cancelled') {
    const why = typeof v['error-desc'] === 'string' ? v['error-desc'] : status;
    return { state: 'failed', reason: why };
  }
  const ram = v['ram'];
  const transferred = typeof ram === 'object' && ram !== null && typeof (ram as Record<string, unknown>)['transferred'] === 'number'
    ? (ram as Record<string, number>)['transferred'] : undefined;
  return { state: 'running', status, ...(transferred === undefined ? {} : { transferredBytes: transferred }) };
}

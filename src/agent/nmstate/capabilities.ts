// Which link types this kernel can create, found by trying: each probe creates a scratch link in a scratch
// namespace (`vn-cap-<pid>`) that is deleted afterwards, so the host is never touched. Kernels built
// without a driver answer "Unknown device type" (the module is missing) or "Operation not supported"
// (e.g. a bridge without CONFIG_BRIDGE_VLAN_FILTERING). The result is cached for the process.

import { randomBytes } from 'node:crypto';
import { CommandError, formatCommand, run } from '../netns.js';

export type CapabilityName = 'bridge' | 'veth' | 'vxlan' | 'vlan' | 'bond' | 'dummy' | 'vrf' | 'macvlan'
  | 'bridgeVlanFiltering';

export interface MissingCapability {
  type: CapabilityName;
  /** e.g. "the kernel has no 802.1Q VLAN support (ip link add … type vlan: Unknown device type)" */
  reason: string;
}

export type Capabilities = Record<CapabilityName, boolean> & { missing: MissingCapability[] };

const WHAT: Record<CapabilityName, string> = {
  bridge: 'Linux bridge',
  veth: 'veth pair',
  vxlan: 'VXLAN',
  vlan: '802.1Q VLAN',
  bond: 'bonding',
  dummy: 'dummy interface',
  vrf: 'VRF',
  macvlan: 'macvlan',
  bridgeVlanFiltering: 'bridge VLAN filtering',
};

interface Probe {
  name: CapabilityName;
  /** Arguments after `ip -n NS`; `{v0}` is the veth made by the veth probe (a base link for vlan/macvlan). */
  args: string[];
  needsVeth?: boolean;
}

const PROBES: readonly Probe[] = [
  { name: 'veth', args: ['link', 'add', 'vn-cap-v0', 'type', 'veth', 'peer', 'name', 'vn-cap-v1'] },
  { name: 'bridge', args: ['link', 'add', 'vn-cap-br', 'type', 'bridge'] },
  { name: 'bridgeVlanFiltering', args: ['link', 'add', 'vn-cap-brv', 'type', 'bridge', 'vlan_filtering', '1'] },
  { name: 'vxlan', args: ['link', 'add', 'vn-cap-vx', 'type', 'vxlan', 'id', '4242', 'dstport', '4789'] },
  { name: 'vlan', args: ['link', 'add', 'link', 'vn-cap-v0', 'name', 'vn-cap-vl', 'type', 'vlan', 'id', '10'],
    needsVeth: true },
  { name: 'bond', args: ['link', 'add', 'vn-cap-bo', 'type', 'bond'] },
  { name: 'dummy', args: ['link', 'add', 'vn-cap-du', 'type', 'dummy'] },
  { name: 'vrf', args: ['link', 'add', 'vn-cap-vrf', 'type', 'vrf', 'table', '4242'] },
  { name: 'macvlan', args: ['link', 'add', 'link', 'vn-cap-v0', 'name', 'vn-cap-mv', 'type', 'macvlan'],
    needsVeth: true },
];

/** Only the scratch namespace is ever created or deleted here; its name is unique to this process. */
async function withScratchNamespace<T>(timeoutMs: number, fn: (ns: string) => Promise<T>, base?: string): Promise<T> {
  let ns = base ?? `vn-cap-${process.pid}`;
  try {
    await run('ip', ['netns', 'add', ns], { timeoutMs });
  } catch (e) {
    // Left over by an earlier process with the same pid, or a concurrent probe: use a fresh name.
    if (!(e instanceof CommandError && /exists/i.test(e.stderr))) throw e;
    ns = `${base ?? `vn-cap-${process.pid}`}-${randomBytes(3).toString('hex')}`;
    await run('ip', ['netns', 'add', ns], { timeoutMs });
  }
  try {
    return await fn(ns);
  } finally {
    await run('ip', ['netns', 'del', ns], { timeoutMs, allowFailure: true }).catch(() => undefined);
  }
}

function stderrReason(stderr: string, code: number): string {
  const line = stderr.trim().split('\n').filter((l) => l.trim() !== '').pop();
  return line === undefined ? `exit status ${code}` : line.replace(/^Error:\s*/, '').replace(/\.$/, '');
}

/** Probes the kernel now (no cache). */
export interface ProbeOptions {
  timeoutMs?: number;
  /**
   * Name of the scratch namespace (default `vn-cap-<pid>`). The lab's agents pass a name under their lab's
   * prefix, so a probe cut short by a kill is still removed by `lab down`.
   */
  scratchNetns?: string;
}

export async function probeCapabilities(opts: ProbeOptions = {}): Promise<Capabilities> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return withScratchNamespace(timeoutMs, async (ns) => {
    const caps = { missing: [] as MissingCapability[] } as Capabilities;
    for (const p of PROBES) {
      if (p.needsVeth === true && !caps.veth) {
        caps[p.name] = false;
        caps.missing.push({ type: p.name, reason: `cannot probe ${WHAT[p.name]} support: no veth to use as its base link` });
        continue;
      }
      const r = await run('ip', p.args, { netns: ns, timeoutMs, allowFailure: true });
      caps[p.name] = r.code === 0;
      if (r.code !== 0) {
        const shown = formatCommand(['ip', ...p.args]);
        caps.missing.push({ type: p.name,
          reason: `the kernel has no ${WHAT[p.name]} support (${shown}: ${stderrReason(r.stderr, r.code)})` });
      }
    }
    return caps;
  }, opts.scratchNetns);
}

let cached: Promise<Capabilities> | undefined;

/** The kernel's capabilities, probed once per process (a failed probe is retried on the next call). */
export function detectCapabilities(opts: ProbeOptions = {}): Promise<Capabilities> {
  if (cached === undefined) {
    const p = probeCapabilities(opts);
    cached = p;
    p.catch(() => { if (cached === p) cached = undefined; });
  }
  return cached;
}

/** Forgets the cached result (tests). */
export function resetCapabilitiesCache(): void {
  cached = undefined;
}

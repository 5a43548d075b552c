// Connectivity probes run from inside the node's namespace around an apply (kubernetes-nmstate
// pkg/probe/probes.go): only the probes that pass before the apply are required to pass after it.
import { run } from './netns.js';
import type { CurrentState } from './nmstate/current-state.js';

export interface Probe {
  name: string;
  check(): Promise<boolean>;
}

async function ping(netns: string | undefined, address: string, iface?: string): Promise<boolean> {
  const args = ['-c1', '-W1', ...(iface ? ['-I', iface] : []), address];
  try {
    const r = await run('ping', args, netns ? { netns, timeoutMs: 3000 } : { timeoutMs: 3000 });
    return r.code === 0;
  } catch {
    return false;
  }
}

/** The first IPv4/IPv6 default route of the main table (254), as upstream picks it. */
export function defaultGateway(state: CurrentState): { address: string; iface: string } | undefined {
  for (const r of state.routes?.running ?? []) {
    const table = r['table-id'] ?? 254;
    if ((r.destination === '0.0.0.0/0' || r.destination === '::/0') && (table === 254 || table === 0) && r['next-hop-address'] && r['next-hop-interface']) {
      return { address: r['next-hop-address'], iface: r['next-hop-interface'] };
    }
  }
  return undefined;
}

async function resolves(netns: string | undefined, host: string): Promise<boolean> {
  try {
    const r = await run('getent', ['hosts', host], netns ? { netns, timeoutMs: 3000 } : { timeoutMs: 3000 });
    return r.code === 0 && r.stdout.trim() !== '';
  } catch {
    return false;
  }
}

/**
 * Probes for this node: the default gateway, the API server's address — reached off-link through the
 * router, so a node that loses its default route fails it, as on a real cluster — and, when the node has
 * its own resolver configuration, name resolution of `dnsHost` (NMState probeConfiguration.dns.host).
 */
export function selectProbes(netns: string | undefined, state: CurrentState, apiAddress: string | undefined,
  dns?: { host: string; configured: boolean }): Probe[] {
  const probes: Probe[] = [];
  if (dns?.configured) probes.push({ name: `dns ${dns.host}`, check: () => resolves(netns, dns.host) });
  const gw = defaultGateway(state);
  if (gw) probes.push({ name: `ping default gateway ${gw.address} via ${gw.iface}`, check: () => ping(netns, gw.address, gw.iface) });
  if (apiAddress) probes.push({ name: `api-server ${apiAddress}`, check: () => ping(netns, apiAddress) });
  return probes;
}

/** Keeps the probes that pass now (polled for up to `waitMs`), as upstream does before applying. */
export async function passingProbes(probes: Probe[], waitMs = 3000): Promise<Probe[]> {
  const out: Probe[] = [];
  for (const p of probes) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await p.check()) {
        out.push(p);
        break;
      }
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return out;
}

/** The first probe still failing after `timeoutMs`, or undefined when all pass. */
export async function failingProbe(probes: Probe[], timeoutMs: number): Promise<Probe | undefined> {
  for (const p of probes) {
    const deadline = Date.now() + timeoutMs;
    let ok = false;
    while (!ok) {
      ok = await p.check();
      if (ok || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (!ok) return p;
  }
  return undefined;
}

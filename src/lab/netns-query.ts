// Read-only questions about namespaces, links and the processes inside them (iproute2 JSON, /proc).
import { readdirSync, readFileSync } from 'node:fs';
import { ipIn, run } from './exec.js';

export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run('ip', ['-json', 'netns', 'list']);
  const rows = stdout.trim() === '' ? [] : (JSON.parse(stdout) as { name: string }[]);
  return rows.map((r) => r.name).sort();
}

export async function namespacesWithPrefix(prefix: string): Promise<string[]> {
  return (await listNamespaces()).filter((n) => n.startsWith(prefix));
}

export interface LinkInfo {
  ifname: string;
  master?: string;
  operstate?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string };
}

export async function links(netns: string): Promise<LinkInfo[]> {
  const { stdout } = await ipIn(netns, ['-json', '-details', 'link', 'show']);
  return JSON.parse(stdout) as LinkInfo[];
}

/** Processes whose network namespace is `netns` (`ip netns pids`). */
export async function netnsPids(netns: string): Promise<number[]> {
  const { stdout } = await run('ip', ['netns', 'pids', netns]);
  return stdout.split(/\s+/).filter((s) => s !== '').map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

export async function ipv4Addresses(netns: string, dev: string): Promise<string[]> {
  const { stdout } = await ipIn(netns, ['-json', '-4', 'addr', 'show', 'dev', dev]);
  const rows = JSON.parse(stdout) as { addr_info?: { local: string; prefixlen: number }[] }[];
  return rows.flatMap((r) => (r.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
}

/** NUL-separated argv of a live process, or undefined if it is gone (zombies count as gone). */
export function processArgv(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/^\d+ \(.*\) Z/s.test(stat)) return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return undefined;
  }
}

/** Live processes with an argument containing `marker` (the lab's files carry its prefix). */
export function pidsWithArgMarker(marker: string, comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    const argv = processArgv(pid);
    if (!argv || argv.length === 0) continue;
    const exe = argv[0]!.split('/').pop();
    if (exe === comm && argv.some((a) => a.includes(marker))) out.push(pid);
  }
  return out;
}

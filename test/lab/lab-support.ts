// Helpers for the lab's kernel tests: scratch data dirs, leftover detection, a DHCP client on the flat net.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';

export function testLabId(tag: string): string {
  return `t${tag}${process.pid % 1_000_000}`; // ≤ 8 characters, distinct per test process
}

export function scratchDataDir(id: string): string {
  return mkdtempSync(join(tmpdir(), `vn-${id}-data-`));
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 10_000 });
}

export interface Leftovers {
  namespaces: string[];
  processes: string[];
  rootLinks: string[];
}

/** Anything on the host carrying the lab's prefix (or its short `vn<id>` link form). */
export function leftovers(id: string): Leftovers {
  const prefix = `vn-${id}-`;
  const namespaces = (JSON.parse(sh('ip', ['-json', 'netns', 'list']) || '[]') as { name: string }[])
    .map((n) => n.name).filter((n) => n.startsWith(prefix));
  const processes: string[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      if (/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${d}/stat`, 'utf8'))) continue;
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
      // our own test runner's argv may name the test file, never the lab prefix
      if (argv.some((a) => a.includes(prefix))) processes.push(`${d}: ${argv.join(' ').trim()}`);
    } catch {
      // exited while we looked
    }
  }
  const rootLinks = (JSON.parse(sh('ip', ['-json', 'link', 'show'])) as { ifname: string }[])
    .map((l) => l.ifname).filter((n) => n.startsWith(prefix) || n.startsWith(`vn${id}`));
  return { namespaces, processes, rootLinks };
}

export const NOTHING: Leftovers = { namespaces: [], processes: [], rootLinks: [] };

/**
 * Attaches a scratch namespace `vn-<id>-dhcp` to the fabric's flat bridge and runs busybox udhcpc there.
 * Returns the leased address. The namespace carries the lab prefix, so teardown removes it.
 */
export function dhcpLease(id: string): string {
  const ns = `vn-${id}-dhcp`;
  const fabric = `vn-${id}-fabric`;
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'dhcp0', 'netns', fabric]);
  sh('ip', ['-n', fabric, 'link', 'set', 'dhcp0', 'master', 'flat', 'up']);
  sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
  // -s /bin/true: report the lease without configuring it; -n: fail instead of backgrounding.
  const r = spawnSync('ip', ['netns', 'exec', ns, 'busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '10', '-T', '1', '-s', '/bin/true'],
    { encoding: 'utf8', timeout: 20_000 });
  const out = `${r.stdout}${r.stderr}`;
  const m = /lease of (\d+\.\d+\.\d+\.\d+) obtained/.exec(out);
  if (r.status !== 0 || !m) throw new Error(`udhcpc got no lease (exit ${r.status}):\n${out}`);
  return m[1]!;
}

// The few ways this directory changes the kernel, each one process per batch: `ip -batch -`,
// `bridge -batch -`, `nft -f -` and `sysctl -w` inside a namespace. A launcher is ~15 ip commands; one
// fork per namespace instead of one per command keeps VM start fast.

import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, NETNS_DIR, checkNetnsName, run } from '../netns.js';
import { VmNetworkError } from './error.js';

export const STEP_TIMEOUT_MS = 10_000;

// `ip -batch` splits on whitespace and treats quotes, `#` and backslashes specially.
const BATCH_TOKEN = /^[^\s"'#\\]+$/;

async function batch(cmd: 'ip' | 'bridge', netns: string, lines: readonly string[][]): Promise<void> {
  if (lines.length === 0) return;
  for (const l of lines) {
    const bad = l.find((t) => !BATCH_TOKEN.test(t));
    if (bad !== undefined) throw new Error(`refusing ${cmd} batch argument ${JSON.stringify(bad)} (whitespace, quote, # or backslash)`);
  }
  const input = lines.map((l) => l.join(' ')).join('\n') + '\n';
  try {
    await run(cmd, ['-batch', '-'], { netns, input, timeoutMs: STEP_TIMEOUT_MS * Math.max(1, Math.ceil(lines.length / 20)) });
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    // iproute2 names the failing line (`Command failed -:N`); the user sees that command, not the batch.
    const m = /Command failed -:(\d+)/.exec(e.stderr);
    const line = m ? lines[Number(m[1]) - 1] : undefined;
    if (line === undefined) throw e;
    const why = e.stderr.split('\n').map((s) => s.trim()).filter((s) => s !== '' && !s.startsWith('Command failed')).join('; ');
    throw new VmNetworkError(`${cmd} -n ${netns} ${line.join(' ')}: ${why || `exit status ${e.code}`}`, 'command-failed');
  }
}

export function ipBatch(netns: string, lines: readonly string[][]): Promise<void> {
  return batch('ip', netns, lines);
}

export function bridgeBatch(netns: string, lines: readonly string[][]): Promise<void> {
  return batch('bridge', netns, lines);
}

/** Applies an nft script as one transaction: all of it or none. */
export async function nftApply(netns: string, script: string): Promise<void> {
  await run('nft', ['-f', '-'], { netns, input: script, timeoutMs: STEP_TIMEOUT_MS });
}

/** `nft -j list …` parsed; undefined when the object does not exist (nft exits non-zero). */
export async function nftListJson(netns: string, args: readonly string[]): Promise<unknown> {
  const r = await run('nft', ['-j', 'list', ...args], { netns, timeoutMs: STEP_TIMEOUT_MS, allowFailure: true });
  if (r.code !== 0) {
    if (/No such file or directory|does not exist/i.test(r.stderr)) return undefined;
    throw new VmNetworkError(`nft -j list ${args.join(' ')} in ${netns}: ${r.stderr.trim()}`, 'command-failed');
  }
  return JSON.parse(r.stdout) as unknown;
}

/** net.* sysctls are per namespace: `ip netns exec NS sysctl` changes only NS. */
export async function sysctlWrite(netns: string, settings: readonly string[]): Promise<void> {
  if (settings.length === 0) return;
  await run('sysctl', ['-q', '-w', ...settings], { netns, timeoutMs: STEP_TIMEOUT_MS });
}

/** Whether a named network namespace exists (`ip netns add` makes /run/netns/NAME). */
export async function netnsExists(netns: string): Promise<boolean> {
  checkNetnsName(netns);
  // Not `ip netns list`: that asks the kernel for the id of every namespace on the host, under its one RTNL
  // lock, a thousand netlink calls when the lab runs a thousand VMs.
  return access(join(NETNS_DIR, netns)).then(() => true, () => false);
}

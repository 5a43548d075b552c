// N netns VMs (pod NIC + bridge NIC on flatnetwork) created at once through the API (parallel POSTs, as
// `kubectl apply` of N objects would send them, minus kubectl's one-at-a-time pacing); per VM the time from
// the start of the creates to each step of its VMI (vmi-timeline.ts), then all of them deleted again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { R } from '../../src/client/index.js';
import { netnsList, sleep } from '../nmstate/util.js';
import { vmDiscovers } from './dhcp-log.js';
import { netnsVm } from './manifests.js';
import { labDhcpDrops } from './udp-drops.js';
import type { Stack } from './stack.js';
import type { VmiTimeline } from './vmi-timeline.js';

export interface BurstResult {
  n: number;
  /** Date.now() at the first create, to line up with logs. */
  startedAt: number;
  /** Per VM, ms from t0 (NaN: never): the create's response, and each VMI step. */
  createAck: number[];
  created: number[];
  scheduled: number[];
  running: number[];
  addressed: number[];
  /** VMs per node. */
  perNode: Map<string, number>;
  /** Per VM, DHCPDISCOVERs its udhcpc sent. */
  discovers: number[];
  /** DHCP requests dropped at dnsmasq's socket (buffer full) during the burst. */
  dhcpDrops: number;
  /** ms to delete all N (VMIs gone, their launcher and VM namespaces gone). */
  deleteMs: number;
  problems: string[];
}

export const burstName = (i: number): string => `burst-${String(i).padStart(3, '0')}`;

export async function runBurst(stack: Stack, timeline: VmiTimeline, n: number, timeoutMs: number, log: (l: string) => void): Promise<BurstResult> {
  const { client, namespace } = stack;
  const names = Array.from({ length: n }, (_, i) => burstName(i));
  const problems: string[] = [];
  const createAck = new Array<number>(n).fill(NaN);
  const drops0 = labDhcpDrops(stack.dataDir, stack.prefix);
  const startedAt = Date.now();
  const t0 = performance.now();
  await Promise.all(names.map(async (name, i) => {
    await client.create(R.vm, namespace, netnsVm(namespace, name, stack.nad));
    createAck[i] = performance.now() - t0;
  }));
  const addressedCount = (): number => names.filter((v) => timeline.steps.get(v)?.addressed !== undefined).length;
  try {
    await timeline.wait(`${n} VMIs with a flat address`, () => addressedCount() === n, timeoutMs,
      () => `${addressedCount()} addressed, ${names.filter((v) => timeline.steps.get(v)?.running !== undefined).length} Running`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  const rel = (f: (s: NonNullable<ReturnType<typeof timeline.steps.get>>) => number | undefined): number[] =>
    names.map((v) => {
      const s = timeline.steps.get(v);
      const at = s ? f(s) : undefined;
      return at === undefined ? NaN : at - t0;
    });
  const dhcpDrops = labDhcpDrops(stack.dataDir, stack.prefix) - drops0;
  const perNode = new Map<string, number>();
  for (const v of names) {
    const node = timeline.steps.get(v)?.node ?? '(unscheduled)';
    perNode.set(node, (perNode.get(node) ?? 0) + 1);
  }
  const discovers = await Promise.all(names.map(async (v) => {
    const s = timeline.steps.get(v);
    return s?.stateRoot && s.uid ? vmDiscovers(join(s.stateRoot, s.uid)) : NaN;
  }));
  const result: BurstResult = {
    n, startedAt, createAck,
    created: rel((s) => s.created), scheduled: rel((s) => s.scheduled), running: rel((s) => s.running), addressed: rel((s) => s.addressed),
    perNode, discovers, dhcpDrops, deleteMs: NaN, problems,
  };
  log(`  deleting the ${n} VMs…`);
  result.deleteMs = await deleteAll(stack, timeline, names, problems);
  return result;
}

/** Deletes the VMs (parallel DELETEs) and waits until their VMIs and their namespaces are gone; returns ms. */
export async function deleteAll(stack: Stack, timeline: VmiTimeline, names: readonly string[], problems: string[]): Promise<number> {
  const { client, namespace, prefix } = stack;
  const uids = names.map((v) => timeline.steps.get(v)?.uid).filter((u): u is string => !!u);
  const t0 = performance.now();
  await Promise.all(names.map((v) => client.delete(R.vm, namespace, v).catch(() => undefined)));
  const left = (): string[] => {
    const vmis = new Set(timeline.present());
    const ns = new Set(netnsList());
    return [
      ...names.filter((v) => vmis.has(v)),
      ...uids.filter((u) => ns.has(`${prefix}vm-${u}`) || ns.has(`${prefix}l-${u}`) || existsSync(`/run/netns/${prefix}vm-${u}`)),
    ];
  };
  const deadline = t0 + 120_000;
  while (left().length > 0) {
    if (performance.now() > deadline) {
      problems.push(`deleting: still present after 120 s: ${left().slice(0, 5).join(', ')}…`);
      break;
    }
    await sleep(100);
  }
  return performance.now() - t0;
}

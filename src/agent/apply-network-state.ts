// One node's apply (architecture §6): retrieve → parse/merge/validate → checkpoint (the revert plan, also
// persisted when asked, so that a killed agent's successor can restore it) → apply → verify (desired keys
// only, with retries) → probes → commit, or roll back to the checkpoint.
// The state before comes from a `FreshStateSource` when it has one known to be current, else from a read;
// the first verification uses the dumps the executor took in the same process as the last steps, which
// is started before planning so that its start-up overlaps it.
import { computeApply, buildPlan, mergeStates, verifyState, type NetworkState } from './nmstate/index.js';
import { readCurrentState, stateFromDumps, type CurrentState, type IpAddrLink, type IpLink } from './nmstate/current-state.js';
import { execute, startBatch, writeDns, StepError, type EarlyBatch, type ExecuteResult } from './nmstate/executor.js';
import { verificationReads, type VerificationReads } from './nmstate/verify.js';
import type { FreshStateSource } from './nmstate/fresh-state.js';
import { existsSync } from 'node:fs';
import { failingProbe, passingProbes, selectProbes } from './probes.js';
import { detectCapabilities, type Capabilities, type CapabilityName } from './nmstate/capabilities.js';
import type { PlanStep } from './nmstate/plan-step.js';
import { DEFAULT_CHECKPOINT_TIMEOUT_S, checkpointPath, claimCheckpoint, discard, newCheckpoint, writeCheckpoint, type CheckpointPolicy } from './checkpoint.js';

/** Where the revert state of an apply is kept while it runs (checkpoint.ts's format), and whose it is. */
export interface PersistedCheckpoint {
  dir: string;
  node?: string;
  policy?: CheckpointPolicy;
}

export interface ApplyOptions {
  netns: string;
  /** Address the API probe pings (off-link, through the node's default route). */
  apiAddress?: string;
  /** NMState spec.probeConfiguration.dns.host. */
  dnsProbeHost?: string;
  verifyRetries?: number;
  verifyIntervalMs?: number;
  probeTimeoutMs?: number;
  onProgress?: (msg: string) => void;
  /**
   * The node's state as kept by the agent (read after the last netlink change it saw): used as the state
   * before, and so as the checkpoint, when it is known to be current; told when the apply changes things.
   */
  states?: FreshStateSource;
  /**
   * Persist the checkpoint in this directory before the first change, removed once the apply is committed
   * or rolled back: one left behind means the apply was interrupted (restore-checkpoint.ts).
   */
  checkpoint?: PersistedCheckpoint;
  /** Test hook: wait this long between executing the plan and verifying it (a window to kill the agent in). */
  pauseAfterExecuteMs?: number;
}

export interface ApplyOutcome {
  ok: boolean;
  /** The error text an enactment shows (upstream: "error reconciling … at desired state apply: …"). */
  error?: string;
  warnings: string[];
  /** Whether the node was rolled back to its checkpoint. */
  rolledBack: boolean;
  /** The normalised desired state (for the NNCE's status.desiredState). */
  normalized?: NetworkState;
}

/**
 * A plan that needs a link type (or bridge VLAN filtering) this kernel lacks fails before anything is
 * touched, naming the missing feature — detected at run time, not assumed.
 */
export function missingKernelFeature(steps: readonly PlanStep[], caps: Capabilities): string | undefined {
  for (const step of steps) {
    if (step.cmd !== 'ip' || step.args[0] !== 'link') continue;
    const t = step.args.indexOf('type');
    const kind = t >= 0 ? step.args[t + 1] : undefined;
    const needs: CapabilityName[] = [];
    if (kind === 'vlan' || kind === 'bond' || kind === 'dummy' || kind === 'vxlan' || kind === 'veth' || kind === 'bridge' || kind === 'vrf') needs.push(kind);
    const vf = step.args.indexOf('vlan_filtering');
    if (vf >= 0 && step.args[vf + 1] === '1') needs.push('bridgeVlanFiltering');
    for (const n of needs) {
      if (caps[n] === false) {
        const why = caps.missing.find((m) => m.type === n)?.reason ?? `the kernel does not support ${n}`;
        return `NotSupportedError: ${why} (needed to ${step.why})`;
      }
    }
  }
  return undefined;
}

function asNetworkState(s: CurrentState): NetworkState {
  return s as unknown as NetworkState;
}

async function runPlan(desired: NetworkState, current: CurrentState, netns: string): Promise<void> {
  const plan = buildPlan(mergeStates(desired, asNetworkState(current)));
  await execute(plan.steps, netns);
  if (plan.dns) await writeDns(netns, plan.dns);
}

/** The dumps to append to the last batch of steps, or none when the verification needs a full read. */
function trailingDumps(reads: VerificationReads): string[] {
  if (reads.routes) return [];
  return reads.addresses ? ['link show', 'addr show'] : ['link show'];
}

/** Every entry names a link: the dump lines up with the `link show` / `addr show` it is taken for. */
function isLinkList(v: unknown[] | undefined): boolean {
  return v !== undefined && v.length > 0 && v.every((l) => typeof (l as { ifname?: unknown } | null)?.ifname === 'string');
}

/** The state to verify against right after the steps: from the batch's dumps when it has them. */
async function stateAfter(netns: string, res: ExecuteResult, reads: VerificationReads): Promise<CurrentState> {
  const [link, addr] = res.dumps ?? [];
  if (link === undefined || !isLinkList(link) || (reads.addresses && !isLinkList(addr))) return readCurrentState(netns);
  return stateFromDumps(netns, { link: link as IpLink[], ...(addr ? { addr: addr as IpAddrLink[] } : {}), dns: reads.dns });
}

export async function applyNetworkState(desiredInput: unknown, opts: ApplyOptions): Promise<ApplyOutcome> {
  const early = startBatch(opts.netns);
  try {
    return await apply(desiredInput, opts, early);
  } finally {
    early.close();
  }
}

async function apply(desiredInput: unknown, opts: ApplyOptions, early: EarlyBatch): Promise<ApplyOutcome> {
  const say = opts.onProgress ?? (() => undefined);
  const current = (await opts.states?.fresh()) ?? await readCurrentState(opts.netns);
  const computed = computeApply(desiredInput, asNetworkState(current));
  if (!computed.ok) return { ok: false, error: computed.error.toString(), warnings: [], rolledBack: false };
  const { plan, revert, merged, warnings, normalized } = computed.value;
  const unsupported = missingKernelFeature(plan.steps, await detectCapabilities({ scratchNetns: `${opts.netns}-cap` }));
  if (unsupported) return { ok: false, error: unsupported, warnings, rolledBack: false };
  if (plan.steps.length === 0 && !plan.dns) return { ok: true, warnings, rolledBack: false, normalized };

  // Only a resolver configured for this node (its /etc/netns file) is probed: never the host's own.
  const dnsConfigured = existsSync(`/etc/netns/${opts.netns}/resolv.conf`);
  const probes = await passingProbes(selectProbes(opts.netns, current, opts.apiAddress, { host: opts.dnsProbeHost ?? 'root-servers.net', configured: dnsConfigured }));
  const reads = verificationReads(merged);
  const change = <T>(fn: () => Promise<T>): Promise<T> => (opts.states ? opts.states.changing(fn) : fn());
  return change(async () => {
    let saved: { path: string; id: string } | undefined;
    if (opts.checkpoint) {
      try {
        saved = persistCheckpoint(opts.checkpoint, opts.netns, revert);
      } catch (e) {
        return { ok: false, error: (e as Error).message, warnings, rolledBack: false };
      }
    }
    say(`checkpoint taken${saved ? ` (${saved.path})` : ''}; applying ${plan.steps.length} steps`);
    let failure: string | undefined;
    try {
      const retries = opts.verifyRetries ?? 5;
      const dumps = retries > 0 ? trailingDumps(reads) : [];
      const res = await execute(plan.steps, opts.netns, { early, ...(dumps.length > 0 ? { trailingDumps: dumps } : {}) });
      if (plan.dns) await writeDns(opts.netns, plan.dns);
      if (opts.pauseAfterExecuteMs) {
        say(`pausing ${opts.pauseAfterExecuteMs} ms before verifying (VIRTNET_AGENT_APPLY_PAUSE_MS)`);
        await new Promise((r) => setTimeout(r, opts.pauseAfterExecuteMs));
      }
      let verifyError: string | undefined;
      for (let i = 0; i < retries; i++) {
        // The first look uses what the last batch dumped; a failed verification reads everything again.
        const after = i === 0 ? await stateAfter(opts.netns, res, reads) : await readCurrentState(opts.netns);
        const e = verifyState(merged, asNetworkState(after));
        verifyError = e?.toString();
        if (!e) break;
        await new Promise((r) => setTimeout(r, opts.verifyIntervalMs ?? 1000));
      }
      if (verifyError) failure = verifyError;
      else {
        const bad = await failingProbe(probes, opts.probeTimeoutMs ?? 5000);
        if (bad) failure = `rolling back desired state configuration: failed running probes after network changes: probe ${bad.name} failed`;
      }
    } catch (e) {
      failure = e instanceof StepError ? `${e.message}${e.stderr ? `: ${e.stderr}` : ''}` : (e as Error).message;
    }
    if (failure === undefined) {
      if (saved) dropCheckpoint(saved);
      return { ok: true, warnings, rolledBack: false, normalized };
    }

    say(`apply failed (${failure}); rolling back to the checkpoint`);
    try {
      await runPlan(revert, await readCurrentState(opts.netns), opts.netns);
    } catch (e) {
      failure += `; rollback failed too: ${(e as Error).message}`;
    }
    // Rolled back (or tried to, and said so): the next apply starts from the state as it is now.
    if (saved) dropCheckpoint(saved);
    return { ok: false, error: failure, warnings, rolledBack: true };
  });
}

function persistCheckpoint(c: PersistedCheckpoint, netns: string, revert: NetworkState): { path: string; id: string } {
  const path = checkpointPath(c.dir, netns);
  // No watcher acts on it: its successor restores it when the agent starts again, whenever that is.
  const cp = newCheckpoint(netns, revert, DEFAULT_CHECKPOINT_TIMEOUT_S, new Date(), c.node, c.policy);
  writeCheckpoint(path, cp);
  return { path, id: cp.id };
}

/** Commit (or end after a rollback): the checkpoint this apply wrote, and only that one, goes. */
function dropCheckpoint(saved: { path: string; id: string }): void {
  const claimed = claimCheckpoint(saved.path, saved.id);
  if (claimed) discard(claimed);
}

// A node's current state kept between reads, handed out only while it is known to be current: it was read
// while a netlink monitor watched the namespace, nothing reached the monitor since (its `generation` is
// the one the read started at), and no apply of ours was changing the namespace meanwhile. The node
// agent's NNS reporter already reads the state after every burst of changes; applying a policy then
// starts from that state instead of reading it again.
//
// What "current" means here: up to the moment a change's netlink notice takes to travel from the kernel
// through `ip monitor` into this process (about a millisecond); `fresh()` first lets any notice already
// waiting in the pipe in. A read from scratch has a window of the same kind (between its dump and the
// apply's first command), only longer.

import { deepFreeze } from '../../common/object.js';
import type { CurrentState } from './current-state.js';
import type { NetlinkMonitor } from './netlink-monitor.js';

export interface FreshStateSource {
  /** A state known to be current, or undefined (then read it). Read-only: it is shared. */
  fresh(): Promise<CurrentState | undefined>;
  /**
   * Runs `fn`, which changes the namespace: what is kept is dropped, and no read that overlaps `fn` is
   * kept (the monitor's notices of our own changes may come in later than the read finished).
   */
  changing<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * Lets the event loop take in whatever the monitor's pipe already holds: an immediate queued from an
 * immediate runs only after the next poll for I/O (which does not block while immediates are pending).
 */
async function drain(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
}

export class CurrentStateCache implements FreshStateSource {
  private monitor: NetlinkMonitor | undefined;
  private subscribed = false;
  private kept: { state: CurrentState; stamp: string } | undefined;
  /** Bumped when a change of ours starts and when it ends. */
  private epoch = 0;
  private busy = 0;

  constructor(private readonly readState: () => Promise<CurrentState>) {}

  /** Trusts reads made while `monitor` watches, once it has subscribed. */
  async attach(monitor: NetlinkMonitor): Promise<void> {
    this.monitor = monitor;
    this.subscribed = false;
    this.kept = undefined;
    const ok = await monitor.subscribed;
    if (this.monitor === monitor) this.subscribed = ok;
  }

  detach(): void {
    this.monitor = undefined;
    this.subscribed = false;
    this.kept = undefined;
  }

  /** Undefined when nothing read now could be trusted later. */
  private stamp(): string | undefined {
    const m = this.monitor;
    if (m === undefined || !this.subscribed || !m.running || this.busy > 0) return undefined;
    return `${m.generation}/${this.epoch}`;
  }

  /** Reads the state now (for a caller that needs it anyway); keeps it when nothing happened meanwhile. */
  async read(): Promise<CurrentState> {
    const before = this.stamp();
    const state = await this.readState();
    if (before !== undefined) {
      await drain();
      if (this.stamp() === before) this.kept = { state: deepFreeze(state), stamp: before };
    }
    return state;
  }

  async fresh(): Promise<CurrentState | undefined> {
    if (this.kept === undefined) return undefined;
    await drain();
    if (this.kept !== undefined && this.stamp() === this.kept.stamp) return this.kept.state;
    this.kept = undefined;
    return undefined;
  }

  async changing<T>(fn: () => Promise<T>): Promise<T> {
    this.busy++;
    this.epoch++;
    this.kept = undefined;
    try {
      return await fn();
    } finally {
      this.busy--;
      this.epoch++;
    }
  }
}

// In-process watch fan-out: one event object per committed write, handed to every matching watcher.
// A new watcher first replays history (read in pages from the log) while live events for it are
// buffered, then switches to live delivery; it never sees an event twice or skips one.
import { StoreError } from './store.js';
import type { StoreEvent, Watch, WatchHandlers } from './store.js';

/** Events under prefix with afterRv < rv <= uptoRv, oldest first, at most limit. */
export type HistoryReader = (prefix: string, afterRv: number, uptoRv: number, limit: number) => StoreEvent[];

/** History is read in pages of this size, one page per macrotask, so a long replay neither
 * holds the whole log in memory nor starves the event loop. */
const HISTORY_PAGE = 500;

interface Watcher {
  prefix: string;
  handlers: WatchHandlers;
  /** Events up to and including startRv come from history; live events at or below it are duplicates. */
  startRv: number;
  /** Last history revision delivered (while replaying). */
  cursor: number;
  /** Live events that arrived during replay; undefined once live. */
  backlog: StoreEvent[] | undefined;
  stopped: boolean;
}

export class WatchHub {
  /** Watchers grouped by prefix: most watchers share a few prefixes (one per resource type). */
  private readonly byPrefix = new Map<string, Set<Watcher>>();
  /** Writes published while handlers run (a handler that writes) wait here, keeping revision order. */
  private readonly queue: Array<{ key: string; build: () => StoreEvent }> = [];
  private dispatching = false;

  constructor(
    private readonly readHistory: HistoryReader,
    private readonly onHandlerError: (err: unknown) => void,
  ) {}

  /** Registers synchronously: the caller must pass the revision current at this instant. */
  add(prefix: string, fromRv: number, currentRv: number, handlers: WatchHandlers): Watch {
    // A fromRv in the future makes the live stream start after it.
    const startRv = Math.max(fromRv, currentRv);
    const w: Watcher = { prefix, handlers, startRv, cursor: fromRv, backlog: undefined, stopped: false };
    let group = this.byPrefix.get(prefix);
    if (!group) this.byPrefix.set(prefix, (group = new Set()));
    group.add(w);
    if (fromRv < currentRv) {
      w.backlog = [];
      // A macrotask, so the caller holds the Watch before the first event arrives.
      setImmediate(() => this.replay(w));
    }
    return { stop: () => this.detach(w) };
  }

  /** Called after each commit. build() runs at most once, and only if some watcher wants the key. */
  publish(key: string, build: () => StoreEvent): void {
    if (this.byPrefix.size === 0) return;
    this.queue.push({ key, build });
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) this.fanOut(item.key, item.build);
    } finally {
      this.dispatching = false;
    }
  }

  /** The lowest history revision a replaying watcher still has to read; compaction must keep what follows it. */
  minCursor(): number | undefined {
    let min: number | undefined;
    for (const group of this.byPrefix.values()) {
      for (const w of group) if (w.backlog && (min === undefined || w.cursor < min)) min = w.cursor;
    }
    return min;
  }

  get size(): number {
    let n = 0;
    for (const group of this.byPrefix.values()) n += group.size;
    return n;
  }

  /** Ends every watch with err (the store is closing). */
  closeAll(err: StoreError): void {
    const all = [...this.byPrefix.values()].flatMap((g) => [...g]);
    this.byPrefix.clear();
    this.queue.length = 0;
    for (const w of all) {
      if (w.stopped) continue;
      w.stopped = true;
      w.backlog = undefined;
      try {
        w.handlers.onError(err);
      } catch (e) {
        this.onHandlerError(e);
      }
    }
  }

  private fanOut(key: string, build: () => StoreEvent): void {
    let ev: StoreEvent | undefined;
    for (const [prefix, group] of this.byPrefix) {
      if (!key.startsWith(prefix)) continue;
      ev ??= build();
      for (const w of group) this.deliver(w, ev);
    }
  }

  private deliver(w: Watcher, ev: StoreEvent): void {
    if (w.stopped || ev.rv <= w.startRv) return;
    if (w.backlog) w.backlog.push(ev);
    else this.call(w, ev);
  }

  private call(w: Watcher, ev: StoreEvent): void {
    try {
      w.handlers.onEvent(ev);
    } catch (e) {
      // One broken watcher must not stop delivery to the others.
      this.onHandlerError(e);
    }
  }

  private replay(w: Watcher): void {
    if (w.stopped) return;
    let page: StoreEvent[];
    try {
      page = this.readHistory(w.prefix, w.cursor, w.startRv, HISTORY_PAGE);
    } catch (e) {
      this.fail(w, e);
      return;
    }
    for (const ev of page) {
      w.cursor = ev.rv;
      this.call(w, ev);
      if (w.stopped) return;
    }
    if (page.length === HISTORY_PAGE) {
      setImmediate(() => this.replay(w));
      return;
    }
    // Caught up: drain what arrived meanwhile (handlers may add more while we drain), then go live.
    w.cursor = w.startRv;
    const backlog = w.backlog ?? [];
    for (let ev = backlog.shift(); ev; ev = backlog.shift()) {
      this.call(w, ev);
      if (w.stopped) return;
    }
    w.backlog = undefined;
  }

  /** Idempotent: a stopped watcher gets no further calls. */
  private detach(w: Watcher): void {
    if (w.stopped) return;
    w.stopped = true;
    w.backlog = undefined;
    const group = this.byPrefix.get(w.prefix);
    group?.delete(w);
    if (group?.size === 0) this.byPrefix.delete(w.prefix);
  }

  private fail(w: Watcher, e: unknown): void {
    const err = e instanceof StoreError ? e : new StoreError('Closed', w.prefix, `watch history read failed: ${String(e)}`);
    this.detach(w);
    try {
      w.handlers.onError(err);
    } catch (e2) {
      this.onHandlerError(e2);
    }
  }
}

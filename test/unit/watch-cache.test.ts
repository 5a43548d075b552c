// The watch cache against a fake upstream (a list of events and the watches opened on it): sharing,
// replay, fallback for watches behind the buffer, isolation of a failing handler, errors and retirement.
// The real thing runs under the Store contract on etcd (test/store/etcd-store.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WatchCache } from '../../src/api/storage/watch-cache.js';
import { StoreError, type StoreEvent, type WatchHandlers } from '../../src/api/storage/index.js';

interface Open { prefix: string; fromRv: number; handlers: WatchHandlers; stopped: boolean }

/** An upstream that remembers its watches; `emit` sends an event to every open one whose fromRv is below it. */
function fakeUpstream(fail?: (prefix: string, fromRv: number) => StoreError | undefined) {
  const opened: Open[] = [];
  return {
    opened,
    open: (prefix: string, fromRv: number, handlers: WatchHandlers) => {
      const err = fail?.(prefix, fromRv);
      if (err) return Promise.reject(err);
      const o: Open = { prefix, fromRv, handlers, stopped: false };
      opened.push(o);
      return Promise.resolve({ stop: () => void (o.stopped = true) });
    },
    emit(prefix: string, rv: number): void {
      const ev: StoreEvent = { type: 'ADDED', key: `${prefix}o${rv}`, rv, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `o${rv}` } } };
      for (const o of opened) if (!o.stopped && o.prefix === prefix && rv > o.fromRv) o.handlers.onEvent(ev);
    },
  };
}

function sink() {
  const rvs: number[] = [];
  const errors: string[] = [];
  const events: StoreEvent[] = [];
  return { rvs, errors, events, handlers: { onEvent: (ev: StoreEvent) => { rvs.push(ev.rv); events.push(ev); }, onError: (e: StoreError) => void errors.push(e.code) } };
}

const P = '/registry/kubevirt.io/virtualmachineinstances/';

describe('WatchCache', () => {
  it('serves every watch of a prefix from one upstream watch, each event to each watcher once, frozen', async () => {
    const up = fakeUpstream();
    const cache = new WatchCache(up.open);
    const [a, b] = [sink(), sink()];
    await cache.watch(P, 10, a.handlers);
    await cache.watch(P, 10, b.handlers);
    for (const rv of [11, 12, 13]) up.emit(P, rv);
    assert.equal(up.opened.length, 1);
    assert.deepEqual(a.rvs, [11, 12, 13]);
    assert.deepEqual(b.rvs, [11, 12, 13]);
    assert.equal(a.events[0], b.events[0], 'the same event object');
    assert.ok(Object.isFrozen(a.events[0]!.object.metadata), 'frozen all the way down');
    assert.deepEqual(cache.stats(), { shared: 1, watchers: 2, dedicated: 0 });
  });

  it('replays from the buffer to a watcher that starts behind the stream, then follows it, without gaps or repeats', async () => {
    const up = fakeUpstream();
    const cache = new WatchCache(up.open);
    const a = sink();
    await cache.watch(P, 10, a.handlers);
    for (const rv of [11, 12, 13, 14]) up.emit(P, rv);
    const late = sink();
    await cache.watch(P, 12, late.handlers);
    up.emit(P, 15);
    assert.deepEqual(late.rvs, [13, 14, 15]);
    const ahead = sink();
    // A watcher whose list was newer than what the stream delivered yet: nothing until after its revision.
    await cache.watch(P, 17, ahead.handlers);
    for (const rv of [16, 17, 18]) up.emit(P, rv);
    assert.deepEqual(ahead.rvs, [18]);
    assert.equal(up.opened.length, 1);
  });

  it('gives a watch older than the buffer an upstream watch of its own', async () => {
    const up = fakeUpstream();
    const cache = new WatchCache(up.open, { capacity: 10 });
    await cache.watch(P, 100, sink().handlers);
    for (let rv = 101; rv <= 130; rv++) up.emit(P, rv);
    const old = sink();
    await cache.watch(P, 105, old.handlers);
    assert.equal(up.opened.length, 2);
    assert.equal(up.opened[1]!.fromRv, 105);
    up.emit(P, 131);
    assert.deepEqual(old.rvs, [131], 'served by its own upstream (the fake has no history)');
    const recent = sink();
    await cache.watch(P, 128, recent.handlers);
    assert.deepEqual(recent.rvs, [129, 130, 131], 'still in the buffer');
    assert.equal(cache.stats().dedicated, 1);
  });

  it('keeps delivering to the others when one handler throws', async () => {
    const up = fakeUpstream();
    const thrown: unknown[] = [];
    const cache = new WatchCache(up.open, { onHandlerError: (e) => thrown.push(e) });
    const good = sink();
    await cache.watch(P, 0, { onEvent: () => { throw new Error('boom'); }, onError: () => undefined });
    await cache.watch(P, 0, good.handlers);
    up.emit(P, 1);
    up.emit(P, 2);
    assert.deepEqual(good.rvs, [1, 2]);
    assert.equal(thrown.length, 2);
  });

  it('stops the upstream when the last watcher leaves; the next watch opens a new one', async () => {
    const up = fakeUpstream();
    const cache = new WatchCache(up.open);
    const w1 = await cache.watch(P, 5, sink().handlers);
    const w2 = await cache.watch(P, 5, sink().handlers);
    w1.stop();
    assert.equal(up.opened[0]!.stopped, false);
    w2.stop();
    w2.stop();
    assert.equal(up.opened[0]!.stopped, true);
    assert.deepEqual(cache.stats(), { shared: 0, watchers: 0, dedicated: 0 });
    await cache.watch(P, 9, sink().handlers);
    assert.equal(up.opened.length, 2);
    assert.equal(up.opened[1]!.fromRv, 9);
  });

  it('ends every watcher of a failed upstream with its error, and close() ends the rest with Closed', async () => {
    const up = fakeUpstream();
    const cache = new WatchCache(up.open);
    const [a, b, other] = [sink(), sink(), sink()];
    await cache.watch(P, 0, a.handlers);
    await cache.watch(P, 0, b.handlers);
    await cache.watch('/registry/core/nodes/', 0, other.handlers);
    up.opened[0]!.handlers.onError(new StoreError('Expired', P, 'compacted'));
    assert.deepEqual([a.errors, b.errors], [['Expired'], ['Expired']]);
    assert.deepEqual(other.errors, []);
    cache.close();
    assert.deepEqual(other.errors, ['Closed']);
    await assert.rejects(cache.watch(P, 0, sink().handlers), (e: unknown) => e instanceof StoreError && e.code === 'Closed');
  });

  it('a creator whose revision cannot be watched gets the error; a watcher that joined meanwhile starts on its own revision', async () => {
    const up = fakeUpstream((_p, rv) => (rv < 50 ? new StoreError('Expired', P, 'compacted', 50) : undefined));
    const cache = new WatchCache(up.open);
    const joiner = sink();
    const [first, second] = await Promise.allSettled([cache.watch(P, 10, sink().handlers), cache.watch(P, 60, joiner.handlers)]);
    assert.equal(first.status, 'rejected');
    assert.equal(second.status, 'fulfilled');
    assert.deepEqual(up.opened.map((o) => o.fromRv), [60]);
    up.emit(P, 61);
    assert.deepEqual(joiner.rvs, [61]);
  });
});

// SIGKILL in the middle of a stream of writes: every acknowledged write survives, and a watch taken
// before the crash resumes after the restart.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';

describe('crash safety', () => {
  let s: ServerProcess | undefined;
  after(async () => {
    await s?.stop();
  });

  it('keeps every acknowledged write across SIGKILL and resumes the watch', async () => {
    s = await ServerProcess.start();
    const srv = s;
    await srv.request('POST', '/api/v1/namespaces', { metadata: { name: 'crash' } });
    const list = await srv.request('GET', '/api/v1/namespaces/crash/configmaps');
    const startRv = (list.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion;

    const acked = new Map<string, string>();
    let stop = false;
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `w${w}-${i}`;
        try {
          const r = await srv.request('POST', '/api/v1/namespaces/crash/configmaps', { metadata: { name }, data: { i: String(i) } });
          if (r.status === 201) acked.set(name, (r.json as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
        } catch {
          return; // the connection died with the server
        }
      }
    });
    while (acked.size < 300) await new Promise((r) => setTimeout(r, 10));
    await srv.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    assert.ok(acked.size >= 300);

    await srv.launch();
    const after = await srv.request('GET', '/api/v1/namespaces/crash/configmaps');
    const stored = new Map((after.json as { items: { metadata: { name: string; resourceVersion: string } }[] }).items.map((i) => [i.metadata.name, i.metadata.resourceVersion]));
    const lost = [...acked.keys()].filter((n) => !stored.has(n));
    assert.deepEqual(lost, [], `acknowledged writes lost after SIGKILL: ${lost.length} of ${acked.size}`);
    for (const [n, rv] of acked) assert.equal(stored.get(n), rv, `${n} kept its resourceVersion`);

    // Resume a watch from before the crash: every acknowledged create is replayed.
    const res = await srv.open('GET', `/api/v1/namespaces/crash/configmaps?watch=true&resourceVersion=${startRv}`);
    assert.equal(res.statusCode, 200);
    const seen = new Set<string>();
    let buf = '';
    const deadline = Date.now() + 15_000;
    for await (const chunk of res) {
      buf += (chunk as Buffer).toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const ev = JSON.parse(buf.slice(0, nl)) as { type: string; object: { metadata: { name: string } } };
        buf = buf.slice(nl + 1);
        if (ev.type === 'ADDED') seen.add(ev.object.metadata.name);
      }
      if (seen.size >= stored.size || Date.now() > deadline) break;
    }
    res.destroy();
    assert.equal(seen.size, stored.size, 'the resumed watch replays every create since the old resourceVersion');
    const expiredWatch = await srv.request('GET', '/api/v1/namespaces/crash/configmaps?watch=true&resourceVersion=999999999&timeoutSeconds=1');
    assert.equal(expiredWatch.status, 200);
  });
});

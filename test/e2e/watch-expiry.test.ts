// A watch from a resourceVersion older than the kept history ends with 410 Expired, as upstream.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';

describe('watch history window', () => {
  let s: ServerProcess | undefined;
  after(async () => {
    await s?.stop();
  });

  it('answers an expired resourceVersion with an ERROR event carrying 410 Expired', async () => {
    s = await ServerProcess.start(undefined, ['--event-history', '5']);
    for (let i = 0; i < 30; i++) await s.request('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `c${i}` } });
    const r = await s.request('GET', '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2');
    assert.equal(r.status, 200);
    const ev = JSON.parse(r.text.trim().split('\n')[0]!) as { type: string; object: { code: number; reason: string; message: string } };
    assert.equal(ev.type, 'ERROR');
    assert.equal(ev.object.code, 410);
    assert.equal(ev.object.reason, 'Expired');
    assert.match(ev.object.message, /^too old resource version: 2 \(\d+\)$/);
    const list = await s.request('GET', '/api/v1/namespaces/default/configmaps');
    assert.equal((list.json as { items: unknown[] }).items.length, 30);
  });
});

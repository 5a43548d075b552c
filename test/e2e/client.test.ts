// src/client against a real server: CRUD, errors, watch, and an informer that survives a server restart.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';
import { ApiClient, ApiError, Informer, R, isNotFound, optionsFromKubeconfig } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';

describe('client', () => {
  let s: ServerProcess | undefined;
  let c: ApiClient | undefined;
  const cleanups: (() => void)[] = [];
  after(async () => {
    for (const f of cleanups) f();
    c?.close();
    await s?.stop();
  });

  it('creates, reads, patches, lists and deletes; errors are ApiErrors with the Status', async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    const created = await c.create(R.configMap, 'default', { metadata: { name: 'a', labels: { x: '1' } }, data: { k: 'v' } });
    assert.equal(created.metadata.name, 'a');
    const patched = await c.patch(R.configMap, 'default', 'a', 'merge', { data: { k: 'w' } });
    assert.equal((patched.data as Record<string, string>).k, 'w');
    const applied = await c.patch(R.configMap, 'default', 'b', 'apply', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } }, { fieldManager: 'test' });
    assert.equal(applied.metadata.name, 'b');
    const l = await c.list(R.configMap, 'default', { labelSelector: 'x=1' });
    assert.deepEqual(l.items.map((i) => i.metadata.name), ['a']);
    await c.delete(R.configMap, 'default', 'a');
    await assert.rejects(c.get(R.configMap, 'default', 'a'), (e: unknown) => isNotFound(e) && (e as ApiError).message === 'configmaps "a" not found');
    assert.equal(await c.getIfExists(R.configMap, 'default', 'a'), undefined, 'a deleted object is undefined, not an error');
    assert.equal((await c.getIfExists(R.configMap, 'default', 'b'))?.metadata.name, 'b');
    const stranger = new ApiClient({ ...optionsFromKubeconfig(s.kubeconfig, 'virtnet-test'), token: 'not-a-token' });
    cleanups.push(() => stranger.close());
    await assert.rejects(stranger.getIfExists(R.configMap, 'default', 'b'), (e: unknown) => e instanceof ApiError && e.code === 401, 'only a 404 is undefined');
    await assert.rejects(c.create(R.configMap, 'default', { metadata: { name: 'b' } }), (e: unknown) => e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists');
  });

  it('an informer sees adds, updates and deletes, and resumes across a server restart', async () => {
    const srv = s!;
    const client = c!;
    const seen: string[] = [];
    const inf = new Informer<KubeObject>(client, R.configMap, 'default');
    inf.addHandlers({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (o) => seen.push(`update ${o.metadata.name}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    cleanups.push(() => inf.stop());
    inf.start();
    await inf.synced;
    assert.ok(seen.includes('add b'));
    await client.create(R.configMap, 'default', { metadata: { name: 'c' } });
    await client.patch(R.configMap, 'default', 'c', 'merge', { data: { z: '1' } });
    await client.delete(R.configMap, 'default', 'b');
    await until(() => seen.includes('delete b'), 'informer events');
    assert.deepEqual(seen.filter((x) => x.endsWith(' c')), ['add c', 'update c']);

    await srv.kill('SIGKILL');
    await srv.launch();
    const restarted = new ApiClient({ ...client.opts });
    cleanups.push(() => restarted.close());
    await restarted.create(R.configMap, 'default', { metadata: { name: 'after-restart' } });
    await until(() => seen.includes('add after-restart'), 'the informer to resume after the restart', 15_000);
    assert.ok(inf.get('default/after-restart'));
    inf.stop();
    restarted.close();
  });
});

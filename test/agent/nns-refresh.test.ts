// NodeNetworkState follows the kernel: a change in the node's namespace shows up within 2 s (netlink
// monitor), without waiting for the periodic refresh.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { ServerProcess, until } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import { NnsReporter } from '../../src/agent/nns-reporter.js';
import type { KubeObject } from '../../src/common/object.js';

const netns = `vn-t${process.pid}-nns`;

function ifaces(o: KubeObject): string[] {
  return ((o.status as { currentState?: { interfaces?: { name: string }[] } } | undefined)?.currentState?.interfaces ?? []).map((i) => i.name);
}

describe('NodeNetworkState refresh', () => {
  let s: ServerProcess;
  let c: ApiClient;
  let reporter: NnsReporter | undefined;
  before(async () => {
    assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0);
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-test');
    await c.create(R.node, undefined, { metadata: { name: 'node-a' } });
  });
  after(async () => {
    reporter?.stop();
    c?.close();
    await s?.stop();
    spawnSync('ip', ['netns', 'del', netns]);
  });

  it('reports on start and within 2 s of a kernel change; served as v1beta1 and v1', async () => {
    reporter = new NnsReporter(c, 'node-a', { netns, periodMs: 600_000 });
    await reporter.start();
    const first = await c.get(R.nns, undefined, 'node-a');
    assert.deepEqual(ifaces(first), ['lo']);
    assert.equal(first.metadata.ownerReferences?.[0]?.kind, 'Node');
    assert.equal(spawnSync('ip', ['-n', netns, 'link', 'add', 'br-new', 'type', 'bridge']).status, 0);
    const t0 = Date.now();
    await until(async () => ifaces(await c.get(R.nns, undefined, 'node-a')).includes('br-new'), 'br-new in the NNS', 2000);
    const ms = Date.now() - t0;
    assert.ok(ms <= 2000, `refreshed after ${ms} ms`);
    const v1 = await c.get({ ...R.nns, version: 'v1' }, undefined, 'node-a');
    assert.equal(v1.apiVersion, 'nmstate.io/v1');
    assert.ok(ifaces(v1).includes('br-new'));
  });
});

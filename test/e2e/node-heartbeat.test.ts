// A node agent's heartbeat makes its Node Ready; when it stops, the node-lifecycle controller turns
// Ready to Unknown (kubectl shows NotReady), as on a real cluster.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';
import { ApiClient, R } from '../../src/client/index.js';
import { NodeHeartbeat } from '../../src/agent/heartbeat.js';
import { NodeLifecycleController } from '../../src/controllers/node-lifecycle.js';
import type { KubeObject } from '../../src/common/object.js';

function readyOf(n: KubeObject): { status: string; reason?: string; message?: string } | undefined {
  return ((n.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
}

describe('node heartbeat', () => {
  let s: ServerProcess | undefined;
  let c: ApiClient | undefined;
  const stops: (() => void)[] = [];
  after(async () => {
    for (const f of stops) f();
    c?.close();
    await s?.stop();
  });

  it('registers the Node, renews its Lease, and Ready turns Unknown when beats stop', async () => {
    s = await ServerProcess.start();
    c = ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-agent');
    const hb = new NodeHeartbeat(c, 'worker-0', { intervalMs: 200, leaseDurationSeconds: 1, labels: { 'node-role.kubernetes.io/worker': '' } });
    stops.push(() => hb.stop());
    const nlc = new NodeLifecycleController(c, { gracePeriodMs: 1500, checkEveryMs: 200 });
    stops.push(() => nlc.stop());
    await hb.start();
    nlc.start();

    const node = await c.get(R.node, undefined, 'worker-0');
    assert.equal(node.metadata.labels?.['kubernetes.io/hostname'], 'worker-0');
    assert.equal(readyOf(node)?.status, 'True');
    assert.match(s.kubectlOk(['get', 'nodes']), /worker-0\s+Ready\s+worker/);
    const lease = await c.get(R.lease, 'kube-node-lease', 'worker-0');
    assert.equal((lease.spec as { holderIdentity: string }).holderIdentity, 'worker-0');

    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(readyOf(await c.get(R.node, undefined, 'worker-0'))?.status, 'True', 'still Ready while beating');

    hb.stop();
    const gone = await until(async () => {
      const r = readyOf(await c!.get(R.node, undefined, 'worker-0'));
      return r?.status === 'Unknown' ? r : undefined;
    }, 'Ready to turn Unknown', 10_000);
    assert.equal(gone.reason, 'NodeStatusUnknown');
    assert.equal(gone.message, 'Kubelet stopped posting node status.');
    assert.match(s.kubectlOk(['get', 'nodes']), /worker-0\s+NotReady/);

    await hb.start();
    await until(async () => readyOf(await c!.get(R.node, undefined, 'worker-0'))?.status === 'True', 'Ready again after beats resume');
  });
});

// The Node authorizer when its graph lags the store: a VMI placed on a node through another API server is
// already that node's to write, even before this server's watch has brought the placement. The graph here
// is never started, the lag at its longest; the store is a real SQLite file.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteStore, type Store } from '../../src/api/storage/index.js';
import { NodeAuthorizer } from '../../src/api/authz/node-authorizer.js';
import type { RequestAttributes } from '../../src/api/request-attributes.js';

const attrs = (node: string, name: string, verb = 'patch', subresource = 'status'): RequestAttributes => ({
  user: { name: `system:node:${node}`, uid: '', groups: ['system:nodes', 'system:authenticated'] },
  verb, resourceRequest: true, apiGroup: 'kubevirt.io', apiVersion: 'v1', resource: 'virtualmachineinstances', subresource,
  namespace: 'ns1', name, path: `/apis/kubevirt.io/v1/namespaces/ns1/virtualmachineinstances/${name}/${subresource}`,
});

describe('the Node authorizer reads the object when its graph has not seen the placement yet', () => {
  let dir: string;
  let store: Store;
  let authz: NodeAuthorizer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'virtnet-nodeauthz-'));
    store = await openSqliteStore({ path: join(dir, 'store.db') });
    authz = new NodeAuthorizer(store);
    await store.create('/registry/kubevirt.io/virtualmachineinstances/ns1/vm1', {
      apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'vm1', namespace: 'ns1' },
      status: { phase: 'Scheduled', nodeName: 'worker-1' },
    });
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('allows the node the VMI is on', async () => {
    assert.equal(authz.vmiNodes('ns1', 'vm1').length, 0, 'the graph has not seen it');
    assert.equal((await authz.authorize(attrs('worker-1', 'vm1'))).decision, 'allow');
    assert.equal((await authz.authorize(attrs('worker-1', 'vm1', 'update', ''))).decision, 'allow');
  });

  it('still refuses every other node, and a VMI that does not exist', async () => {
    const other = await authz.authorize(attrs('worker-2', 'vm1'));
    assert.deepEqual([other.decision, other.reason], ['no-opinion', "no relationship found between node 'worker-2' and this object"]);
    assert.equal((await authz.authorize(attrs('worker-1', 'missing'))).decision, 'no-opinion');
  });
});

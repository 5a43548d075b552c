// Deletion, finalizers, garbage collection, namespaces, watches and waits, seen through the real kubectl.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess, until } from '../support/server-process.js';

describe('object lifecycle through kubectl', () => {
  let s: ServerProcess;
  before(async () => {
    // API semantics only: without controllers, no VM controller rewrites the status this test sets.
    s = await ServerProcess.start(undefined, ['--no-controllers']);
    s.kubectlOk(['create', 'namespace', 'life']);
  });
  after(async () => {
    await s.stop();
  });

  it('an object held by a finalizer stays until the finalizer is removed', async () => {
    s.kubectlOk(['apply', '-f', s.writeFile('fin.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: held\n  namespace: life\n  finalizers: ["example.com/hold"]\n')]);
    assert.match(s.kubectlOk(['delete', 'cm', 'held', '-n', 'life', '--wait=false']), /configmap "held" deleted/);
    const ts = s.kubectlOk(['get', 'cm', 'held', '-n', 'life', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
    assert.match(ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const waiter = s.kubectlAsync(['wait', '--for=delete', 'cm/held', '-n', 'life', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 500));
    s.kubectlOk(['patch', 'cm', 'held', '-n', 'life', '--type', 'json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    assert.equal(await waiter.done, 0, waiter.output());
    const r = s.kubectl(['get', 'cm', 'held', '-n', 'life']);
    assert.match(r.stderr, /Error from server \(NotFound\): configmaps "held" not found/);
  });

  it('get -w prints later changes', async () => {
    s.kubectlOk(['-n', 'life', 'create', 'configmap', 'watched', '--from-literal=v=1']);
    const w = s.kubectlAsync(['get', 'cm', '-n', 'life', '-w']);
    await until(() => /watched/.test(w.output()), 'initial list');
    s.kubectlOk(['-n', 'life', 'create', 'configmap', 'later', '--from-literal=v=1']);
    await until(() => /later\s+1/.test(w.output()), 'the new configmap in the watch');
    const one = s.kubectlAsync(['get', 'cm', 'watched', '-n', 'life', '-w', '-o', 'jsonpath={.data.v}{"\\n"}']);
    await new Promise((r) => setTimeout(r, 800));
    s.kubectlOk(['-n', 'life', 'patch', 'cm', 'watched', '--type', 'merge', '-p', '{"data":{"v":"2"}}']);
    await until(() => /^2$/m.test(one.output()), 'the modified configmap in the single-object watch');
    w.proc.kill();
    one.proc.kill();
  });

  it('wait --for=condition sees a status condition set through the status subresource', async () => {
    s.kubectlOk(['apply', '-f', s.writeFile('vm.yaml', 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: fedora01\n  namespace: life\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices: {}\n')]);
    const waiter = s.kubectlAsync(['wait', '--for=condition=Ready', 'vm/fedora01', '-n', 'life', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 500));
    s.kubectlOk(['patch', 'vm', 'fedora01', '-n', 'life', '--subresource=status', '--type', 'merge', '-p',
      '{"status":{"printableStatus":"Running","conditions":[{"type":"Ready","status":"True"}]}}']);
    assert.equal(await waiter.done, 0, waiter.output());
    assert.match(waiter.output(), /virtualmachine.kubevirt.io\/fedora01 condition met/);
    assert.match(s.kubectlOk(['get', 'vm', '-n', 'life']), /^NAME\s+AGE\s+STATUS\s+READY\nfedora01\s+\d+s\s+Running\s+True/);
    // A main-resource write does not touch status; a status write does not touch spec.
    s.kubectlOk(['patch', 'vm', 'fedora01', '-n', 'life', '--type', 'merge', '-p', '{"spec":{"runStrategy":"Always"},"status":{"printableStatus":"Nope"}}']);
    const vm = JSON.parse(s.kubectlOk(['get', 'vm', 'fedora01', '-n', 'life', '-o', 'json'])) as { spec: { runStrategy: string }; status: { printableStatus: string }; metadata: { generation: number } };
    assert.equal(vm.spec.runStrategy, 'Always');
    assert.equal(vm.status.printableStatus, 'Running');
    assert.equal(vm.metadata.generation, 2);
  });

  it('deleting an owner removes its dependents', async () => {
    s.kubectlOk(['-n', 'life', 'create', 'configmap', 'owner']);
    const uid = s.kubectlOk(['-n', 'life', 'get', 'cm', 'owner', '-o', 'jsonpath={.metadata.uid}']);
    for (const n of ['dep1', 'dep2']) {
      s.kubectlOk(['apply', '-f', s.writeFile(`${n}.yaml`, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${n}\n  namespace: life\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner\n    uid: ${uid}\nstringData:\n  k: v\n`)]);
    }
    assert.equal(s.kubectlOk(['-n', 'life', 'get', 'secret', 'dep1', '-o', 'jsonpath={.data.k}']), 'dg==');
    s.kubectlOk(['-n', 'life', 'delete', 'cm', 'owner']);
    await until(() => s.kubectlOk(['-n', 'life', 'get', 'secrets', '-o', 'name']) === '', 'dependents to be collected');
  });

  it('orphan propagation keeps dependents and drops their owner reference', async () => {
    s.kubectlOk(['-n', 'life', 'create', 'configmap', 'owner2']);
    const uid = s.kubectlOk(['-n', 'life', 'get', 'cm', 'owner2', '-o', 'jsonpath={.metadata.uid}']);
    s.kubectlOk(['apply', '-f', s.writeFile('dep3.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dep3\n  namespace: life\n  ownerReferences:\n  - apiVersion: v1\n    kind: ConfigMap\n    name: owner2\n    uid: ${uid}\n`)]);
    s.kubectlOk(['-n', 'life', 'delete', 'cm', 'owner2', '--cascade=orphan']);
    await until(() => s.kubectl(['-n', 'life', 'get', 'cm', 'owner2']).code !== 0, 'owner to go');
    await until(() => s.kubectlOk(['-n', 'life', 'get', 'cm', 'dep3', '-o', 'jsonpath={.metadata.ownerReferences}']) === '', 'owner reference to be dropped');
  });

  it('deleting a namespace removes every object in it', async () => {
    s.kubectlOk(['create', 'namespace', 'doomed']);
    s.kubectlOk(['-n', 'doomed', 'create', 'configmap', 'a']);
    s.kubectlOk(['-n', 'doomed', 'create', 'secret', 'generic', 'b', '--from-literal=x=y']);
    s.kubectlOk(['apply', '-f', s.writeFile('vm2.yaml', 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: vm2\n  namespace: doomed\nspec:\n  runStrategy: Halted\n  template:\n    spec:\n      domain:\n        devices: {}\n')]);
    assert.match(s.kubectlOk(['delete', 'namespace', 'doomed', '--timeout=30s']), /namespace "doomed" deleted/);
    const r = s.kubectl(['get', 'namespace', 'doomed']);
    assert.match(r.stderr, /namespaces "doomed" not found/);
    const left = await s.request('GET', '/api/v1/configmaps');
    const items = (left.json as { items: { metadata: { namespace: string } }[] }).items;
    assert.equal(items.filter((i) => i.metadata.namespace === 'doomed').length, 0);
    const vms = await s.request('GET', '/apis/kubevirt.io/v1/virtualmachines');
    assert.equal((vms.json as { items: { metadata: { namespace: string } }[] }).items.filter((i) => i.metadata.namespace === 'doomed').length, 0);
    const c = s.kubectl(['-n', 'doomed', 'create', 'configmap', 'late']);
    assert.match(c.stderr, /namespaces "doomed" not found/);
  });
});

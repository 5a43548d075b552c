// The workshop's example project for `virtnet up`: `vmexamples-user1` with the stopped fedora01/fedora02.
// Created once; objects a user changed or deleted are not recreated over their work (only when missing
// on first start: the namespace's absence marks a first start).
import { ApiClient, R, isNotFound } from '../client/index.js';
import { exampleObjects } from '../lab/example-vms.js';

export async function seedExamples(kubeconfig: string, user = 'user1'): Promise<string | undefined> {
  const c = ApiClient.fromKubeconfig(kubeconfig, 'virtnet-up');
  try {
    const { namespace, vms } = exampleObjects(user);
    try {
      await c.get(R.namespace, undefined, namespace);
      return undefined;
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    await c.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const vm of vms) await c.create(R.vm, namespace, vm);
    return `project ${namespace} with VMs ${vms.map((v) => v.metadata.name).join(', ')} (stopped)`;
  } finally {
    c.close();
  }
}

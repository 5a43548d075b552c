// The objects the console bench writes through the API: VMs the server accepts with no lab (Halted, no
// NICs, so no VMI and no node work), NADs, and the paths to create and patch them.
import type { BenchClient } from '../api/http-client.js';

export const vmsPath = (ns: string): string => `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`;
export const nadsPath = (ns: string): string => `/apis/k8s.cni.cncf.io/v1/namespaces/${ns}/network-attachment-definitions`;

export function vmBody(ns: string, name: string): object {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name, namespace: ns },
    spec: { runStrategy: 'Halted', template: { spec: { domain: { devices: { interfaces: [] }, resources: { requests: { memory: '128M' } } }, networks: [] } } },
  };
}

export function nadBody(ns: string, name: string): object {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: ns },
    spec: { config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'bridge', bridge: 'br-flat', ipam: {} }) },
  };
}

export async function createNamespace(api: BenchClient, name: string): Promise<void> {
  await api.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

export async function createVm(api: BenchClient, ns: string, name: string): Promise<void> {
  await api.expect(201, 'POST', vmsPath(ns), JSON.stringify(vmBody(ns, name)));
}

export async function labelVm(api: BenchClient, ns: string, name: string, value: string): Promise<void> {
  await api.expect(200, 'PATCH', `${vmsPath(ns)}/${name}`, JSON.stringify({ metadata: { labels: { 'bench.virtnet.io/touch': value } } }), 'application/merge-patch+json');
}

/** Creates `names` with at most `parallel` requests in flight. */
export async function createVms(api: BenchClient, ns: string, names: readonly string[], parallel: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) await createVm(api, ns, names[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, names.length) }, worker));
}

// The objects the VM benchmarks create (pure): the guide's NAD `flatnetwork` on br-flat and netns VMs with a
// masquerade pod NIC and a bridge NIC on it (test/lab/vm-networks.test.ts's VM, as API objects).

export const FLAT_NIC = 'flat';

export function flatNad(namespace: string, name: string): Record<string, unknown> {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name, namespace,
      annotations: { description: 'CNV Linux Bridge', 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br-flat' },
    },
    spec: {
      config: JSON.stringify({ cniVersion: '0.3.1', name, type: 'bridge', bridge: 'br-flat', ipam: {}, macspoofchk: true, preserveDefaultVlan: false }),
    },
  };
}

/** A running netns VM with `default` (pod, masquerade) and `flat` (bridge on the NAD); optionally pinned to a node. */
export function netnsVm(namespace: string, name: string, nad: string, node?: string): Record<string, unknown> {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { annotations: { 'virtnet.io/runtime': 'netns' } },
        spec: {
          ...(node !== undefined ? { nodeSelector: { 'kubernetes.io/hostname': node } } : {}),
          domain: {
            devices: { interfaces: [{ name: 'default', masquerade: {} }, { name: FLAT_NIC, bridge: {} }] },
            resources: { requests: { memory: '2048M' } },
          },
          networks: [{ name: 'default', pod: {} }, { name: FLAT_NIC, multus: { networkName: nad } }],
        },
      },
    },
  };
}

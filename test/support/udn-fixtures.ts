// The UDN objects the lab tests and benches start from: a namespace that may hold a primary UDN (the label
// only counts at creation), the guide's primary Layer2 UDN, and a small netns-friendly VM on it.

export function udnNamespaceYaml(ns: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    k8s.ovn.org/primary-user-defined-network: ""
`;
}

/** The UDN the console's form writes: `primary-udn`, Layer2, Primary, Persistent IPAM. */
export function primaryUdnYaml(ns: string, subnet = '192.168.254.0/24'): string {
  return `apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata:
  name: primary-udn
  namespace: ${ns}
spec:
  topology: Layer2
  layer2:
    role: Primary
    subnets:
    - ${subnet}
    ipam:
      lifecycle: Persistent
`;
}

/** The namespace and its primary UDN, as one multi-document YAML. */
export function primaryUdnSetupYaml(ns: string, subnet?: string): string {
  return `${udnNamespaceYaml(ns)}---\n${primaryUdnYaml(ns, subnet)}`;
}

/** A VM whose one interface is the primary UDN (`l2bridge` on `pod: {}`), optionally pinned to a node. */
export function udnVmYaml(name: string, ns: string, host?: string): string {
  return `apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  runStrategy: Always
  template:
    spec:
${host ? `      nodeSelector:\n        kubernetes.io/hostname: ${host}\n` : ''}      domain:
        devices:
          interfaces:
          - name: primary-udn
            binding:
              name: l2bridge
      networks:
      - pod: {}
        name: primary-udn
`;
}

/** The guide's fedora-udn VM, as printed there (AsciiDoc fences included), optionally pinned to a node. */
export const guideUdnVmYaml = (ns: string, name = 'fedora-udn', host?: string): string => `----
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  labels:
    kubevirt.io/vm: ${name}
  name: ${name}
  namespace: ${ns}
spec:
  dataVolumeTemplates:
    - apiVersion: cdi.kubevirt.io/v1beta1
      kind: DataVolume
      metadata:
        creationTimestamp: null
        name: ${name}
      spec:
        sourceRef:
          kind: DataSource
          name: fedora
          namespace: openshift-virtualization-os-images
        storage:
          resources:
            requests:
              storage: 30Gi
  runStrategy: Always
  template:
    metadata:
      name: ${name}
      namespace: ${ns}
    spec:
${host ? `      nodeSelector:\n        kubernetes.io/hostname: ${host}\n` : ''}      domain:
        devices:
          disks:
          - disk:
              bus: virtio
            name: rootdisk
          - disk:
              bus: virtio
            name: cloudinitdisk
          interfaces:
          - name: primary-udn
            binding:
              name: l2bridge
          rng: {}
        resources:
          requests:
            memory: 2048M
      networks:
      - pod: {}
        name: primary-udn
      terminationGracePeriodSeconds: 0
      volumes:
      - dataVolume:
          name: ${name}
        name: rootdisk
      - cloudInitNoCloud:
          userData: |-
            #cloud-config
            user: fedora
            password: fedora
            chpasswd: { expire: False }
        name: cloudinitdisk
----
`;

/** A small netns VM on the namespace's primary UDN as an object (bulk creates), optionally pinned to a node. */
export function udnNetnsVm(ns: string, name: string, node?: string): Record<string, unknown> {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace: ns },
    spec: {
      runStrategy: 'Always',
      template: {
        metadata: { annotations: { 'virtnet.io/runtime': 'netns' } },
        spec: {
          ...(node !== undefined ? { nodeSelector: { 'kubernetes.io/hostname': node } } : {}),
          domain: { devices: { interfaces: [{ name: 'primary-udn', binding: { name: 'l2bridge' } }] }, resources: { requests: { memory: '64Mi' } } },
          networks: [{ name: 'primary-udn', pod: {} }],
          terminationGracePeriodSeconds: 0,
        },
      },
    },
  };
}

// The workshop's starting point for the networking module: project `vmexamples-<user>` with the stopped
// VMs `fedora01` and `fedora02` (created in the workshop's earlier modules), booting the `fedora`
// DataSource with the `fedora`/`fedora` cloud-init user and the default (masquerade) pod network. Pure.
import type { KubeObject } from '../common/object.js';

export function exampleNamespace(user: string): string {
  return `vmexamples-${user}`;
}

export function exampleVm(name: string, namespace: string): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name, namespace, labels: { app: name, 'kubevirt.io/vm': name } },
    spec: {
      runStrategy: 'Halted',
      dataVolumeTemplates: [{
        apiVersion: 'cdi.kubevirt.io/v1beta1',
        kind: 'DataVolume',
        metadata: { name },
        spec: {
          sourceRef: { kind: 'DataSource', name: 'fedora', namespace: 'openshift-virtualization-os-images' },
          storage: { resources: { requests: { storage: '30Gi' } } },
        },
      }],
      template: {
        metadata: { labels: { 'kubevirt.io/domain': name } },
        spec: {
          domain: {
            devices: {
              disks: [{ name: 'rootdisk', disk: { bus: 'virtio' } }, { name: 'cloudinitdisk', disk: { bus: 'virtio' } }],
              interfaces: [{ name: 'default', masquerade: {}, model: 'virtio' }],
              rng: {},
            },
            resources: { requests: { memory: '2048M' } },
          },
          networks: [{ name: 'default', pod: {} }],
          terminationGracePeriodSeconds: 180,
          volumes: [
            { name: 'rootdisk', dataVolume: { name } },
            { name: 'cloudinitdisk', cloudInitNoCloud: { userData: '#cloud-config\nuser: fedora\npassword: fedora\nchpasswd: { expire: False }\n' } },
          ],
        },
      },
    },
  };
}

export function exampleObjects(user: string): { namespace: string; vms: KubeObject[] } {
  const namespace = exampleNamespace(user);
  return { namespace, vms: ['fedora01', 'fedora02'].map((n) => exampleVm(n, namespace)) };
}

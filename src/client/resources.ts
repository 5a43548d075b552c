// ResourceRefs of the kinds the controllers and agents use (derived from the one definition of each kind).
import { allKinds } from '../apis/registry.js';
import type { ResourceRef } from './api-client.js';

export function ref(group: string, kind: string): ResourceRef {
  const def = allKinds.find((k) => k.group === group && k.kind === kind);
  if (!def) throw new Error(`unknown kind ${group ? `${kind}.${group}` : kind}`);
  return { group: def.group, version: def.versions[0]!, resource: def.plural, namespaced: def.namespaced };
}

export const R = {
  namespace: ref('', 'Namespace'),
  node: ref('', 'Node'),
  event: ref('', 'Event'),
  configMap: ref('', 'ConfigMap'),
  lease: ref('coordination.k8s.io', 'Lease'),
  nmstate: ref('nmstate.io', 'NMState'),
  nncp: ref('nmstate.io', 'NodeNetworkConfigurationPolicy'),
  nnce: ref('nmstate.io', 'NodeNetworkConfigurationEnactment'),
  nns: ref('nmstate.io', 'NodeNetworkState'),
  packageManifest: ref('operators.virtnet.io', 'PackageManifest'),
  subscription: ref('operators.virtnet.io', 'Subscription'),
  csv: ref('operators.virtnet.io', 'ClusterServiceVersion'),
  vm: ref('kubevirt.io', 'VirtualMachine'),
  vmi: ref('kubevirt.io', 'VirtualMachineInstance'),
  vmim: ref('kubevirt.io', 'VirtualMachineInstanceMigration'),
  dataVolume: ref('cdi.kubevirt.io', 'DataVolume'),
  dataSource: ref('cdi.kubevirt.io', 'DataSource'),
  nad: ref('k8s.cni.cncf.io', 'NetworkAttachmentDefinition'),
  udn: ref('k8s.ovn.org', 'UserDefinedNetwork'),
  cudn: ref('k8s.ovn.org', 'ClusterUserDefinedNetwork'),
  ipamClaim: ref('k8s.cni.cncf.io', 'IPAMClaim'),
} as const;

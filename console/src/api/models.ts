// Every kind the console reads or writes: where it lives in the API.
export interface Model {
  kind: string;
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
}

const m = (kind: string, group: string, version: string, plural: string, namespaced: boolean): Model =>
  ({ kind, group, version, plural, namespaced });

export const NamespaceModel = m('Namespace', '', 'v1', 'namespaces', false);
export const NodeModel = m('Node', '', 'v1', 'nodes', false);
export const PodModel = m('Pod', '', 'v1', 'pods', true);
export const ConfigMapModel = m('ConfigMap', '', 'v1', 'configmaps', true);
export const EventModel = m('Event', '', 'v1', 'events', true);
export const NMStateModel = m('NMState', 'nmstate.io', 'v1', 'nmstates', false);
export const NNCPModel = m('NodeNetworkConfigurationPolicy', 'nmstate.io', 'v1', 'nodenetworkconfigurationpolicies', false);
export const NNSModel = m('NodeNetworkState', 'nmstate.io', 'v1beta1', 'nodenetworkstates', false);
export const NNCEModel = m('NodeNetworkConfigurationEnactment', 'nmstate.io', 'v1beta1', 'nodenetworkconfigurationenactments', false);
export const NADModel = m('NetworkAttachmentDefinition', 'k8s.cni.cncf.io', 'v1', 'network-attachment-definitions', true);
export const IPAMClaimModel = m('IPAMClaim', 'k8s.cni.cncf.io', 'v1alpha1', 'ipamclaims', true);
export const UDNModel = m('UserDefinedNetwork', 'k8s.ovn.org', 'v1', 'userdefinednetworks', true);
export const CUDNModel = m('ClusterUserDefinedNetwork', 'k8s.ovn.org', 'v1', 'clusteruserdefinednetworks', false);
export const VMModel = m('VirtualMachine', 'kubevirt.io', 'v1', 'virtualmachines', true);
export const VMIModel = m('VirtualMachineInstance', 'kubevirt.io', 'v1', 'virtualmachineinstances', true);
export const VMIMModel = m('VirtualMachineInstanceMigration', 'kubevirt.io', 'v1', 'virtualmachineinstancemigrations', true);
export const DataVolumeModel = m('DataVolume', 'cdi.kubevirt.io', 'v1beta1', 'datavolumes', true);
export const DataSourceModel = m('DataSource', 'cdi.kubevirt.io', 'v1beta1', 'datasources', true);
export const PackageManifestModel = m('PackageManifest', 'operators.virtnet.io', 'v1', 'packagemanifests', false);
export const SubscriptionModel = m('Subscription', 'operators.virtnet.io', 'v1', 'subscriptions', true);
export const CSVModel = m('ClusterServiceVersion', 'operators.virtnet.io', 'v1', 'clusterserviceversions', true);

export const allModels: Model[] = [
  NamespaceModel, NodeModel, PodModel, ConfigMapModel, EventModel, NMStateModel, NNCPModel, NNSModel, NNCEModel,
  NADModel, IPAMClaimModel, UDNModel, CUDNModel, VMModel, VMIModel, VMIMModel, DataVolumeModel, DataSourceModel,
  PackageManifestModel, SubscriptionModel, CSVModel,
];

export function apiVersionOf(model: Model): string {
  return model.group ? `${model.group}/${model.version}` : model.version;
}

/** The model for an object's apiVersion and kind (any served version of the group). */
export function modelFor(apiVersion: string, kind: string): Model | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  const found = allModels.find((x) => x.kind === kind && x.group === group);
  return found ? { ...found, version } : undefined;
}

/** The REST path of a collection or of one object. */
export function resourcePath(model: Model, opts: { ns?: string | undefined; name?: string | undefined; sub?: string } = {}): string {
  const base = model.group ? `/apis/${model.group}/${model.version}` : `/api/${model.version}`;
  const ns = model.namespaced && opts.ns ? `/namespaces/${encodeURIComponent(opts.ns)}` : '';
  const name = opts.name ? `/${encodeURIComponent(opts.name)}` : '';
  const sub = opts.sub ? `/${opts.sub}` : '';
  return `${base}${ns}/${model.plural}${name}${sub}`;
}

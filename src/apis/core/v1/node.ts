// core/v1 Node (k8s.io/api/core/v1 types.go; columns: pkg/printers/internalversion/printers.go printNode).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import { isPlainObject } from '../../../common/object.js';
import {
  arr, bool, dateTime, int32, int64, obj, opt, preserveObject, resourceList, str, stringList,
} from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES, spec, status } from '../../meta.js';
import { AGE_COLUMN, field, listField, stringField } from '../../printer-columns.js';

const taint = obj({
  effect: str('Required. The effect of the taint on pods that do not tolerate the taint. Valid effects are NoSchedule, PreferNoSchedule and NoExecute.'),
  key: str('Required. The taint key to be applied to a node.'),
  timeAdded: opt(dateTime('TimeAdded represents the time at which the taint was added.')),
  value: opt(str('The taint value corresponding to the taint key.')),
}, 'The node this Taint is attached to has the "effect" on any pod that does not tolerate the Taint.');

const nodeCondition = obj({
  lastHeartbeatTime: opt(dateTime('Last time we got an update on a given condition.')),
  lastTransitionTime: opt(dateTime('Last time the condition transit from one status to another.')),
  message: opt(str('Human readable message indicating details about last transition.')),
  reason: opt(str("(brief) reason for the condition's last transition.")),
  status: str('Status of the condition, one of True, False, Unknown.'),
  type: str('Type of node condition.'),
}, 'NodeCondition contains condition information for a node.');

const nodeAddress = obj({
  address: str('The node address.'),
  type: str('Node address type, one of Hostname, ExternalIP or InternalIP.'),
}, "NodeAddress contains information for the node's address.");

// Upstream's OpenAPI lists every field as required, but no server validation enforces it (only the
// kubelet writes them), so they stay optional here.
const nodeSystemInfo = obj({
  architecture: opt(str('The Architecture reported by the node')),
  bootID: opt(str('Boot ID reported by the node.')),
  containerRuntimeVersion: opt(str('ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).')),
  kernelVersion: opt(str("Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).")),
  kubeProxyVersion: opt(str('Deprecated: KubeProxy Version reported by the node.')),
  kubeletVersion: opt(str('Kubelet Version reported by the node.')),
  machineID: opt(str('MachineID reported by the node. For unique machine identification in the cluster this field is preferred. Learn more from man(5) machine-id: http://man7.org/linux/man-pages/man5/machine-id.5.html')),
  operatingSystem: opt(str('The Operating System reported by the node')),
  osImage: opt(str('OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).')),
  swap: opt(obj({ capacity: opt(int64('Total amount of swap memory in bytes.')) }, 'Swap Info reported by the node.')),
  systemUUID: opt(str('SystemUUID reported by the node. For unique machine identification MachineID is preferred. This field is specific to Red Hat hosts https://access.redhat.com/documentation/en-us/red_hat_subscription_management/1/html/rhsm/uuid')),
}, 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.');

export const nodeSchema = kindSchema('Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).', {
  spec: opt(spec({
    configSource: opt(preserveObject('Deprecated: Previously used to specify the source of the node\'s configuration for the DynamicKubeletConfig feature. This feature is removed.')),
    externalID: opt(str('Deprecated. Not all kubelets will set this field. Remove field after 1.13. see: https://issues.k8s.io/61966')),
    podCIDR: opt(str('PodCIDR represents the pod IP range assigned to the node.')),
    podCIDRs: opt(stringList('podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node. If this field is specified, the 0th entry must match the podCIDR field. It may contain at most 1 value for each of IPv4 and IPv6.', { 'x-kubernetes-list-type': 'set' })),
    providerID: opt(str('ID of the node assigned by the cloud provider in the format: <ProviderName>://<ProviderSpecificNodeID>')),
    taints: opt(arr(taint, "If specified, the node's taints.", { 'x-kubernetes-list-type': 'atomic' })),
    unschedulable: opt(bool('Unschedulable controls node schedulability of new pods. By default, node is schedulable. More info: https://kubernetes.io/docs/concepts/nodes/node/#manual-node-administration')),
  }, 'Spec defines the behavior of a node. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
  status: opt(status({
    addresses: opt(arr(nodeAddress, 'List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
    allocatable: opt(resourceList('Allocatable represents the resources of a node that are available for scheduling. Defaults to Capacity.')),
    capacity: opt(resourceList('Capacity represents the total resources of a node. More info: https://kubernetes.io/docs/reference/node/node-status/#capacity')),
    conditions: opt(arr(nodeCondition, 'Conditions is an array of current observed node conditions. More info: https://kubernetes.io/docs/reference/node/node-status/#condition', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
    config: opt(preserveObject('Status of the config assigned to the node via the dynamic Kubelet config feature.')),
    daemonEndpoints: opt(obj({
      kubeletEndpoint: opt(obj({ Port: int32('Port number of the given endpoint.') }, 'Endpoint on which Kubelet is listening.')),
    }, 'Endpoints of daemons running on the Node.')),
    features: opt(obj({ supplementalGroupsPolicy: opt(bool('SupplementalGroupsPolicy is set to true if the runtime supports SupplementalGroupsPolicy and ContainerUser.')) }, 'Features describes the set of features implemented by the CRI implementation.')),
    images: opt(arr(obj({
      names: opt(stringList('Names by which this image is known. e.g. ["kubernetes.example/hyperkube:v1.0.7", "cloud-vendor.registry.example/cloud-vendor/hyperkube:v1.0.7"]')),
      sizeBytes: opt(int64('The size of the image in bytes.')),
    }), 'List of container images on this node')),
    nodeInfo: opt(nodeSystemInfo),
    phase: opt(str('NodePhase is the recently observed lifecycle phase of the node. More info: https://kubernetes.io/docs/concepts/nodes/node/#phase The field is never populated, and now is deprecated.')),
    runtimeHandlers: opt(arr(obj({
      features: opt(obj({ recursiveReadOnlyMounts: opt(bool()), userNamespaces: opt(bool()) })),
      name: opt(str('Runtime handler name. Empty for the default runtime handler.')),
    }), 'The available runtime handlers.', { 'x-kubernetes-list-type': 'atomic' })),
    volumesAttached: opt(arr(obj({
      devicePath: str('DevicePath represents the device path where the volume should be available'),
      name: str('Name of the attached volume'),
    }), 'List of volumes that are attached to the node.')),
    volumesInUse: opt(stringList('List of attachable volumes in use (mounted) by the node.')),
  }, 'Most recently observed status of the node. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
});

export type Node = Static<typeof nodeSchema>;

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` keys and the `kubernetes.io/role` value, sorted. */
export function nodeRoles(o: KubeObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX)) {
      const role = k.slice(ROLE_PREFIX.length);
      if (role !== '') roles.add(role);
    } else if (k === ROLE_LABEL && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** printNode STATUS: Ready/NotReady/Unknown, then SchedulingDisabled when cordoned. */
export function nodeStatus(o: KubeObject): string {
  const parts: string[] = [];
  const ready = listField(o, 'status', 'conditions').find((c) => isPlainObject(c) && c['type'] === 'Ready');
  if (isPlainObject(ready)) parts.push(ready['status'] === 'True' ? 'Ready' : 'NotReady');
  if (parts.length === 0) parts.push('Unknown');
  if (field(o, 'spec', 'unschedulable') === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeAddressOf(o: KubeObject, type: string): string {
  const a = listField(o, 'status', 'addresses').find((x) => isPlainObject(x) && x['type'] === type);
  return isPlainObject(a) && typeof a['address'] === 'string' ? a['address'] : '<none>';
}

const infoOrUnknown = (o: KubeObject, key: string): string => stringField(o, 'status', 'nodeInfo', key) || '<unknown>';

export const nodeKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'Node',
  listKind: 'NodeList',
  plural: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  categories: [],
  schema: nodeSchema,
  openapiName: 'io.k8s.api.core.v1.Node',
  subresources: { status: true },
  printerColumns: [
    { name: 'Status', type: 'string', cell: nodeStatus, description: 'The status of the node' },
    { name: 'Roles', type: 'string', cell: (o) => nodeRoles(o).join(',') || '<none>', description: 'The roles of the node' },
    AGE_COLUMN,
    { name: 'Version', type: 'string', cell: (o) => stringField(o, 'status', 'nodeInfo', 'kubeletVersion'), description: 'Kubelet Version reported by the node.' },
    { name: 'Internal-IP', type: 'string', priority: 1, cell: (o) => nodeAddressOf(o, 'InternalIP'), description: 'List of addresses reachable to the node. Queried from cloud provider, if available.' },
    { name: 'External-IP', type: 'string', priority: 1, cell: (o) => nodeAddressOf(o, 'ExternalIP'), description: 'List of addresses reachable to the node. Queried from cloud provider, if available.' },
    { name: 'OS-Image', type: 'string', priority: 1, cell: (o) => infoOrUnknown(o, 'osImage'), description: 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).' },
    { name: 'Kernel-Version', type: 'string', priority: 1, cell: (o) => infoOrUnknown(o, 'kernelVersion'), description: "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)." },
    { name: 'Container-Runtime', type: 'string', priority: 1, cell: (o) => infoOrUnknown(o, 'containerRuntimeVersion'), description: 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).' },
  ],
  strategicMerge: [
    ...METADATA_STRATEGIC_RULES,
    { path: 'spec.podCIDRs', strategy: 'merge' },
    { path: 'status.addresses', mergeKey: 'type', strategy: 'merge' },
    { path: 'status.conditions', mergeKey: 'type', strategy: 'merge' },
  ],
  fieldSelectors: [{ field: 'spec.unschedulable', value: (o) => String(field(o, 'spec', 'unschedulable') === true) }],
  nameRule: 'subdomain',
};

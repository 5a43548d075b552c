// kubevirt.io/v1 VirtualMachineInstance (staging/src/kubevirt.io/api/core/v1/types.go; CRD:
// pkg/virt-operator/resource/generate/components/crds.go). Upstream declares no status subresource for
// VMIs: virt-handler writes status through the main resource.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import {
  arr, dateTime, int32, int64, obj, opt, preserveObject, str, stringList, stringMap,
} from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import { AGE_COLUMN } from '../../printer-columns.js';
import { kubevirtConditions, migrationState, vmiSpec } from './vmi-spec.js';
import { addDefaultPodNetwork } from './default-network.js';
import { vmiCreateValidatingWebhook } from './vm-admission.js';

export const vmiInterfaceStatus = obj({
  infoSource: opt(str('Specifies the origin of the interface data collected. values: domain, guest-agent, multus-status.')),
  interfaceName: opt(str('The interface name inside the Virtual Machine')),
  ipAddress: opt(str('IP address of a Virtual Machine interface. It is always the first item of IPs')),
  ipAddresses: opt(stringList('List of all IP addresses of a Virtual Machine interface')),
  linkState: opt(str('LinkState Reports the current operational link state`. values: up, down.')),
  mac: opt(str('Hardware address of a Virtual Machine interface')),
  name: opt(str('Name of the interface, corresponds to name of the network assigned to the interface')),
  podInterfaceName: opt(str('PodInterfaceName represents the name of the pod network interface')),
  queueCount: opt(int32('Specifies how many queues are allocated by MultiQueue')),
});

export const vmiSchema = kindSchema('VirtualMachineInstance is *the* VirtualMachineInstance Definition. It represents a virtual machine in the runtime environment of kubernetes.', {
  spec: vmiSpec('VirtualMachineInstance Spec contains the VirtualMachineInstance specification.'),
  status: opt(status({
    VSOCKCID: opt(int64('VSOCKCID is used to track the allocated VSOCK CID in the VM.')),
    activePods: opt(stringMap('ActivePods is a mapping of pod UID to node name. It is possible for multiple pods to be running for a single VMI during migration.')),
    changedBlockTracking: opt(preserveObject('ChangedBlockTracking represents the status of the changedBlockTracking')),
    conditions: opt(kubevirtConditions("Conditions are specific points in VirtualMachineInstance's pod runtime.")),
    currentCPUTopology: opt(obj({ cores: opt(int32()), sockets: opt(int32()), threads: opt(int32()) }, 'CurrentCPUTopology specifies the current CPU topology used by the VM workload. Current topology may differ from the desired topology in the spec while CPU hotplug takes place.')),
    deviceStatus: opt(preserveObject('DeviceStatus reflects the state of devices requested in spec.domain.devices. This is an optional field available only when DRA feature gate is enabled')),
    evacuationNodeName: opt(str("EvacuationNodeName is used to track the eviction process of a VMI. It stores the name of the node that we want to evacuate. It is meant to be used by KubeVirt core components only and can't be set or modified by users.")),
    fsFreezeStatus: opt(str('FSFreezeStatus indicates whether a freeze operation was requested for the guest filesystem. It will be set to "frozen" if the request was made, or unset otherwise. This does not reflect the actual state of the guest filesystem.')),
    guestOSInfo: opt(preserveObject('Guest OS Information')),
    interfaces: opt(arr(vmiInterfaceStatus, 'Interfaces represent the details of available network interfaces.')),
    kernelBootStatus: opt(preserveObject('KernelBootStatus contains info about the kernelBootContainer')),
    launcherContainerImageVersion: opt(str('LauncherContainerImageVersion indicates what container image is currently active for the vmi.')),
    machine: opt(obj({ type: opt(str('QEMU machine type is the actual chipset of the VirtualMachineInstance.')) }, 'Machine shows the final resulting qemu machine type. This can be different than the machine type selected in the spec, due to qemus machine type alias mechanism.')),
    memory: opt(preserveObject('Memory shows various informations about the VirtualMachine memory.')),
    migratedVolumes: opt(arr(preserveObject(), 'MigratedVolumes lists the source and destination volumes during the volume migration', { 'x-kubernetes-list-type': 'atomic' })),
    migrationMethod: opt(str('Represents the method using which the vmi can be migrated: live migration or block migration')),
    migrationState: opt(migrationState('Represents the status of a live migration')),
    migrationTransport: opt(str('This represents the migration transport')),
    nodeName: opt(str('NodeName is the name where the VirtualMachineInstance is currently running.')),
    phase: opt(str('Phase is the status of the VirtualMachineInstance in kubernetes world. It is not the VirtualMachineInstance status, but partially correlates to it.')),
    phaseTransitionTimestamps: opt(arr(obj({
      phase: opt(str('Phase is the status of the VirtualMachineInstance in kubernetes world. It is not the VirtualMachineInstance status, but partially correlates to it.')),
      phaseTransitionTimestamp: opt(dateTime('PhaseTransitionTimestamp is the timestamp of when the phase change occurred', true)),
    }), 'PhaseTransitionTimestamp is the timestamp of when the last phase change occurred')),
    qosClass: opt(str('The Quality of Service (QOS) classification assigned to the virtual machine instance based on resource requirements See PodQOSClass type for available QOS classes More info: https://git.k8s.io/community/contributors/design-proposals/node/resource-qos.md')),
    reason: opt(str("A brief CamelCase message indicating details about why the VMI is in this state. e.g. 'NodeUnresponsive'")),
    runtimeUser: opt(int64('RuntimeUser is used to determine what user will be used in launcher')),
    selinuxContext: opt(str('SELinuxContext is the actual SELinux context of the virt-launcher pod')),
    topologyHints: opt(preserveObject()),
    virtualMachineRevisionName: opt(str('VirtualMachineRevisionName is used to get the vm revision of the vmi when doing an online vm snapshot')),
    volumeStatus: opt(arr(preserveObject(), 'VolumeStatus contains the statuses of all the volumes')),
  }, 'Status is the high level overview of how the VirtualMachineInstance is doing. It contains information available to controllers and users.')),
});

export type VirtualMachineInstance = Static<typeof vmiSchema>;

/** The VMI mutating webhook's default network on create (pkg/network/vmispec/defaults.go). */
export function defaultPodNetwork(o: KubeObject): void {
  addDefaultPodNetwork(o['spec']);
}

export const vmiKind: KindDef = {
  group: 'kubevirt.io',
  versions: ['v1'],
  kind: 'VirtualMachineInstance',
  listKind: 'VirtualMachineInstanceList',
  plural: 'virtualmachineinstances',
  singular: 'virtualmachineinstance',
  namespaced: true,
  shortNames: ['vmi', 'vmis'],
  categories: ['all'],
  schema: vmiSchema,
  openapiName: 'io.kubevirt.v1.VirtualMachineInstance',
  subresources: { status: false },
  printerColumns: [
    AGE_COLUMN,
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
    { name: 'IP', type: 'string', jsonPath: '.status.interfaces[0].ipAddress' },
    { name: 'NodeName', type: 'string', jsonPath: '.status.nodeName' },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
    { name: 'Live-Migratable', type: 'string', priority: 1, jsonPath: ".status.conditions[?(@.type=='LiveMigratable')].status" },
    { name: 'Paused', type: 'string', priority: 1, jsonPath: ".status.conditions[?(@.type=='Paused')].status" },
  ],
  fieldSelectors: [],
  defaults: defaultPodNetwork,
  validatingWebhooks: [vmiCreateValidatingWebhook],
  nameRule: 'subdomain',
};

// kubevirt.io/v1 VirtualMachineInstanceSpec, shared by VirtualMachineInstance and a VirtualMachine's
// template (staging/src/kubevirt.io/api/core/v1/{types,schema}.go). The networking parts virtnet acts
// on (interfaces, networks, disks, volumes, resources) are declared field by field; the rest of the
// domain keeps its contents as given, as KubeVirt's own `+kubebuilder:pruning:PreserveUnknownFields`
// parts do.
import {
  affinity, arr, bool, dateTime, emptyObject, int32, int64, localObjectReference, obj, opt, preserveObject, quantity,
  resourceList, str, strEnum, stringList, stringMap, tolerations,
} from '../../field-types.js';

const bus = opt(str('Bus indicates the type of disk device to emulate. supported values: virtio, sata, scsi, usb.'));

export const disk = obj({
  blockSize: opt(preserveObject('If specified, the virtual disk will be presented with the given block sizes.')),
  bootOrder: opt(int32('BootOrder is an integer value > 0, used to determine ordering of boot devices. Lower values take precedence. Each disk or interface that has a boot order must have a unique value. Disks without a boot order are not tried if a disk with a boot order exists.')),
  cache: opt(str('Cache specifies which kvm disk cache mode should be used. Supported values are: none, writethrough, writeback.')),
  cdrom: opt(obj({
    bus,
    readonly: opt(bool('ReadOnly. Defaults to true.')),
    tray: opt(str('Tray indicates if the tray of the device is open or closed. Allowed values are "open" and "closed". Defaults to closed.')),
  }, 'Attach a volume as a cdrom to the vmi.')),
  changedBlockTracking: opt(bool('ChangedBlockTracking indicates this disk should have CBT option Defaults to false.')),
  dedicatedIOThread: opt(bool('dedicatedIOThread indicates this disk should have an exclusive IO Thread. Enabling this implies useIOThreads = true. Defaults to false.')),
  disk: opt(obj({
    bus,
    pciAddress: opt(str('If specified, the virtual disk will be placed on the guests pci address with the specified PCI address. For example: 0000:81:01.10')),
    readonly: opt(bool('ReadOnly. Defaults to false.')),
  }, 'Attach a volume as a disk to the vmi.')),
  errorPolicy: opt(str('If specified, it can change the default error policy (stop) for the disk')),
  io: opt(str('IO specifies which QEMU disk IO mode should be used. Supported values are: native, default, threads.')),
  lun: opt(obj({
    bus,
    readonly: opt(bool('ReadOnly. Defaults to false.')),
    reservation: opt(bool('Reservation indicates if the disk needs to support the persistent reservation for the SCSI disk')),
  }, 'Attach a volume as a LUN to the vmi.')),
  name: str('Name is the device name'),
  serial: opt(str('Serial provides the ability to specify a serial number for the disk device.')),
  shareable: opt(bool('If specified the disk is made sharable and multiple write from different VMs are permitted')),
  tag: opt(str('If specified, disk address and its tag will be provided to the guest via config drive metadata')),
});

export const vmInterface = obj({
  acpiIndex: opt(int32('If specified, the ACPI index is used to provide network interface device naming, that is stable across changes in PCI addresses assigned to the device. This value is required to be unique across all devices and be between 1 and (16*1024-1).')),
  binding: opt(obj({
    name: str('Name references to the binding name as denined in the kubevirt CR. version: 1alphav1'),
  }, 'Binding specifies the binding plugin that will be used to connect the interface to the guest. It provides an alternative to InterfaceBindingMethod. version: 1alphav1')),
  bootOrder: opt(int32('BootOrder is an integer value > 0, used to determine ordering of boot devices. Lower values take precedence. Each interface or disk that has a boot order must have a unique value. Interfaces without a boot order are not tried.')),
  bridge: opt(emptyObject('InterfaceBridge connects to a given network via a linux bridge.')),
  dhcpOptions: opt(obj({
    bootFileName: opt(str("If specified will pass option 67 to interface's DHCP server")),
    ntpServers: opt(stringList('If specified will pass the configured NTP server to the VM via DHCP option 042.')),
    privateOptions: opt(arr(obj({
      option: int32('Option is an Integer value from 224-254 Required.'),
      value: str('Value is a String value for the Option provided Required.'),
    }), 'If specified will pass extra DHCP options for private use, range: 224-254')),
    tftpServerName: opt(str("If specified will pass option 66 to interface's DHCP server")),
  }, 'If specified the network interface will pass additional DHCP options to the VMI')),
  macAddress: opt(str('Interface MAC address. For example: de:ad:00:00:be:af or DE-AD-00-00-BE-AF.')),
  macvtap: opt(emptyObject('DeprecatedMacvtap is an alias to the deprecated Macvtap interface, please refer to Kubevirt user guide for alternatives. Deprecated: Removed in v1.3')),
  masquerade: opt(emptyObject('InterfaceMasquerade connects to a given network using netfilter rules to nat the traffic.')),
  model: opt(str('Interface model. One of: e1000, e1000e, igb, ne2k_pci, pcnet, rtl8139, virtio. Defaults to virtio.')),
  name: str('Logical name of the interface as well as a reference to the associated networks. Must match the Name of a Network.'),
  passt: opt(emptyObject('DeprecatedPasst is an alias to the deprecated Passt interface, please refer to Kubevirt user guide for alternatives. Deprecated: Removed in v1.3')),
  passtBinding: opt(emptyObject('InterfacePasstBinding connects to a given network using passt usermode networking.')),
  pciAddress: opt(str("If specified, the virtual network interface will be placed on the guests pci address with the specified PCI address. For example: 0000:81:01.10")),
  ports: opt(arr(obj({
    name: opt(str('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name. Name for the port that can be referred to by services.')),
    port: int32('Number of port to expose for the virtual machine. This must be a valid port number, 0 < x < 65536.'),
    protocol: opt(str('Protocol for port. Must be UDP or TCP. Defaults to "TCP".')),
  }, 'Port represents a port to expose from the virtual machine. Default protocol TCP. The port field is mandatory'), 'List of ports to be forwarded to the virtual machine.')),
  slirp: opt(emptyObject('DeprecatedSlirp is an alias to the deprecated Slirp interface Deprecated: Removed in v1.3')),
  sriov: opt(emptyObject('InterfaceSRIOV connects to a given network by passing-through an SR-IOV PCI device via vfio.')),
  state: opt(str('State represents the requested operational state of the interface. The supported values are: `absent`, expressing a request to remove the interface. `down`, expressing a request to set the link down. `up`, expressing a request to set the link up. Empty value functions as `up`.')),
  tag: opt(str('If specified, the virtual network interface address and its tag will be provided to the guest via config drive')),
});

export const network = obj({
  multus: opt(obj({
    default: opt(bool('Select the default network and add it to the multus-cni.io/default-network annotation.')),
    networkName: str('References to a NetworkAttachmentDefinition CRD object. Format: <networkName>, <namespace>/<networkName>. If namespace is not specified, VMI namespace is assumed.'),
  }, 'Represents the multus cni network.')),
  name: str('Network name. Must be a DNS_LABEL and unique within the vm. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names'),
  pod: opt(obj({
    vmIPv6NetworkCIDR: opt(str('IPv6 CIDR for the vm network. Defaults to fd10:0:2::/120 if not specified.')),
    vmNetworkCIDR: opt(str('CIDR for vm network. Default 10.0.2.0/24 if not specified.')),
  }, 'Represents the stock pod network interface.')),
}, 'Network represents a network type and a resource that should be connected to the vm.');

const cloudInit = (kind: string) => obj({
  networkData: opt(str(`NetworkData contains ${kind} inline cloud-init networkdata.`)),
  networkDataBase64: opt(str(`NetworkDataBase64 contains ${kind} cloud-init networkdata as a base64 encoded string.`)),
  networkDataSecretRef: opt(localObjectReference(`NetworkDataSecretRef references a k8s secret that contains ${kind} networkdata.`)),
  secretRef: opt(localObjectReference(`UserDataSecretRef references a k8s secret that contains ${kind} userdata.`)),
  userData: opt(str(`UserData contains ${kind} inline cloud-init userdata.`)),
  userDataBase64: opt(str(`UserDataBase64 contains ${kind} cloud-init userdata as a base64 encoded string.`)),
});

export const volume = obj({
  cloudInitConfigDrive: opt(cloudInit('config drive')),
  cloudInitNoCloud: opt(cloudInit('NoCloud')),
  configMap: opt(obj({
    name: opt(str('Name of the referent.')),
    optional: opt(bool("Specify whether the ConfigMap or it's keys must be defined")),
    volumeLabel: opt(str('The volume label of the resulting disk inside the VMI. Different bootstrapping mechanisms require different values. Typical values are "cidata" (cloud-init), "config-2" (cloud-init) or "OEMDRV" (kickstart).')),
  }, 'ConfigMapSource represents a reference to a ConfigMap in the same namespace.')),
  containerDisk: opt(obj({
    image: str('Image is the name of the image with the embedded disk.'),
    imagePullPolicy: opt(str('Image pull policy. One of Always, Never, IfNotPresent.')),
    imagePullSecret: opt(str('ImagePullSecret is the name of the Docker registry secret required to pull the image. The secret must already exist.')),
    path: opt(str('Path defines the path to disk file in the container')),
  }, 'ContainerDisk references a docker image, embedding a qcow or raw disk.')),
  dataVolume: opt(obj({
    hotpluggable: opt(bool('Hotpluggable indicates whether the volume can be hotplugged and hotunplugged.')),
    name: str('Name of both the DataVolume and the PVC in the same namespace.'),
  }, 'DataVolume represents the dynamic creation a PVC for this volume as well as the process of populating that PVC with a disk image.')),
  downwardAPI: opt(preserveObject('DownwardAPI represents downward API about the pod that should populate this volume')),
  downwardMetrics: opt(emptyObject('DownwardMetrics adds a very small disk to VMIs which contains a limited view of host and guest metrics.')),
  emptyDisk: opt(obj({ capacity: quantity('Capacity of the sparse disk.') }, 'EmptyDisk represents a temporary disk which shares the vmis lifecycle.')),
  ephemeral: opt(preserveObject('Ephemeral is a special volume source that "wraps" specified source and provides copy-on-write image on top of it.')),
  hostDisk: opt(preserveObject('HostDisk represents a disk created on the cluster level')),
  memoryDump: opt(preserveObject('MemoryDump is attached to the virt launcher and is populated with a memory dump of the vmi')),
  name: str("Volume's name. Must be a DNS_LABEL and unique within the vmi. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
  persistentVolumeClaim: opt(obj({
    claimName: str('claimName is the name of a PersistentVolumeClaim in the same namespace as the pod using this volume.'),
    hotpluggable: opt(bool('Hotpluggable indicates whether the volume can be hotplugged and hotunplugged.')),
    readOnly: opt(bool('readOnly Will force the ReadOnly setting in VolumeMounts. Default false.')),
  }, 'PersistentVolumeClaimVolumeSource represents a reference to a PersistentVolumeClaim in the same namespace.')),
  secret: opt(obj({
    optional: opt(bool("Specify whether the Secret or it's keys must be defined")),
    secretName: opt(str("Name of the secret in the pod's namespace to use.")),
    volumeLabel: opt(str('The volume label of the resulting disk inside the VMI.')),
  }, 'SecretVolumeSource represents a reference to a secret data in the same namespace.')),
  serviceAccount: opt(obj({ serviceAccountName: opt(str("Name of the service account in the pod's namespace to use.")) }, 'ServiceAccountVolumeSource represents a reference to a service account.')),
  sysprep: opt(preserveObject('Represents a Sysprep volume source.')),
}, 'Volume represents a named volume in a vmi.');

export const devices = obj({
  autoattachGraphicsDevice: opt(bool('Whether to attach the default graphics device or not. VNC will not be available if set to false. Defaults to true.')),
  autoattachInputDevice: opt(bool('Whether to attach an Input Device. Defaults to false.')),
  autoattachMemBalloon: opt(bool('Whether to attach the Memory balloon device with default period. Period can be adjusted in virt-config. Defaults to true.')),
  autoattachPodInterface: opt(bool('Whether to attach a pod network interface. Defaults to true.')),
  autoattachSerialConsole: opt(bool('Whether to attach the default virtio-serial console or not. Serial console access will not be available if set to false. Defaults to true.')),
  autoattachVSOCK: opt(bool('Whether to attach the VSOCK CID to the VM or not. VSOCK access will be available if set to true. Defaults to false.')),
  blockMultiQueue: opt(bool('Whether or not to enable virtio multi-queue for block devices. Defaults to false.')),
  clientPassthrough: opt(emptyObject('To configure and access client devices such as redirecting USB')),
  disableHotplug: opt(bool('DisableHotplug disabled the ability to hotplug disks.')),
  disks: opt(arr(disk, 'Disks describes disks, cdroms and luns which are connected to the vmi.', { maxItems: 256 })),
  downwardMetrics: opt(emptyObject('DownwardMetrics creates a virtio serials for exposing the downward metrics to the vmi.')),
  filesystems: opt(arr(preserveObject(), 'Filesystems describes filesystem which is connected to the vmi.', { 'x-kubernetes-list-type': 'atomic' })),
  gpus: opt(arr(preserveObject(), 'Whether to attach a GPU device to the vmi.', { 'x-kubernetes-list-type': 'atomic' })),
  hostDevices: opt(arr(preserveObject(), 'Whether to attach a host device to the vmi.', { 'x-kubernetes-list-type': 'atomic' })),
  inputs: opt(arr(obj({
    bus: opt(str('Bus indicates the bus of input device to emulate. Supported values: virtio, usb.')),
    name: str('Name is the device name'),
    type: str('Type indicated the type of input device. Supported values: tablet.'),
  }), 'Inputs describe input devices')),
  interfaces: opt(arr(vmInterface, 'Interfaces describe network interfaces which are added to the vmi.', { maxItems: 256 })),
  logSerialConsole: opt(bool('Whether to log the auto-attached default serial console or not. Serial console logs will be collect to a file and then streamed from a named `guest-console-log`. Not relevant if autoattachSerialConsole is disabled. Defaults to cluster wide setting on VirtualMachineOptions.')),
  networkInterfaceMultiqueue: opt(bool('If specified, virtual network interfaces configured with a virtio bus will also enable the vhost multiqueue feature for network devices. The number of queues created depends on additional factors of the VirtualMachineInstance, like the number of guest CPUs.')),
  panicDevices: opt(arr(preserveObject(), 'PanicDevices provides additional crash information when a guest crashes.', { 'x-kubernetes-list-type': 'atomic' })),
  rng: opt(emptyObject('Whether to have random number generator from host')),
  sound: opt(preserveObject('Whether to emulate a sound device.')),
  tpm: opt(preserveObject('Whether to emulate a TPM device.')),
  useVirtioTransitional: opt(bool('Fall back to legacy virtio 0.9 support if virtio bus is selected on devices. This is helpful for old machines like CentOS6 or RHEL6 which do not understand virtio_non_transitional (virtio 1.0).')),
  video: opt(preserveObject('Video describes the video device configuration for the vmi.')),
  watchdog: opt(preserveObject('Watchdog describes a watchdog device which can be added to the vmi.')),
}, 'Devices allows adding disks, network interfaces, and others');

export const domainSpec = obj({
  chassis: opt(preserveObject('Chassis specifies the chassis info passed to the domain.')),
  clock: opt(preserveObject('Clock sets the clock and timers of the vmi.')),
  cpu: opt(obj({
    cores: opt(int32('Cores specifies the number of cores inside the vmi. Must be a value greater or equal 1.')),
    dedicatedCpuPlacement: opt(bool('DedicatedCPUPlacement requests the scheduler to place the VirtualMachineInstance on a node with enough dedicated pCPUs and pin the vCPUs to it.')),
    features: opt(arr(obj({
      name: str('Name of the CPU feature'),
      policy: opt(str('Policy is the CPU feature attribute which can have the following attributes: force, require, optional, disable, forbid. Defaults to require')),
    }), 'Features specifies the CPU features list inside the VMI.')),
    isolateEmulatorThread: opt(bool('IsolateEmulatorThread requests one more dedicated pCPU to be allocated for the VMI to place the emulator thread on it.')),
    maxSockets: opt(int32('MaxSockets specifies the maximum amount of sockets that can be hotplugged')),
    model: opt(str('Model specifies the CPU model inside the VMI. List of available models https://github.com/libvirt/libvirt/tree/master/src/cpu_map. It is possible to specify special cases like "host-passthrough" to get the same CPU as the node and "host-model" to get CPU closest to the node one. Defaults to host-model.')),
    numa: opt(preserveObject('NUMA allows specifying settings for the guest NUMA topology')),
    realtime: opt(preserveObject('Realtime instructs the virt-launcher to tune the VMI for lower latency, optional for real time workloads')),
    sockets: opt(int32('Sockets specifies the number of sockets inside the vmi. Must be a value greater or equal 1.')),
    threads: opt(int32('Threads specifies the number of threads inside the vmi. Must be a value greater or equal 1.')),
  }, 'CPU allow specified the detailed CPU topology inside the vmi.')),
  devices,
  features: opt(preserveObject('Features like acpi, apic, hyperv, smm.')),
  firmware: opt(preserveObject('Firmware.')),
  ioThreads: opt(preserveObject('IOThreads specifies the IOThreads options.')),
  ioThreadsPolicy: opt(str('Controls whether or not disks will share IOThreads. Omitting IOThreadsPolicy disables use of IOThreads. One of: shared, auto, supplementalPool')),
  launchSecurity: opt(preserveObject('Launch Security setting of the vmi.')),
  machine: opt(obj({ type: opt(str('QEMU machine type is the actual chipset of the VirtualMachineInstance.')) }, 'Machine type.')),
  memory: opt(obj({
    guest: opt(quantity('Guest allows to specifying the amount of memory which is visible inside the Guest OS. The Guest must lie between Requests and Limits from the resources section. Defaults to the requested memory in the resources section if not specified.')),
    hugepages: opt(obj({ pageSize: opt(str('PageSize specifies the hugepage size, for x86_64 architecture valid values are 1Gi and 2Mi.')) }, 'Hugepages allow to use hugepages for the VirtualMachineInstance instead of regular memory.')),
    maxGuest: opt(quantity('MaxGuest allows to specify the maximum amount of memory which is visible inside the Guest OS. The delta between MaxGuest and Guest is the amount of memory that can be hot(un)plugged.')),
  }, 'Memory allow specifying the VMI memory features.')),
  rebootPolicy: opt(strEnum(['Reboot', 'Terminate'], 'RebootPolicy specifies how the guest should behave on reboot. Reboot (default): The guest is allowed to reboot silently. Terminate: The VMI will be terminated on guest reboot, allowing higher level controllers (such as the VM controller) to recreate the VMI with any updated configuration such as boot order changes.')),
  resources: opt(obj({
    limits: opt(resourceList('Limits describes the maximum amount of compute resources allowed. Valid resource keys are "memory" and "cpu".')),
    overcommitGuestOverhead: opt(bool("Don't ask the scheduler to take the guest-management overhead into account. Instead put the overhead only into the container's memory limit. This can lead to crashes if all memory is in use on a node. Defaults to false.")),
    requests: opt(resourceList('Requests is a description of the initial vmi resources. Valid resource keys are "memory" and "cpu".')),
  }, 'Resources describes the Compute Resources required by this vmi.')),
}, 'Specification of the desired behavior of the VirtualMachineInstance on the host.');

export const vmiSpec = (description = 'VirtualMachineInstance Spec contains the VirtualMachineInstance specification.') => obj({
  accessCredentials: opt(arr(preserveObject(), 'Specifies a set of public keys to inject into the vm guest', { maxItems: 256 })),
  affinity: opt(affinity('If affinity is specifies, obey all the affinity rules')),
  architecture: opt(str('Specifies the architecture of the vm guest you are attempting to run. Defaults to the compiled architecture of the KubeVirt components')),
  dnsConfig: opt(preserveObject('Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS configuration based on DNSPolicy.')),
  dnsPolicy: opt(str("Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.")),
  domain: domainSpec,
  evictionStrategy: opt(str('EvictionStrategy describes the strategy to follow when a node drain occurs. The possible options are: - "None": No action will be taken, according to the specified \'RunStrategy\' the VirtualMachine will be restarted or shutdown. - "LiveMigrate": the VirtualMachineInstance will be migrated instead of being shutdown. - "LiveMigrateIfPossible": the same as "LiveMigrate" but only if the VirtualMachine is Live-Migratable, otherwise it will behave as "None". - "External": the VirtualMachineInstance will be protected and `vmi.Status.EvacuationNodeName` will be set on eviction. This is mainly useful for cluster-api-provider-kubevirt (capk) which needs a way for VMI\'s to be blocked from eviction, yet signal capk that eviction has been called on the VMI so the capk controller can handle tearing the VMI down. Details can be found in the commit description https://github.com/kubevirt/kubevirt/commit/c1d77face705c8b126696bac9a3ee3825f27f1fa.')),
  hostname: opt(str('Specifies the hostname of the vmi If not specified, the hostname will be set to the name of the vmi, if dhcp or cloud-init is configured properly.')),
  livenessProbe: opt(preserveObject('Periodic probe of VirtualMachineInstance liveness. VirtualmachineInstances will be stopped if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes')),
  networks: opt(arr(network, "List of networks that can be attached to a vm's virtual interface.", { maxItems: 256 })),
  nodeSelector: opt(stringMap("NodeSelector is a selector which must be true for the vmi to fit on a node. Selector which must match a node's labels for the vmi to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/")),
  priorityClassName: opt(str("If specified, indicates the pod's priority. If not specified, the pod priority will be default or zero if there is no default.")),
  readinessProbe: opt(preserveObject('Periodic probe of VirtualMachineInstance service readiness. VirtualmachineInstances will be removed from service endpoints if the probe fails. Cannot be updated. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#container-probes')),
  resourceClaims: opt(arr(preserveObject(), 'ResourceClaims define which ResourceClaims must be allocated and reserved before the VMI, hence virt-launcher pod is allowed to start.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
  schedulerName: opt(str('If specified, the VMI will be dispatched by specified scheduler. If not specified, the VMI will be dispatched by default scheduler.')),
  startStrategy: opt(str('StartStrategy can be set to "Paused" if Virtual Machine should be started in paused state.')),
  subdomain: opt(str('If specified, the fully qualified vmi hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>". If not specified, the vmi will not have a domainname at all. The DNS entry will resolve to the vmi, no matter if the vmi itself can pick up a hostname.')),
  terminationGracePeriodSeconds: opt(int64('Grace period observed after signalling a VirtualMachineInstance to stop after which the VirtualMachineInstance is force terminated.')),
  tolerations: opt(tolerations('If toleration is specified, obey all the toleration rules.')),
  topologySpreadConstraints: opt(arr(preserveObject(), 'TopologySpreadConstraints describes how a group of VMIs will be spread across a given topology domains. K8s scheduler will schedule VMI pods in a way which abides by the constraints.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'] })),
  utilityVolumes: opt(arr(preserveObject(), 'List of utility volumes that can be mounted to the vmi virt-launcher pod without having a matching disk in the domain.', { maxItems: 256 })),
  volumes: opt(arr(volume, 'List of volumes that can be mounted by disks belonging to the vmi.', { maxItems: 256 })),
}, description);

/** KubeVirt's condition shape: type and status required, nullable probe/transition times. */
export const kubevirtConditions = (description: string) => arr(obj({
  lastProbeTime: opt(dateTime(undefined, true)),
  lastTransitionTime: opt(dateTime(undefined, true)),
  message: opt(str()),
  reason: opt(str()),
  status: str(),
  type: str(),
}), description);

/** The `.status.migrationState` KubeVirt writes on VMIs and copies onto finished migrations. */
export const migrationState = (description: string) => obj({
  abortRequested: opt(bool('Indicates that the migration has been requested to abort')),
  abortStatus: opt(str('Indicates the final status of the live migration abortion')),
  completed: opt(bool('Indicates the migration completed')),
  endTimestamp: opt(dateTime(undefined, true)),
  failed: opt(bool('Indicates that the migration failed')),
  failureReason: opt(str('Contains the reason why the migration failed')),
  migrationUid: opt(str('The VirtualMachineInstanceMigration object associated with this migration')),
  mode: opt(str('Lets us know if the vmi is currently running pre or post copy migration')),
  sourceNode: opt(str('The source node that the VMI originated on')),
  sourcePod: opt(str()),
  startTimestamp: opt(dateTime(undefined, true)),
  targetNode: opt(str('The target node that the VMI is moving to')),
  targetNodeAddress: opt(str('The address of the target node to use for the migration')),
  targetPod: opt(str('The target pod that the VMI is moving to')),
}, description, { 'x-kubernetes-preserve-unknown-fields': true });


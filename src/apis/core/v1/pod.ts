// core/v1 Pod, served read-only as the view of VM launchers (k8s.io/api/core/v1 types.go; columns:
// printers.go printPod; selectable fields: pkg/registry/core/pod/strategy.go ToSelectableFields).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import { isPlainObject } from '../../../common/object.js';
import { ageSince } from '../../../common/duration.js';
import {
  affinity, arr, bool, dateTime, int32, int64, localObjectReference, obj, opt, preserveObject, resourceList,
  resourceRequirements, str, stringList, stringMap, tolerations,
} from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES, spec, status } from '../../meta.js';
import { AGE_COLUMN, field, listField, stringField } from '../../printer-columns.js';

const containerPort = obj({
  containerPort: int32("Number of port to expose on the pod's IP address. This must be a valid port number, 0 < x < 65536."),
  hostIP: opt(str('What host IP to bind the external port to.')),
  hostPort: opt(int32('Number of port to expose on the host. If specified, this must be a valid port number, 0 < x < 65536.')),
  name: opt(str('If specified, this must be an IANA_SVC_NAME and unique within the pod. Each named port in a pod must have a unique name. Name for the port that can be referred to by services.')),
  protocol: opt(str('Protocol for port. Must be UDP, TCP, or SCTP. Defaults to "TCP".')),
}, 'ContainerPort represents a network port in a single container.');

const envVar = obj({
  name: str('Name of the environment variable. Must be a C_IDENTIFIER.'),
  value: opt(str('Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container and any service environment variables.')),
  valueFrom: opt(preserveObject("Source for the environment variable's value. Cannot be used if value is not empty.")),
}, 'EnvVar represents an environment variable present in a Container.');

const volumeMount = obj({
  mountPath: str("Path within the container at which the volume should be mounted.  Must not contain ':'."),
  mountPropagation: opt(str('mountPropagation determines how mounts are propagated from the host to container and the other way around.')),
  name: str('This must match the Name of a Volume.'),
  readOnly: opt(bool('Mounted read-only if true, read-write otherwise (false or unspecified). Defaults to false.')),
  recursiveReadOnly: opt(str('RecursiveReadOnly specifies whether read-only mounts should be handled recursively.')),
  subPath: opt(str("Path within the volume from which the container's volume should be mounted. Defaults to \"\" (volume's root).")),
  subPathExpr: opt(str("Expanded path within the volume from which the container's volume should be mounted.")),
}, 'VolumeMount describes a mounting of a Volume within a container.');

const container = obj({
  args: opt(stringList("Arguments to the entrypoint. The container image's CMD is used if this is not provided.", { 'x-kubernetes-list-type': 'atomic' })),
  command: opt(stringList("Entrypoint array. Not executed within a shell. The container image's ENTRYPOINT is used if this is not provided.", { 'x-kubernetes-list-type': 'atomic' })),
  env: opt(arr(envVar, 'List of environment variables to set in the container. Cannot be updated.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
  envFrom: opt(arr(preserveObject(), 'List of sources to populate environment variables in the container.', { 'x-kubernetes-list-type': 'atomic' })),
  image: opt(str('Container image name. More info: https://kubernetes.io/docs/concepts/containers/images')),
  imagePullPolicy: opt(str('Image pull policy. One of Always, Never, IfNotPresent.')),
  lifecycle: opt(preserveObject('Actions that the management system should take in response to container lifecycle events.')),
  livenessProbe: opt(preserveObject('Periodic probe of container liveness.')),
  name: str('Name of the container specified as a DNS_LABEL. Each container in a pod must have a unique name (DNS_LABEL). Cannot be updated.'),
  ports: opt(arr(containerPort, 'List of ports to expose from the container.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] })),
  readinessProbe: opt(preserveObject('Periodic probe of container service readiness.')),
  resizePolicy: opt(arr(obj({ resourceName: str(), restartPolicy: str() }), 'Resources resize policy for the container.', { 'x-kubernetes-list-type': 'atomic' })),
  resources: opt(resourceRequirements('Compute Resources required by this container. Cannot be updated. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/')),
  restartPolicy: opt(str("RestartPolicy defines the restart behavior of individual containers in a pod. This field may only be set for init containers, and the only allowed value is \"Always\".")),
  securityContext: opt(preserveObject('SecurityContext defines the security options the container should be run with.')),
  startupProbe: opt(preserveObject('StartupProbe indicates that the Pod has successfully initialized.')),
  stdin: opt(bool('Whether this container should allocate a buffer for stdin in the container runtime.')),
  stdinOnce: opt(bool('Whether the container runtime should close the stdin channel after it has been opened by a single attach.')),
  terminationMessagePath: opt(str("Optional: Path at which the file to which the container's termination message will be written is mounted into the container's filesystem.")),
  terminationMessagePolicy: opt(str('Indicate how the termination message should be populated.')),
  tty: opt(bool('Whether this container should allocate a TTY for itself, also requires \'stdin\' to be true. Default is false.')),
  volumeDevices: opt(arr(obj({ devicePath: str(), name: str() }), 'volumeDevices is the list of block devices to be used by the container.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['devicePath'] })),
  volumeMounts: opt(arr(volumeMount, "Pod volumes to mount into the container's filesystem. Cannot be updated.", { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['mountPath'] })),
  workingDir: opt(str("Container's working directory.")),
}, 'A single application container that you want to run within a pod.');

const volume = obj({
  name: str("name of the volume. Must be a DNS_LABEL and unique within the pod. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names"),
}, 'Volume represents a named volume in a pod that may be accessed by any container in the pod. The volume source (emptyDir, configMap, persistentVolumeClaim, …) is kept as given.', { 'x-kubernetes-preserve-unknown-fields': true });

// Upstream's OpenAPI also lists image, imageID, ready and restartCount as required; only the kubelet
// (here: virtnet's own controllers) writes them and no server validation insists, so they are optional.
const containerStatus = obj({
  allocatedResources: opt(resourceList('AllocatedResources represents the compute resources allocated for this container by the node.')),
  containerID: opt(str("ContainerID is the ID of the container in the format '<type>://<container_id>'.")),
  image: opt(str('Image is the name of container image that the container is running.')),
  imageID: opt(str("ImageID is the image ID of the container's image.")),
  lastState: opt(preserveObject("LastTerminationState holds the last termination state of the container to help debug container crashes and restarts.")),
  name: str('Name is a DNS_LABEL representing the unique name of the container.'),
  ready: opt(bool('Ready specifies whether the container is currently passing its readiness check.')),
  resources: opt(preserveObject('Resources represents the compute resource requests and limits that have been successfully enacted on the running container after it has been started or has been successfully resized.')),
  restartCount: opt(int32('RestartCount holds the number of times the container has been restarted.')),
  started: opt(bool('Started indicates whether the container has finished its postStart lifecycle hook and passed its startup probe.')),
  state: opt(preserveObject("State holds details about the container's current condition.")),
  user: opt(preserveObject('User represents user identity information initially attached to the first process of the container')),
  volumeMounts: opt(arr(preserveObject(), 'Status of volume mounts.')),
}, 'ContainerStatus contains details for the current status of this container.');

const podCondition = obj({
  lastProbeTime: opt(dateTime('Last time we probed the condition.')),
  lastTransitionTime: opt(dateTime('Last time the condition transitioned from one status to another.')),
  message: opt(str('Human-readable message indicating details about last transition.')),
  reason: opt(str("Unique, one-word, CamelCase reason for the condition's last transition.")),
  status: str('Status is the status of the condition. Can be True, False, Unknown.'),
  type: str('Type is the type of the condition.'),
}, 'PodCondition contains details for the current condition of this pod.');

const ipList = (d: string) => arr(obj({ ip: str('IP is the IP address assigned to the pod') }), d, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['ip'] });

export const podSchema = kindSchema('Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.', {
  spec: opt(spec({
    activeDeadlineSeconds: opt(int64('Optional duration in seconds the pod may be active on the node relative to StartTime before the system will actively try to mark it failed and kill associated containers.')),
    affinity: opt(affinity()),
    automountServiceAccountToken: opt(bool('AutomountServiceAccountToken indicates whether a service account token should be automatically mounted.')),
    containers: arr(container, 'List of containers belonging to the pod. Containers cannot currently be added or removed. There must be at least one container in a Pod. Cannot be updated.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] }),
    dnsConfig: opt(preserveObject('Specifies the DNS parameters of a pod.')),
    dnsPolicy: opt(str("Set DNS policy for the pod. Defaults to \"ClusterFirst\". Valid values are 'ClusterFirstWithHostNet', 'ClusterFirst', 'Default' or 'None'.")),
    enableServiceLinks: opt(bool("EnableServiceLinks indicates whether information about services should be injected into pod's environment variables.")),
    ephemeralContainers: opt(arr(preserveObject(), 'List of ephemeral containers run in this pod.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    hostAliases: opt(arr(obj({ hostnames: opt(stringList()), ip: str() }), "HostAliases is an optional list of hosts and IPs that will be injected into the pod's hosts file if specified.", { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['ip'] })),
    hostIPC: opt(bool("Use the host's ipc namespace. Optional: Default to false.")),
    hostNetwork: opt(bool("Host networking requested for this pod. Use the host's network namespace. Default to false.")),
    hostPID: opt(bool("Use the host's pid namespace. Optional: Default to false.")),
    hostUsers: opt(bool("Use the host's user namespace. Optional: Default to true.")),
    hostname: opt(str("Specifies the hostname of the Pod If not specified, the pod's hostname will be set to a system-defined value.")),
    imagePullSecrets: opt(arr(localObjectReference(), 'ImagePullSecrets is an optional list of references to secrets in the same namespace to use for pulling any of the images used by this PodSpec.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    initContainers: opt(arr(container, 'List of initialization containers belonging to the pod.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    nodeName: opt(str('NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.')),
    nodeSelector: opt(stringMap("NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/", { 'x-kubernetes-map-type': 'atomic' })),
    os: opt(obj({ name: str('Name is the name of the operating system. The currently supported values are linux and windows.') }, 'Specifies the OS of the containers in the pod.')),
    overhead: opt(resourceList('Overhead represents the resource overhead associated with running a pod for a given RuntimeClass.')),
    preemptionPolicy: opt(str('PreemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority.')),
    priority: opt(int32('The priority value. Various system components use this field to find the priority of the pod.')),
    priorityClassName: opt(str("If specified, indicates the pod's priority.")),
    readinessGates: opt(arr(obj({ conditionType: str("ConditionType refers to a condition in the pod's condition list with matching type.") }), 'If specified, all readiness gates will be evaluated for pod readiness.', { 'x-kubernetes-list-type': 'atomic' })),
    resourceClaims: opt(arr(preserveObject(), 'ResourceClaims defines which ResourceClaims must be allocated and reserved before the Pod is allowed to start.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    resources: opt(resourceRequirements('Resources is the total amount of CPU and Memory resources required by all containers in the pod.')),
    restartPolicy: opt(str('Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.')),
    runtimeClassName: opt(str('RuntimeClassName refers to a RuntimeClass object in the node.k8s.io group, which should be used to run this pod.')),
    schedulerName: opt(str('If specified, the pod will be dispatched by specified scheduler. If not specified, the pod will be dispatched by default scheduler.')),
    schedulingGates: opt(arr(obj({ name: str('Name of the scheduling gate.') }), 'SchedulingGates is an opaque list of values that if specified will block scheduling the pod.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    securityContext: opt(preserveObject('SecurityContext holds pod-level security attributes and common container settings.')),
    serviceAccount: opt(str('DeprecatedServiceAccount is a deprecated alias for ServiceAccountName. Deprecated: Use serviceAccountName instead.')),
    serviceAccountName: opt(str('ServiceAccountName is the name of the ServiceAccount to use to run this pod.')),
    setHostnameAsFQDN: opt(bool("If true the pod's hostname will be configured as the pod's FQDN, rather than the leaf name (the default).")),
    shareProcessNamespace: opt(bool('Share a single process namespace between all of the containers in a pod.')),
    subdomain: opt(str('If specified, the fully qualified Pod hostname will be "<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>".')),
    terminationGracePeriodSeconds: opt(int64('Optional duration in seconds the pod needs to terminate gracefully. May be decreased in delete request.')),
    tolerations: opt(tolerations()),
    topologySpreadConstraints: opt(arr(preserveObject(), 'TopologySpreadConstraints describes how a group of pods ought to spread across topology domains.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['topologyKey', 'whenUnsatisfiable'] })),
    volumes: opt(arr(volume, 'List of volumes that can be mounted by containers belonging to the pod. More info: https://kubernetes.io/docs/concepts/storage/volumes', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
  }, 'Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
  status: opt(status({
    conditions: opt(arr(podCondition, 'Current service state of pod. More info: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle#pod-conditions', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
    containerStatuses: opt(arr(containerStatus, 'The list has one entry per container in the manifest.', { 'x-kubernetes-list-type': 'atomic' })),
    ephemeralContainerStatuses: opt(arr(containerStatus, 'Status for any ephemeral containers that have run in this pod.', { 'x-kubernetes-list-type': 'atomic' })),
    hostIP: opt(str('hostIP holds the IP address of the host to which the pod is assigned. Empty if the pod has not started yet.')),
    hostIPs: opt(ipList('hostIPs holds the IP addresses allocated to the host.')),
    initContainerStatuses: opt(arr(containerStatus, 'The list has one entry per init container in the manifest.', { 'x-kubernetes-list-type': 'atomic' })),
    message: opt(str('A human readable message indicating details about why the pod is in this condition.')),
    nominatedNodeName: opt(str('nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.')),
    phase: opt(str("The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle. One of Pending, Running, Succeeded, Failed, Unknown.")),
    podIP: opt(str('podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.')),
    podIPs: opt(ipList('podIPs holds the IP addresses allocated to the pod.')),
    qosClass: opt(str('The Quality of Service (QOS) classification assigned to the pod based on resource requirements.')),
    reason: opt(str("A brief CamelCase message indicating details about why the pod is in this state. e.g. 'Evicted'")),
    resize: opt(str('Status of resources resize desired for pod\'s containers.')),
    resourceClaimStatuses: opt(arr(preserveObject(), 'Status of resource claims.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
    startTime: opt(dateTime('RFC 3339 date and time at which the object was acknowledged by the Kubelet. This is before the Kubelet pulled the container image(s) for the pod.')),
  }, 'Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
});

export type Pod = Static<typeof podSchema>;

type Rec = Record<string, unknown>;
const recs = (o: unknown, ...path: string[]): Rec[] => listField(o, ...path).filter(isPlainObject);

function terminatedReason(t: Rec, prefix: string): string {
  if (typeof t['reason'] === 'string' && t['reason'] !== '') return prefix + t['reason'];
  const signal = typeof t['signal'] === 'number' ? t['signal'] : 0;
  const code = typeof t['exitCode'] === 'number' ? t['exitCode'] : 0;
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${code}`;
}

interface PodSummary { ready: string; status: string; restarts: string }

/** printPod's READY, STATUS and RESTARTS (sidecar init containers counted as upstream does). */
export function podSummary(o: KubeObject, now: Date): PodSummary {
  const specInit = recs(o, 'spec', 'initContainers');
  const sidecars = new Set(specInit.filter((c) => c['restartPolicy'] === 'Always').map((c) => c['name']));
  const total = recs(o, 'spec', 'containers').length + sidecars.size;
  let readyCount = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = '';
  let sidecarLastRestart = '';
  const later = (a: string, b: string) => (b > a ? b : a);
  let reason = stringField(o, 'status', 'phase');
  if (stringField(o, 'status', 'reason') !== '') reason = stringField(o, 'status', 'reason');
  for (const c of recs(o, 'status', 'conditions')) {
    if (c['type'] === 'PodScheduled' && c['reason'] === 'SchedulingGated') reason = 'SchedulingGated';
  }
  let initializing = false;
  const initStatuses = recs(o, 'status', 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i]!;
    const count = typeof c['restartCount'] === 'number' ? c['restartCount'] : 0;
    restarts += count;
    const lastTerm = field(c, 'lastState', 'terminated', 'finishedAt');
    if (typeof lastTerm === 'string') lastRestart = later(lastRestart, lastTerm);
    const isSidecar = sidecars.has(c['name']);
    if (isSidecar) {
      sidecarRestarts += count;
      if (typeof lastTerm === 'string') sidecarLastRestart = later(sidecarLastRestart, lastTerm);
      if (c['started'] === true && c['ready'] === true) readyCount++;
    }
    const term = field(c, 'state', 'terminated');
    const waiting = field(c, 'state', 'waiting');
    if (isPlainObject(term) && term['exitCode'] === 0) continue;
    if (isSidecar && c['started'] === true) continue;
    if (isPlainObject(term)) reason = terminatedReason(term, 'Init:');
    else if (isPlainObject(waiting) && typeof waiting['reason'] === 'string' && waiting['reason'] !== '' && waiting['reason'] !== 'PodInitializing') reason = `Init:${waiting['reason']}`;
    else reason = `Init:${i}/${specInit.length}`;
    initializing = true;
    break;
  }
  const initialized = recs(o, 'status', 'conditions').some((c) => c['type'] === 'Initialized' && c['status'] === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses = recs(o, 'status', 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      restarts += typeof c['restartCount'] === 'number' ? c['restartCount'] : 0;
      const lastTerm = field(c, 'lastState', 'terminated', 'finishedAt');
      if (typeof lastTerm === 'string') lastRestart = later(lastRestart, lastTerm);
      const waiting = field(c, 'state', 'waiting');
      const term = field(c, 'state', 'terminated');
      if (isPlainObject(waiting) && typeof waiting['reason'] === 'string' && waiting['reason'] !== '') reason = waiting['reason'];
      else if (isPlainObject(term)) reason = terminatedReason(term, '');
      else if (c['ready'] === true && isPlainObject(field(c, 'state', 'running'))) { hasRunning = true; readyCount++; }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = recs(o, 'status', 'conditions').some((c) => c['type'] === 'Ready' && c['status'] === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }
  const phase = stringField(o, 'status', 'phase');
  if (o.metadata.deletionTimestamp && stringField(o, 'status', 'reason') === 'NodeLost') reason = 'Unknown';
  else if (o.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  const restartsStr = restarts !== 0 && lastRestart !== '' ? `${restarts} (${ageSince(lastRestart, now)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartsStr };
}

function podIP(o: KubeObject): string {
  const first = recs(o, 'status', 'podIPs')[0];
  const ip = first && typeof first['ip'] === 'string' ? first['ip'] : '';
  return ip || '<none>';
}

function readinessGates(o: KubeObject): string {
  const gates = recs(o, 'spec', 'readinessGates');
  if (gates.length === 0) return '<none>';
  const conds = recs(o, 'status', 'conditions');
  const trueCount = gates.filter((g) => conds.some((c) => c['type'] === g['conditionType'] && c['status'] === 'True')).length;
  return `${trueCount}/${gates.length}`;
}

export const podKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'Pod',
  listKind: 'PodList',
  plural: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  schema: podSchema,
  openapiName: 'io.k8s.api.core.v1.Pod',
  subresources: { status: true },
  printerColumns: [
    { name: 'Ready', type: 'string', cell: (o, now) => podSummary(o, now).ready, description: 'The aggregate readiness state of this pod for accepting traffic.' },
    { name: 'Status', type: 'string', cell: (o, now) => podSummary(o, now).status, description: 'The aggregate status of the containers in this pod.' },
    { name: 'Restarts', type: 'string', cell: (o, now) => podSummary(o, now).restarts, description: 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.' },
    AGE_COLUMN,
    { name: 'IP', type: 'string', priority: 1, cell: podIP, description: 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => stringField(o, 'spec', 'nodeName') || '<none>', description: 'Name of the Node this pod is running on.' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: (o) => stringField(o, 'status', 'nominatedNodeName') || '<none>', description: 'Name of the node nominated by the scheduler to run this pod.' },
    { name: 'Readiness Gates', type: 'string', priority: 1, cell: readinessGates, description: 'If specified, all readiness gates will be evaluated for pod readiness.' },
  ],
  strategicMerge: [
    ...METADATA_STRATEGIC_RULES,
    { path: 'spec.containers', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.containers.env', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.containers.ports', mergeKey: 'containerPort', strategy: 'merge' },
    { path: 'spec.containers.volumeMounts', mergeKey: 'mountPath', strategy: 'merge' },
    { path: 'spec.containers.volumeDevices', mergeKey: 'devicePath', strategy: 'merge' },
    { path: 'spec.initContainers', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.initContainers.env', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.initContainers.ports', mergeKey: 'containerPort', strategy: 'merge' },
    { path: 'spec.initContainers.volumeMounts', mergeKey: 'mountPath', strategy: 'merge' },
    { path: 'spec.initContainers.volumeDevices', mergeKey: 'devicePath', strategy: 'merge' },
    { path: 'spec.ephemeralContainers', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.volumes', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.imagePullSecrets', mergeKey: 'name', strategy: 'merge' },
    { path: 'spec.hostAliases', mergeKey: 'ip', strategy: 'merge' },
    { path: 'spec.topologySpreadConstraints', mergeKey: 'topologyKey', strategy: 'merge' },
    { path: 'status.conditions', mergeKey: 'type', strategy: 'merge' },
    { path: 'status.podIPs', mergeKey: 'ip', strategy: 'merge' },
    { path: 'status.hostIPs', mergeKey: 'ip', strategy: 'merge' },
  ],
  fieldSelectors: [
    { field: 'spec.nodeName', value: (o) => stringField(o, 'spec', 'nodeName') },
    { field: 'spec.restartPolicy', value: (o) => stringField(o, 'spec', 'restartPolicy') },
    { field: 'spec.schedulerName', value: (o) => stringField(o, 'spec', 'schedulerName') },
    { field: 'spec.serviceAccountName', value: (o) => stringField(o, 'spec', 'serviceAccountName') },
    { field: 'spec.hostNetwork', value: (o) => String(field(o, 'spec', 'hostNetwork') === true) },
    { field: 'status.phase', value: (o) => stringField(o, 'status', 'phase') },
    { field: 'status.podIP', value: (o) => stringField(o, 'status', 'podIP') },
    { field: 'status.nominatedNodeName', value: (o) => stringField(o, 'status', 'nominatedNodeName') },
  ],
  nameRule: 'subdomain',
};

// kubevirt.io/v1 VirtualMachine (staging/src/kubevirt.io/api/core/v1/types.go; CRD:
// pkg/virt-operator/resource/generate/components/crds.go).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import { isPlainObject } from '../../../common/object.js';
import { arr, bool, dateTime, int32, int64, obj, opt, preserveObject, str, stringMap } from '../../field-types.js';
import { embeddedObjectMeta, kindSchema, spec, status } from '../../meta.js';
import { AGE_COLUMN } from '../../printer-columns.js';
import { dataVolumeSpec } from '../../cdi.kubevirt.io/v1beta1/data-volume.js';
import { kubevirtConditions, vmiSpec } from './vmi-spec.js';
import { addDefaultPodNetwork } from './default-network.js';
import { vmValidatingWebhook } from './vm-admission.js';

export const vmSchema = kindSchema('VirtualMachine handles the VirtualMachines that are not running or are in a stopped state The VirtualMachine contains the template to create the VirtualMachineInstance. It also mirrors the running state of the created VirtualMachineInstance in its status.', {
  spec: spec({
    dataVolumeTemplates: opt(arr(obj({
      apiVersion: opt(str('APIVersion defines the versioned schema of this representation of an object.')),
      kind: opt(str('Kind is a string value representing the REST resource this object represents.')),
      metadata: opt(embeddedObjectMeta()),
      spec: dataVolumeSpec,
      status: opt(preserveObject('DataVolumeTemplateDummyStatus is here simply for backwards compatibility with a previous API.', { nullable: true })),
    }), 'dataVolumeTemplates is a list of dataVolumes that the VirtualMachineInstance template can reference. DataVolumes in this list are dynamically created for the VirtualMachine and are tied to the VirtualMachine\'s life-cycle.')),
    instancetype: opt(preserveObject('InstancetypeMatcher references a instancetype that is used to fill fields in Template')),
    preference: opt(preserveObject('PreferenceMatcher references a set of preference that is used to fill fields in Template')),
    runStrategy: opt(str('Running state indicates the requested running state of the VirtualMachineInstance mutually exclusive with Running Following are allowed values: - "Always": VMI should always be running. - "Halted": VMI should never be running. - "Manual": VMI can be started/stopped using API endpoints. - "RerunOnFailure": VMI will initially be running and restarted if a failure occurs, but will not be restarted upon successful completion. - "Once": VMI will run once and not be restarted upon completion regardless if the completion is of phase Failure or Success')),
    running: opt(bool('Running controls whether the associatied VirtualMachineInstance is created or not Mutually exclusive with RunStrategy Deprecated: VirtualMachineInstance field "Running" is now deprecated, please use RunStrategy instead.')),
    template: obj({
      metadata: opt(embeddedObjectMeta()),
      spec: opt(vmiSpec()),
    }, 'Template is the direct specification of VirtualMachineInstance'),
    updateVolumesStrategy: opt(str('UpdateVolumesStrategy is the strategy to apply on volumes updates')),
  }, 'Spec contains the specification of VirtualMachineInstance created'),
  status: opt(status({
    changedBlockTracking: opt(preserveObject('ChangedBlockTracking represents the status of the changedBlockTracking')),
    conditions: opt(kubevirtConditions("Hold the state information of the VirtualMachine and its VirtualMachineInstance")),
    created: opt(bool('Created indicates if the virtual machine is created in the cluster')),
    desiredGeneration: opt(int64('DesiredGeneration is the generation which is desired for the VMI. This will be used in comparisons with ObservedGeneration to understand when the VMI is out of sync. This will be changed at the same time as ObservedGeneration to remove errors which could occur if Generation is updated through an Update() before ObservedGeneration in Status.')),
    instancetypeRef: opt(preserveObject('InstancetypeRef captures the state of any referenced instance type from the VirtualMachine')),
    memoryDumpRequest: opt(preserveObject('MemoryDumpRequest tracks memory dump request phase and info of getting a memory dump to the given pvc')),
    observedGeneration: opt(int64('ObservedGeneration is the generation observed by the vmi when started.')),
    preferenceRef: opt(preserveObject('PreferenceRef captures the state of any referenced preference from the VirtualMachine')),
    printableStatus: opt(str('PrintableStatus is a human readable, high-level representation of the status of the virtual machine')),
    ready: opt(bool('Ready indicates if the virtual machine is running and ready')),
    restoreInProgress: opt(str('RestoreInProgress is the name of the VirtualMachineRestore currently executing')),
    runStrategy: opt(str('RunStrategy tracks the last recorded RunStrategy used by the VM. This is needed to correctly process the next strategy (for now only the RerunOnFailure)')),
    snapshotInProgress: opt(str('SnapshotInProgress is the name of the VirtualMachineSnapshot currently executing')),
    startFailure: opt(obj({
      consecutiveFailCount: opt(int32()),
      lastFailedVMIUID: opt(str()),
      retryAfterTimestamp: opt(dateTime(undefined, true)),
    }, 'StartFailure tracks consecutive VMI startup failures for the purposes of crash loop backoffs')),
    stateChangeRequests: opt(arr(obj({
      action: str('Indicates the type of action that is requested. e.g. Start or Stop'),
      data: opt(stringMap('Provides additional data in order to perform the Action')),
      uid: opt(str('Indicates the UUID of an existing Virtual Machine Instance that this change request applies to -- if applicable')),
    }), 'StateChangeRequests indicates a list of actions that should be taken on a VMI e.g. stop a specific VMI then start a new one.')),
    volumeRequests: opt(arr(preserveObject(), 'VolumeRequests indicates a list of volumes add or remove from the VMI template and hotplug on an active running VMI.', { 'x-kubernetes-list-type': 'atomic' })),
    volumeSnapshotStatuses: opt(arr(obj({
      enabled: bool('True if the volume supports snapshotting'),
      name: str('Volume name'),
      reason: opt(str('Empty if snapshotting is enabled, contains reason otherwise')),
    }), 'VolumeSnapshotStatuses indicates a list of statuses whether snapshotting is supported by each volume.')),
    volumeUpdateState: opt(preserveObject('VolumeUpdateState contains the information about the volumes set updates related to the volumeUpdateStrategy')),
  }, 'Status holds the current state of the controller and brief information about its associated VirtualMachineInstance')),
});

export type VirtualMachine = Static<typeof vmSchema>;

/** virt-api's defaults on amd64 (VM mutator: setDefaultMachineType and the default architecture). */
export const DEFAULT_ARCHITECTURE = 'amd64';
export const DEFAULT_MACHINE_TYPE = 'q35';

export function defaultVMTemplate(o: KubeObject): void {
  const tmpl = isPlainObject(o['spec']) ? o['spec']['template'] : undefined;
  if (!isPlainObject(tmpl) || !isPlainObject(tmpl['spec'])) return;
  const vmi = tmpl['spec'];
  if (vmi['architecture'] === undefined || vmi['architecture'] === '') vmi['architecture'] = DEFAULT_ARCHITECTURE;
  const domain = vmi['domain'];
  if (!isPlainObject(domain)) return;
  const machine = domain['machine'];
  if (!isPlainObject(machine)) domain['machine'] = { type: DEFAULT_MACHINE_TYPE };
  else if (machine['type'] === undefined || machine['type'] === '') machine['type'] = DEFAULT_MACHINE_TYPE;
}

/** The default network on create, in the template (HCO's masquerade default, see default-network.ts). */
export function defaultVMNetwork(o: KubeObject): void {
  const tmpl = isPlainObject(o['spec']) ? o['spec']['template'] : undefined;
  if (isPlainObject(tmpl)) addDefaultPodNetwork(tmpl['spec']);
}

export const vmKind: KindDef = {
  group: 'kubevirt.io',
  versions: ['v1'],
  kind: 'VirtualMachine',
  listKind: 'VirtualMachineList',
  plural: 'virtualmachines',
  singular: 'virtualmachine',
  namespaced: true,
  shortNames: ['vm', 'vms'],
  categories: ['all'],
  schema: vmSchema,
  openapiName: 'io.kubevirt.v1.VirtualMachine',
  subresources: { status: true },
  printerColumns: [
    AGE_COLUMN,
    { name: 'Status', type: 'string', jsonPath: '.status.printableStatus', description: 'Human Readable Status' },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
  ],
  fieldSelectors: [],
  // virt-api mutates VMs on create and update alike.
  normalize: defaultVMTemplate,
  defaults: defaultVMNetwork,
  validatingWebhooks: [vmValidatingWebhook],
  nameRule: 'subdomain',
};

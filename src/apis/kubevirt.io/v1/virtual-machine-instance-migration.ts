// kubevirt.io/v1 VirtualMachineInstanceMigration: a request to live-migrate one VMI
// (staging/src/kubevirt.io/api/core/v1/types.go; CRD columns Phase and VMI, no Age).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { isPlainObject } from '../../../common/object.js';
import { arr, dateTime, obj, opt, str, stringMap } from '../../field-types.js';
import { kindSchema, spec, status } from '../../meta.js';
import { kubevirtConditions, migrationState } from './vmi-spec.js';

export const vmimSchema = kindSchema("VirtualMachineInstanceMigration represents the object tracking a VMI's migration to another host in the cluster", {
  spec: spec({
    addedNodeSelector: opt(stringMap("AddedNodeSelector is an additional selector that can be used to complement a NodeSelector or NodeAffinity as set on the VM to restrict the set of allowed target nodes for a migration. In case of key collisions, values set on the VM objects are going to be preserved to ensure that addedNodeSelector can only restrict but not bypass constraints already set on the VM object.")),
    vmiName: opt(str('The name of the VMI to perform the migration on. VMI must exist in the migration objects namespace')),
  }),
  status: opt(status({
    conditions: opt(kubevirtConditions('Conditions of the migration (e.g. migrationAbortRequested).')),
    migrationState: opt(migrationState('Represents the status of a live migration')),
    phase: opt(str('VirtualMachineInstanceMigrationPhase is a label for the condition of a VirtualMachineInstanceMigration at the current time.')),
    phaseTransitionTimestamps: opt(arr(obj({
      phase: opt(str('Phase is the status of the VirtualMachineInstanceMigrationPhase in kubernetes world. It is not the VirtualMachineInstanceMigrationPhase status, but partially correlates to it.')),
      phaseTransitionTimestamp: opt(dateTime('PhaseTransitionTimestamp is the timestamp of when the phase change occurred', true)),
    }), 'PhaseTransitionTimestamp is the timestamp of when the last phase change occurred')),
  }, "VirtualMachineInstanceMigration reprents information pertaining to a VMI's migration.")),
});

export type VirtualMachineInstanceMigration = Static<typeof vmimSchema>;

/** What the migration-create mutator adds (MigrationSelectorLabel, VirtualMachineInstanceMigrationFinalizer). */
export const MIGRATION_SELECTOR_LABEL = 'kubevirt.io/vmi-name';
export const MIGRATION_FINALIZER = 'kubevirt.io/migrationJobFinalize';

export const vmimKind: KindDef = {
  group: 'kubevirt.io',
  versions: ['v1'],
  kind: 'VirtualMachineInstanceMigration',
  listKind: 'VirtualMachineInstanceMigrationList',
  plural: 'virtualmachineinstancemigrations',
  singular: 'virtualmachineinstancemigration',
  namespaced: true,
  shortNames: ['vmim', 'vmims'],
  categories: ['all'],
  schema: vmimSchema,
  openapiName: 'io.kubevirt.v1.VirtualMachineInstanceMigration',
  subresources: { status: true },
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'The current phase of VM instance migration' },
    { name: 'VMI', type: 'string', jsonPath: '.spec.vmiName', description: 'The name of the VMI to perform the migration on' },
  ],
  fieldSelectors: [],
  defaults: (o) => {
    const vmiName = isPlainObject(o['spec']) ? o['spec']['vmiName'] : undefined;
    if (typeof vmiName === 'string') o.metadata.labels = { ...(o.metadata.labels ?? {}), [MIGRATION_SELECTOR_LABEL]: vmiName };
    const fins = o.metadata.finalizers ?? [];
    if (!fins.includes(MIGRATION_FINALIZER)) o.metadata.finalizers = [...fins, MIGRATION_FINALIZER];
  },
  nameRule: 'subdomain',
};

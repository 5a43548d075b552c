// rbac.authorization.k8s.io/v1 RoleBinding.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { opt } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { BINDING_COLUMNS, defaultBinding, RBAC_GROUP, roleRef, subjects, validateBinding } from './rbac-types.js';

export const roleBindingSchema = kindSchema('RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.  RoleBindings in a given namespace only have effect in that namespace.', {
  roleRef: opt(roleRef("RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.")),
  subjects: opt(subjects),
});

export type RoleBinding = Static<typeof roleBindingSchema>;

export const roleBindingKind: KindDef = {
  group: RBAC_GROUP,
  versions: ['v1'],
  kind: 'RoleBinding',
  listKind: 'RoleBindingList',
  plural: 'rolebindings',
  singular: 'rolebinding',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: roleBindingSchema,
  openapiName: 'io.k8s.api.rbac.v1.RoleBinding',
  subresources: { status: false },
  printerColumns: BINDING_COLUMNS,
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  defaults: defaultBinding,
  validate: (o, old) => validateBinding(o, old, true),
  nameRule: 'path',
};

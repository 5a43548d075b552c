// rbac.authorization.k8s.io/v1 ClusterRoleBinding.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { opt } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { BINDING_COLUMNS, defaultBinding, RBAC_GROUP, roleRef, subjects, validateBinding } from './rbac-types.js';

export const clusterRoleBindingSchema = kindSchema('ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.', {
  roleRef: opt(roleRef('RoleRef can only reference a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.')),
  subjects: opt(subjects),
});

export type ClusterRoleBinding = Static<typeof clusterRoleBindingSchema>;

export const clusterRoleBindingKind: KindDef = {
  group: RBAC_GROUP,
  versions: ['v1'],
  kind: 'ClusterRoleBinding',
  listKind: 'ClusterRoleBindingList',
  plural: 'clusterrolebindings',
  singular: 'clusterrolebinding',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: clusterRoleBindingSchema,
  openapiName: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
  subresources: { status: false },
  printerColumns: BINDING_COLUMNS,
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  defaults: defaultBinding,
  validate: (o, old) => validateBinding(o, old, false),
  nameRule: 'path',
};

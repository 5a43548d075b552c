// rbac.authorization.k8s.io/v1 Role.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { opt } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { CREATED_AT_COLUMN, RBAC_GROUP, rules, validatePolicyRules } from './rbac-types.js';

export const roleSchema = kindSchema('Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.', {
  rules: opt(rules('Rules holds all the PolicyRules for this Role')),
});

export type Role = Static<typeof roleSchema>;

export const roleKind: KindDef = {
  group: RBAC_GROUP,
  versions: ['v1'],
  kind: 'Role',
  listKind: 'RoleList',
  plural: 'roles',
  singular: 'role',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: roleSchema,
  openapiName: 'io.k8s.api.rbac.v1.Role',
  subresources: { status: false },
  printerColumns: [CREATED_AT_COLUMN],
  // RBAC lists are atomic: only ObjectMeta's lists merge.
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  validate: (o) => validatePolicyRules(o, true),
  nameRule: 'path',
};

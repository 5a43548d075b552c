// rbac.authorization.k8s.io/v1 ClusterRole.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, labelSelector, obj, opt } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import {
  CREATED_AT_COLUMN, RBAC_GROUP, rules, validateAggregationRule, validatePolicyRules,
} from './rbac-types.js';

export const clusterRoleSchema = kindSchema('ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.', {
  aggregationRule: opt(obj({
    clusterRoleSelectors: opt(arr(labelSelector(), "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added", { 'x-kubernetes-list-type': 'atomic' })),
  }, 'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. If AggregationRule is set, then the Rules are controller managed and direct changes to Rules will be stomped by the controller.')),
  rules: opt(rules('Rules holds all the PolicyRules for this ClusterRole')),
});

export type ClusterRole = Static<typeof clusterRoleSchema>;

export const clusterRoleKind: KindDef = {
  group: RBAC_GROUP,
  versions: ['v1'],
  kind: 'ClusterRole',
  listKind: 'ClusterRoleList',
  plural: 'clusterroles',
  singular: 'clusterrole',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: clusterRoleSchema,
  openapiName: 'io.k8s.api.rbac.v1.ClusterRole',
  subresources: { status: false },
  printerColumns: [CREATED_AT_COLUMN],
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  validate: (o) => [...validatePolicyRules(o, false), ...validateAggregationRule(o)],
  nameRule: 'path',
};

// nmstate.io/v1beta1 NodeNetworkConfigurationEnactment: one per (matching node, policy), named
// `<node>.<policy>` (kubernetes-nmstate api/shared/nodenetworkconfigurationenactment_types.go; CRD
// deploy/crds/nmstate.io_nodenetworkconfigurationenactments.yaml, whose root keeps unknown fields).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { dateTime, int64, mapOf, obj, opt, preserveObject, str, stringList } from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import {
  nmstateConditions, TRUE_CONDITION_REASON, TRUE_CONDITION_SINCE, TRUE_CONDITION_TYPE,
} from '../condition.js';

const metaInfo = () => obj({ time: opt(dateTime()), version: opt(str()) });

export const nnceSchema = kindSchema('NodeNetworkConfigurationEnactment is the Schema for the nodenetworkconfigurationenactments API', {
  status: opt(status({
    capturedStates: opt(mapOf(obj({
      metaInfo: opt(metaInfo()),
      state: opt(preserveObject()),
    }), 'A cache containing the resolved captures after processing the capture at NNCP')),
    conditions: opt(nmstateConditions()),
    desiredState: opt(preserveObject("The desired state rendered for the enactment's node using the policy desiredState as template")),
    desiredStateMetaInfo: opt(metaInfo()),
    features: opt(stringList()),
    policyGeneration: opt(int64('The generation from policy needed to check if an enactment condition status belongs to the same policy version')),
    retryCount: opt(mapOf(int64())),
  }, 'NodeNetworkConfigurationEnactmentStatus defines the observed state of NodeNetworkConfigurationEnactment')),
}, { 'x-kubernetes-preserve-unknown-fields': true });

export type NodeNetworkConfigurationEnactment = Static<typeof nnceSchema>;

/** Labels the handler puts on each enactment. */
export const ENACTMENT_POLICY_LABEL = 'nmstate.io/policy';
export const ENACTMENT_NODE_LABEL = 'nmstate.io/node';

export const nnceKind: KindDef = {
  group: 'nmstate.io',
  versions: ['v1beta1'],
  kind: 'NodeNetworkConfigurationEnactment',
  listKind: 'NodeNetworkConfigurationEnactmentList',
  plural: 'nodenetworkconfigurationenactments',
  singular: 'nodenetworkconfigurationenactment',
  namespaced: false,
  shortNames: ['nnce'],
  categories: [],
  schema: nnceSchema,
  openapiName: 'io.nmstate.v1beta1.NodeNetworkConfigurationEnactment',
  subresources: { status: true },
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: TRUE_CONDITION_TYPE, description: 'Status' },
    { name: 'Status Age', type: 'date', jsonPath: TRUE_CONDITION_SINCE, description: 'Status Age' },
    { name: 'Reason', type: 'string', jsonPath: TRUE_CONDITION_REASON, description: 'Reason' },
  ],
  fieldSelectors: [],
  nameRule: 'subdomain',
};

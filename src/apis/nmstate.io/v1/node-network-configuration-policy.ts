// nmstate.io/v1 NodeNetworkConfigurationPolicy (kubernetes-nmstate api/shared/nodenetworkconfigurationpolicy_types.go;
// CRD deploy/crds/nmstate.io_nodenetworkconfigurationpolicies.yaml).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { dateTime, int64, intOrString, mapOf, opt, preserveObject, stringMap } from '../../field-types.js';
import { kindSchema, spec, status } from '../../meta.js';
import { nmstateConditions, TRUE_CONDITION_REASON, TRUE_CONDITION_TYPE } from '../condition.js';
import type { KubeObject } from '../../../common/object.js';
import { deepEqual, isPlainObject } from '../../../common/object.js';
import type { FieldError } from '../../../common/status-error.js';
import { isValidLabelValue } from '../../../common/names.js';
import { validateDesiredStateKernelValues } from './kernel-names.js';

interface PolicyCondition { type?: string; status?: string; reason?: string }

function conditionsOf(o: KubeObject): PolicyCondition[] {
  const st = o['status'];
  const cs = isPlainObject(st) ? st['conditions'] : undefined;
  return Array.isArray(cs) ? (cs as PolicyCondition[]) : [];
}

/**
 * kubernetes-nmstate's admission policy (nncp-validation-policy): names fit a label value; the spec
 * cannot change while the policy is progressing; `capture` never changes.
 */
export function validatePolicyWrite(o: KubeObject, old: KubeObject | undefined): FieldError[] {
  const name = o.metadata.name ?? '';
  const errs: FieldError[] = validateDesiredStateKernelValues(isPlainObject(o['spec']) ? o['spec']['desiredState'] : undefined);
  if (!old) {
    for (const msg of isValidLabelValue(name)) errs.push({ type: 'FieldValueInvalid', field: 'metadata.name', value: name, detail: msg });
    return errs;
  }
  const specOf = (x: KubeObject): Record<string, unknown> => (isPlainObject(x['spec']) ? x['spec'] : {});
  const [cur, prev] = [specOf(o), specOf(old)];
  if (!deepEqual(cur['capture'], prev['capture'])) {
    errs.push({ type: 'FieldValueForbidden', field: 'spec.capture', detail: 'invalid policy operation: capture field cannot be modified' });
  }
  if (!deepEqual(cur, prev)) {
    const cs = conditionsOf(old);
    const progressing = cs.some((c) => c.type === 'Progressing' && c.status === 'True')
      || cs.some((c) => c.type === 'Available' && c.reason === 'ConfigurationProgressing');
    if (progressing) errs.push({ type: 'FieldValueForbidden', field: 'spec', detail: `policy ${name} is still in progress` });
  }
  return errs;
}

export const nncpSchema = kindSchema('NodeNetworkConfigurationPolicy is the Schema for the nodenetworkconfigurationpolicies API', {
  spec: opt(spec({
    capture: opt(stringMap('Capture contains expressions with an associated name than can be referenced at the DesiredState.')),
    desiredState: opt(preserveObject('The desired configuration of the policy')),
    maxUnavailable: opt(intOrString('MaxUnavailable specifies percentage or number of machines that can be updating at a time. Default is "50%".')),
    nodeSelector: opt(stringMap("NodeSelector is a selector which must be true for the policy to be applied to the node. Selector which must match a node's labels for the policy to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/")),
  }, 'NodeNetworkConfigurationPolicySpec defines the desired state of NodeNetworkConfigurationPolicy')),
  status: opt(status({
    conditions: opt(nmstateConditions()),
    lastUnavailableNodeCountUpdate: opt(dateTime('LastUnavailableNodeCountUpdate is time of the last UnavailableNodeCount update')),
    unavailableNodeCount: opt(int64('UnavailableNodeCount represents the total number of potentially unavailable nodes that are processing a NodeNetworkConfigurationPolicy')),
    unavailableNodeCountMap: opt(mapOf(int64(), 'UnavailableNodeCountMap counts, per policy generation, the nodes currently applying the policy (the maxUnavailable slots taken).')),
  }, 'NodeNetworkConfigurationPolicyStatus defines the observed state of NodeNetworkConfigurationPolicy')),
});

export type NodeNetworkConfigurationPolicy = Static<typeof nncpSchema>;

export const nncpKind: KindDef = {
  group: 'nmstate.io',
  versions: ['v1', 'v1beta1'],
  kind: 'NodeNetworkConfigurationPolicy',
  listKind: 'NodeNetworkConfigurationPolicyList',
  plural: 'nodenetworkconfigurationpolicies',
  singular: 'nodenetworkconfigurationpolicy',
  namespaced: false,
  shortNames: ['nncp'],
  categories: [],
  schema: nncpSchema,
  openapiName: 'io.nmstate.v1.NodeNetworkConfigurationPolicy',
  subresources: { status: true },
  // v1 columns (v1beta1 declares only Status).
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: TRUE_CONDITION_TYPE, description: 'Status' },
    { name: 'Reason', type: 'string', jsonPath: TRUE_CONDITION_REASON, description: 'Reason' },
  ],
  fieldSelectors: [],
  validate: validatePolicyWrite,
  nameRule: 'subdomain',
};

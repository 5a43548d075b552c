// The ValidatingAdmissionPolicy the cluster network operator installs with primary UDNs
// (CNO bindata/network/ovn-kubernetes/common/udn-admission-policy.yaml): the namespace label a primary UDN
// needs can only be given when the namespace is created. The denial is kube-apiserver's for any VAP
// (admission/plugin/policy/validating/dispatcher.go): admission.NewForbidden's message, then reason
// Invalid (the policy sets none) with code 422, and the policy's message as the one cause.
import type { KubeObject } from '../../../common/object.js';
import { StatusError, qualifiedResource } from '../../../common/status-error.js';
import { validateLabels } from '../../../common/names.js';
import { PRIMARY_UDN_NAMESPACE_LABEL } from './user-defined-network.js';

export const NAMESPACE_LABEL_POLICY = 'user-defined-networks-namespace-label';
// The binding CNO ships names the policy by an older name (`disable-udn-label-change`, OCPBUGS-49676);
// this is the binding that denies once it points at the policy.
export const NAMESPACE_LABEL_POLICY_BINDING = 'user-defined-networks-namespace-label-binding';
export const NAMESPACE_LABEL_MESSAGE = `The '${PRIMARY_UDN_NAMESPACE_LABEL}' label cannot be added/removed after the namespace was created`;

/** The policy's expression: `(label in oldObject.metadata.labels) == (label in object.metadata.labels)` on UPDATE. */
export function primaryLabelChangeDenied(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return false;
  const had = Object.hasOwn(old.metadata.labels ?? {}, PRIMARY_UDN_NAMESPACE_LABEL);
  const has = Object.hasOwn(obj.metadata.labels ?? {}, PRIMARY_UDN_NAMESPACE_LABEL);
  return had !== has;
}

/** The Status a VAP denial reaches the client as: `<resource> "<name>" is forbidden: ValidatingAdmissionPolicy …`. */
export function validatingAdmissionPolicyDenied(group: string, plural: string, name: string, policy: string, binding: string, message: string): StatusError {
  const cause = `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${message}`;
  return new StatusError(422, 'Invalid', `${qualifiedResource(group, plural)} "${name}" is forbidden: ${cause}`, {
    name, ...(group ? { group } : {}), kind: plural, causes: [{ message: cause }],
  });
}

/**
 * Throws the policy's denial for a Namespace update that adds or removes the label. Admission policies
 * run after the object's own validation, so an update whose labels are invalid anyway is left to that.
 */
export function admitNamespaceLabels(obj: KubeObject, old: KubeObject | undefined): void {
  if (!primaryLabelChangeDenied(obj, old)) return;
  if (validateLabels(obj.metadata.labels ?? {}, 'metadata.labels').length > 0) return;
  throw validatingAdmissionPolicyDenied('', 'namespaces', obj.metadata.name ?? '', NAMESPACE_LABEL_POLICY, NAMESPACE_LABEL_POLICY_BINDING, NAMESPACE_LABEL_MESSAGE);
}

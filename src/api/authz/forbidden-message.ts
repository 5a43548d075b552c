// Pure: the 403 a denied request gets, in kube-apiserver's words (endpoints/handlers/responsewriters'
// forbiddenMessage and apierrors.NewForbidden).
import { forbidden, type StatusError } from '../../common/status-error.js';
import type { RequestAttributes } from '../request-attributes.js';

export function forbiddenReason(a: RequestAttributes): string {
  if (!a.resourceRequest) return `User ${JSON.stringify(a.user.name)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return `User ${JSON.stringify(a.user.name)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
}

/**
 * `why` is the authorizers' reason: upstream appends it after a colon when there is one (an RBAC denial has
 * none; the Node authorizer's `no relationship found between node …` is one).
 */
export function forbiddenError(a: RequestAttributes, why = ''): StatusError {
  const reason = why === '' ? forbiddenReason(a) : `${forbiddenReason(a)}: ${why}`;
  if (!a.resourceRequest) return forbidden(`forbidden: ${reason}`);
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const message = a.name ? `${qualified} ${JSON.stringify(a.name)} is forbidden: ${reason}` : `${qualified} is forbidden: ${reason}`;
  return forbidden(message, { ...(a.name ? { name: a.name } : {}), group: a.apiGroup, kind: a.resource });
}

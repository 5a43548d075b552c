// authorization.k8s.io/v1: SelfSubjectAccessReview (`kubectl auth can-i`), SelfSubjectRulesReview
// (`kubectl auth can-i --list`), SubjectAccessReview and LocalSubjectAccessReview. Create-only virtual kinds
// (pkg/registry/authorization/*): nothing is stored, the answer comes back in status. Pure apart from the
// authorizer and rules source passed in.
import type { User } from '../authn.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { Authorizer } from './authorizer.js';
import type { PolicyRule, UserInfo } from './rbac-rules.js';
import { badRequest, invalid, methodNotAllowed, type FieldError } from '../../common/status-error.js';
import { isPlainObject } from '../../common/object.js';

export const AUTHORIZATION_GROUP = 'authorization.k8s.io';
const GV = `${AUTHORIZATION_GROUP}/v1`;

export interface ReviewResource { plural: string; singular: string; kind: string; namespaced: boolean }

export const REVIEW_RESOURCES: ReviewResource[] = [
  { plural: 'localsubjectaccessreviews', singular: 'localsubjectaccessreview', kind: 'LocalSubjectAccessReview', namespaced: true },
  { plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', kind: 'SelfSubjectAccessReview', namespaced: false },
  { plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', kind: 'SelfSubjectRulesReview', namespaced: false },
  { plural: 'subjectaccessreviews', singular: 'subjectaccessreview', kind: 'SubjectAccessReview', namespaced: false },
];

/** The rules part of authorization: who may do what in a namespace, for SelfSubjectRulesReview. */
export interface RulesSource {
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[]; incomplete?: boolean };
}

export type ReviewRoute = { kind: ReviewResource; namespace?: string };

/** `/apis/authorization.k8s.io/v1/<plural>` or `…/namespaces/<ns>/localsubjectaccessreviews`. */
export function reviewRoute(path: string): ReviewRoute | undefined {
  const rest = path.startsWith(`/apis/${GV}/`) ? path.slice(`/apis/${GV}/`.length).split('/') : undefined;
  if (!rest) return undefined;
  if (rest.length === 1) {
    const kind = REVIEW_RESOURCES.find((r) => !r.namespaced && r.plural === rest[0]);
    return kind ? { kind } : undefined;
  }
  if (rest.length === 3 && rest[0] === 'namespaces' && rest[2] === 'localsubjectaccessreviews' && rest[1] !== '') {
    return { kind: REVIEW_RESOURCES[0]!, namespace: decodeURIComponent(rest[1]!) };
  }
  return undefined;
}

const str = (o: unknown, k: string): string => (isPlainObject(o) && typeof o[k] === 'string' ? o[k] : '');

/** ResourceAttributesFrom / NonResourceAttributesFrom. */
function attributesFrom(user: User, spec: Record<string, unknown>): RequestAttributes {
  const ra = spec['resourceAttributes'];
  if (isPlainObject(ra)) {
    return {
      user, verb: str(ra, 'verb'), resourceRequest: true, apiGroup: str(ra, 'group'), apiVersion: str(ra, 'version'),
      resource: str(ra, 'resource'), subresource: str(ra, 'subresource'), namespace: str(ra, 'namespace'), name: str(ra, 'name'), path: '',
    };
  }
  const na = spec['nonResourceAttributes'];
  return {
    user, verb: str(na, 'verb'), resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path: str(na, 'path'),
  };
}

function validateAttributes(spec: Record<string, unknown>): FieldError[] {
  const r = isPlainObject(spec['resourceAttributes']);
  const n = isPlainObject(spec['nonResourceAttributes']);
  if (r === n) {
    return [{ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', value: spec['resourceAttributes'] ?? null, detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }];
  }
  return [];
}

function ruleInfo(rules: PolicyRule[]): { resourceRules: unknown[]; nonResourceRules: unknown[] } {
  const resourceRules: unknown[] = [];
  const nonResourceRules: unknown[] = [];
  for (const r of rules) {
    if ((r.nonResourceURLs ?? []).length > 0) nonResourceRules.push({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs });
    else resourceRules.push({ verbs: r.verbs ?? [], apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });
  }
  return { resourceRules, nonResourceRules };
}

/**
 * Answers one review. `requester` is the authenticated user (its groups as authentication gave them,
 * `system:authenticated` included); SubjectAccessReviews ask about the user their spec names instead.
 */
export async function review(route: ReviewRoute, method: string, body: unknown, requester: User, authorizer: Authorizer, rules: RulesSource): Promise<{ code: number; body: unknown }> {
  const { kind } = route;
  if (method !== 'POST') throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  if (!isPlainObject(body)) throw badRequest(`Object '${kind.kind}' is invalid: the request body must be a JSON object`);
  if (body['apiVersion'] !== undefined && body['apiVersion'] !== GV) throw badRequest(`the API version in the data (${String(body['apiVersion'])}) does not match the expected API version (${GV})`);
  if (body['kind'] !== undefined && body['kind'] !== kind.kind) throw badRequest(`the kind in the data (${String(body['kind'])}) does not match the expected kind (${kind.kind})`);
  const spec = isPlainObject(body['spec']) ? { ...body['spec'] } : {};
  const meta = isPlainObject(body['metadata']) ? body['metadata'] : {};
  const name = str(meta, 'name');
  const out = (status: Record<string, unknown>): { code: number; body: unknown } => ({
    code: 201,
    body: { kind: kind.kind, apiVersion: GV, metadata: { ...meta, creationTimestamp: null }, spec, status },
  });

  if (kind.kind === 'SelfSubjectRulesReview') {
    const namespace = str(spec, 'namespace');
    const r = rules.rulesFor(requester, namespace);
    return out({
      ...ruleInfo(r.rules), incomplete: r.incomplete === true || r.errors.length > 0,
      ...(r.errors.length > 0 ? { evaluationError: r.errors.join(', ') } : {}),
    });
  }

  const errs = validateAttributes(spec);
  let user: User = requester;
  if (kind.kind === 'SubjectAccessReview' || kind.kind === 'LocalSubjectAccessReview') {
    const groups = Array.isArray(spec['groups']) ? spec['groups'].filter((g): g is string => typeof g === 'string') : [];
    if (str(spec, 'user') === '' && groups.length === 0) errs.push({ type: 'FieldValueInvalid', field: 'spec.user', value: '', detail: 'at least one of user or group must be specified' });
    user = { name: str(spec, 'user'), uid: str(spec, 'uid'), groups };
  } else {
    // a self review asks about the requester, whatever its spec claims
    for (const k of ['user', 'groups', 'uid', 'extra']) delete spec[k];
  }
  if (kind.kind === 'LocalSubjectAccessReview') {
    if (isPlainObject(spec['nonResourceAttributes'])) errs.push({ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', value: spec['nonResourceAttributes'], detail: 'disallowed on this kind of request' });
    const ra = spec['resourceAttributes'];
    if (isPlainObject(ra)) {
      const ns = str(ra, 'namespace');
      if (ns === '') spec['resourceAttributes'] = { ...ra, namespace: route.namespace };
      else if (ns !== route.namespace) throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${route.namespace ?? ''}`);
    }
  }
  if (errs.length > 0) throw invalid(AUTHORIZATION_GROUP, kind.kind, name, errs);
  const d = await authorizer.authorize(attributesFrom(user, spec));
  return out({ allowed: d.decision === 'allow', ...(d.decision === 'deny' ? { denied: true } : {}), ...(d.reason ? { reason: d.reason } : {}) });
}

// ---- discovery ----

export function aggregatedGroup(): Record<string, unknown> {
  return {
    metadata: { name: AUTHORIZATION_GROUP },
    versions: [{
      version: 'v1',
      freshness: 'Current',
      resources: REVIEW_RESOURCES.map((r) => ({
        resource: r.plural, singularResource: r.singular, scope: r.namespaced ? 'Namespaced' : 'Cluster',
        responseKind: { group: AUTHORIZATION_GROUP, version: 'v1', kind: r.kind }, verbs: ['create'],
      })),
    }],
  };
}

export function resourceList(): Record<string, unknown> {
  return {
    kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GV,
    resources: REVIEW_RESOURCES.map((r) => ({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: ['create'] })),
  };
}

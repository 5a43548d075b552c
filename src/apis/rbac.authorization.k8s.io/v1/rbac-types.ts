// rbac.authorization.k8s.io/v1 pieces shared by the four kinds: schemas (k8s.io/api/rbac/v1 types.go),
// defaulting (pkg/apis/rbac/v1/defaults.go), validation (pkg/apis/rbac/validation/validation.go) and
// columns (printers.go printRole/printRoleBinding).
import type { PrinterColumn } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import type { FieldError } from '../../../common/status-error.js';
import { deepEqual, isPlainObject } from '../../../common/object.js';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../../../common/names.js';
import { arr, obj, opt, str, stringList } from '../../field-types.js';
import { invalid, notSupported, required } from '../../field-errors.js';
import { AGE_COLUMN, field, listField, stringField } from '../../printer-columns.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

export const policyRule = obj({
  apiGroups: opt(stringList('APIGroups is the name of the APIGroup that contains the resources.  If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. "" represents the core API group and "*" represents all API groups.', { 'x-kubernetes-list-type': 'atomic' })),
  nonResourceURLs: opt(stringList('NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path Since non-resource URLs are not namespaced, this field is only applicable for ClusterRoles referenced from a ClusterRoleBinding. Rules can either apply to API resources (such as "pods" or "secrets") or non-resource URL paths (such as "/api"),  but not both.', { 'x-kubernetes-list-type': 'atomic' })),
  resourceNames: opt(stringList('ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed.', { 'x-kubernetes-list-type': 'atomic' })),
  resources: opt(stringList("Resources is a list of resources this rule applies to. '*' represents all resources.", { 'x-kubernetes-list-type': 'atomic' })),
  verbs: opt(stringList("Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.", { 'x-kubernetes-list-type': 'atomic' })),
}, 'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.');

export const rules = (description: string) => arr(policyRule, description, { 'x-kubernetes-list-type': 'atomic' });

export const subject = obj({
  apiGroup: opt(str('APIGroup holds the API group of the referenced subject. Defaults to "" for ServiceAccount subjects. Defaults to "rbac.authorization.k8s.io" for User and Group subjects.')),
  kind: opt(str('Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount". If the Authorizer does not recognized the kind value, the Authorizer should report an error.')),
  name: opt(str('Name of the object being referenced.')),
  namespace: opt(str('Namespace of the referenced object.  If the object kind is non-namespace, such as "User" or "Group", and this value is not empty the Authorizer should report an error.')),
}, 'Subject contains a reference to the object or user identities a role binding applies to.  This can either hold a direct API object reference, or a value for non-objects such as user and group names.', { 'x-kubernetes-map-type': 'atomic' });

export const subjects = arr(subject, 'Subjects holds references to the objects the role applies to.', { 'x-kubernetes-list-type': 'atomic' });

export const roleRef = (description: string) => obj({
  apiGroup: opt(str('APIGroup is the group for the resource being referenced')),
  kind: opt(str('Kind is the type of resource being referenced')),
  name: opt(str('Name is the name of resource being referenced')),
}, description, { 'x-kubernetes-map-type': 'atomic' });

// Upstream's OpenAPI marks verbs, subject kind/name and roleRef fields required; here the validators
// below report them, with upstream's own words, so the schema leaves them optional.

// ---- defaulting ----

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(o: KubeObject): void {
  const ref = o['roleRef'];
  if (isPlainObject(ref) && (ref['apiGroup'] === undefined || ref['apiGroup'] === '')) ref['apiGroup'] = RBAC_GROUP;
  for (const s of listField(o, 'subjects')) {
    if (!isPlainObject(s) || (s['apiGroup'] !== undefined && s['apiGroup'] !== '')) continue;
    if (s['kind'] === 'ServiceAccount') s['apiGroup'] = '';
    else if (s['kind'] === 'User' || s['kind'] === 'Group') s['apiGroup'] = RBAC_GROUP;
  }
}

// ---- validation ----

export function validatePolicyRules(o: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  listField(o, 'rules').forEach((r, i) => {
    const p = `rules[${i}]`;
    const list = (k: string) => listField(r, k);
    if (list('verbs').length === 0) errs.push(required(`${p}.verbs`, 'verbs must contain at least one value'));
    const urls = list('nonResourceURLs');
    if (urls.length > 0) {
      if (namespaced) errs.push(invalid(`${p}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
      if (list('apiGroups').length > 0 || list('resources').length > 0 || list('resourceNames').length > 0) {
        errs.push(invalid(`${p}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
      }
      return;
    }
    if (list('apiGroups').length === 0) errs.push(required(`${p}.apiGroups`, 'resource rules must supply at least one api group'));
    if (list('resources').length === 0) errs.push(required(`${p}.resources`, 'resource rules must supply at least one resource'));
  });
  return errs;
}

export function validateAggregationRule(o: KubeObject): FieldError[] {
  const rule = o['aggregationRule'];
  if (!isPlainObject(rule)) return [];
  return listField(rule, 'clusterRoleSelectors').length === 0
    ? [required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil')]
    : [];
}

function validateSubject(s: unknown, namespaced: boolean, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringField(s, 'name');
  const apiGroup = stringField(s, 'apiGroup');
  if (name === '') errs.push(required(`${p}.name`));
  switch (stringField(s, 'kind')) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(`${p}.name`, name, msg));
      if (apiGroup !== '') errs.push(notSupported(`${p}.apiGroup`, apiGroup, ['']));
      if (!namespaced && stringField(s, 'namespace') === '') errs.push(required(`${p}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(`${p}.apiGroup`, apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(`${p}.kind`, stringField(s, 'kind'), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

export function validateBinding(o: KubeObject, old: KubeObject | undefined, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (old && !deepEqual(o['roleRef'], old['roleRef'])) errs.push(invalid('roleRef', o['roleRef'], 'cannot change roleRef'));
  const apiGroup = stringField(o, 'roleRef', 'apiGroup');
  if (apiGroup !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', apiGroup, [RBAC_GROUP]));
  const kind = stringField(o, 'roleRef', 'kind');
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(kind)) errs.push(notSupported('roleRef.kind', kind, kinds));
  const name = stringField(o, 'roleRef', 'name');
  if (name === '') errs.push(required('roleRef.name'));
  else for (const msg of isValidPathSegmentName(name)) errs.push(invalid('roleRef.name', name, msg));
  listField(o, 'subjects').forEach((s, i) => errs.push(...validateSubject(s, namespaced, `subjects[${i}]`)));
  return errs;
}

// ---- columns ----

/** Role/ClusterRole print CREATED AT as an RFC 3339 UTC timestamp, not an age. */
export const CREATED_AT_COLUMN: PrinterColumn = {
  name: 'Created At',
  type: 'date',
  cell: (o) => {
    const t = Date.parse(o.metadata.creationTimestamp ?? '');
    return Number.isNaN(t) ? '' : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
};

/** SubjectsStrings: users, groups and `namespace/name` service accounts, ", "-joined. */
function subjectsOf(o: KubeObject, kind: string): string {
  return listField(o, 'subjects')
    .filter((s) => field(s, 'kind') === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${stringField(s, 'namespace')}/${stringField(s, 'name')}` : stringField(s, 'name')))
    .join(', ');
}

export const BINDING_COLUMNS: PrinterColumn[] = [
  { name: 'Role', type: 'string', cell: (o) => `${stringField(o, 'roleRef', 'kind')}/${stringField(o, 'roleRef', 'name')}`, description: 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.' },
  AGE_COLUMN,
  { name: 'Users', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'User'), description: 'Users in the roleBinding' },
  { name: 'Groups', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'Group'), description: 'Groups in the roleBinding' },
  { name: 'ServiceAccounts', type: 'string', priority: 1, cell: (o) => subjectsOf(o, 'ServiceAccount'), description: 'ServiceAccounts in the roleBinding' },
];

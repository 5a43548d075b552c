// Pure RBAC evaluation, as kube-apiserver's RBAC authorizer does it (plugin/pkg/auth/authorizer/rbac/rbac.go and
// pkg/apis/rbac/v1/evaluation_helpers.go): rule matching, subjects, bindings, aggregated ClusterRoles.
import type { RequestAttributes } from '../request-attributes.js';
import { labelSelectorFromObject, matchesLabels } from '../../common/label-selector.js';
import type { LabelSelector } from '../../common/label-selector.js';

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface Subject {
  kind?: string;
  apiGroup?: string;
  name?: string;
  namespace?: string;
}

export interface RoleRef {
  apiGroup?: string;
  kind?: string;
  name?: string;
}

export interface ClusterRoleView {
  name: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  /** Present on aggregated roles: the selectors whose matching roles' rules make this role's rules. */
  selectors?: LabelSelector[];
}

export interface BindingView {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

export interface UserInfo {
  name: string;
  groups: readonly string[];
}

const has = (list: readonly string[] | undefined, v: string): boolean => list !== undefined && list.includes(v);

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return has(rule.verbs, '*') || has(rule.verbs, verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return has(rule.apiGroups, '*') || has(rule.apiGroups, group);
}

/**
 * `*`, the exact `resource` or `resource/subresource`, or `*\/subresource`. Upstream has no `resource/*` form:
 * such a rule matches only a subresource literally named `*`.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources ?? []) {
    if (r === '*' || r === combined) return true;
    if (subresource !== '' && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty list allows every name (and nameless requests: list, create); otherwise the exact name only. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** `*`, the exact path, or a prefix ending in `*`. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export type RuleRequest = Pick<RequestAttributes, 'verb' | 'resourceRequest' | 'apiGroup' | 'resource' | 'subresource' | 'name' | 'path'>;

export function ruleAllows(req: RuleRequest, rule: PolicyRule): boolean {
  if (req.resourceRequest) {
    const combined = req.subresource ? `${req.resource}/${req.subresource}` : req.resource;
    return verbMatches(rule, req.verb) && apiGroupMatches(rule, req.apiGroup)
      && resourceMatches(rule, combined, req.subresource) && resourceNameMatches(rule, req.name);
  }
  return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.path);
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The user name or group a subject stands for, as an index key (`u:<user>` or `g:<group>`); a ServiceAccount
 * without a namespace takes its RoleBinding's. Undefined for subjects that can match nobody.
 */
export function subjectKey(s: Subject, bindingNamespace: string): string | undefined {
  const name = s.name ?? '';
  if (name === '') return undefined;
  switch (s.kind) {
    case 'User': return `u:${name}`;
    case 'Group': return `g:${name}`;
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace;
      return ns === '' ? undefined : `u:${serviceAccountUsername(ns, name)}`;
    }
    default: return undefined;
  }
}

/** The index keys a user is found under: its name and each of its groups. */
export function userKeys(user: UserInfo): string[] {
  return [`u:${user.name}`, ...user.groups.map((g) => `g:${g}`)];
}

export function subjectApplies(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  const k = subjectKey(s, bindingNamespace);
  return k !== undefined && userKeys(user).includes(k);
}

/** upstream's describeSubject: `User "alice"`, `ServiceAccount "sa/ns"`. */
export function describeSubject(s: Subject, bindingNamespace: string): string {
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name ?? ''}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind ?? ''} ${JSON.stringify(s.name ?? '')}`;
}

/** upstream's clusterRoleBindingDescriber / roleBindingDescriber. */
export function describeBinding(b: BindingView, s: Subject): string {
  const name = b.kind === 'RoleBinding' ? `${b.name}/${b.namespace}` : b.name;
  return `${b.kind} ${JSON.stringify(name)} of ${b.roleRef.kind ?? ''} ${JSON.stringify(b.roleRef.name ?? '')} to ${describeSubject(s, b.namespace)}`;
}

// ---- aggregation ----

function ruleKey(r: PolicyRule): string {
  return JSON.stringify([r.verbs ?? [], r.apiGroups ?? [], r.resources ?? [], r.resourceNames ?? [], r.nonResourceURLs ?? []]);
}

export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  // `{}` selects every role, as upstream's controller has it; a selector that does not parse selects none.
  try {
    return matchesLabels(labelSelectorFromObject(sel), labels);
  } catch {
    return false;
  }
}

/**
 * The rules of every ClusterRole, aggregated ones resolved: an aggregated role's rules are the union of the
 * rules of the roles its selectors match (themselves resolved, cycles cut), in name order, duplicates dropped
 * (clusterrole-aggregation-controller). Non-aggregated roles keep their own rules.
 */
export function resolveAggregation(roles: ReadonlyMap<string, ClusterRoleView>): Map<string, PolicyRule[]> {
  const out = new Map<string, PolicyRule[]>();
  const names = [...roles.keys()].sort();
  const resolve = (name: string, visiting: Set<string>): PolicyRule[] => {
    const done = out.get(name);
    if (done) return done;
    const role = roles.get(name);
    if (!role) return [];
    if (!role.selectors) {
      out.set(name, role.rules);
      return role.rules;
    }
    if (visiting.has(name)) return [];
    visiting.add(name);
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    for (const other of names) {
      if (other === name) continue;
      const o = roles.get(other)!;
      if (!role.selectors.some((sel) => selectorMatches(sel, o.labels))) continue;
      for (const r of resolve(other, visiting)) {
        const k = ruleKey(r);
        if (seen.has(k)) continue;
        seen.add(k);
        rules.push(r);
      }
    }
    visiting.delete(name);
    out.set(name, rules);
    return rules;
  };
  for (const n of names) resolve(n, new Set());
  return out;
}

export function sameRules(a: readonly PolicyRule[], b: readonly PolicyRule[]): boolean {
  return a.length === b.length && a.every((r, i) => ruleKey(r) === ruleKey(b[i]!));
}

// ---- evaluation ----

export interface PolicySource {
  /** ClusterRoleBindings naming any of these subject keys. */
  clusterBindingsFor(keys: readonly string[]): Iterable<BindingView>;
  /** RoleBindings in a namespace naming any of these subject keys. */
  roleBindingsFor(namespace: string, keys: readonly string[]): Iterable<BindingView>;
  /** The rules a roleRef resolves to (aggregation applied), or undefined when the role does not exist. */
  rulesOf(ref: RoleRef, bindingNamespace: string): readonly PolicyRule[] | undefined;
}

export interface RbacDecision {
  allowed: boolean;
  reason: string;
}

/** Walks cluster bindings, then the namespace's bindings (VisitRulesFor), until a rule allows the request. */
export function evaluate(req: RuleRequest & { namespace: string }, user: UserInfo, src: PolicySource): RbacDecision {
  const keys = userKeys(user);
  const errors: string[] = [];
  const visit = (b: BindingView): string | undefined => {
    const subject = b.subjects.find((s) => subjectApplies(s, user, b.namespace));
    if (!subject) return undefined;
    const rules = src.rulesOf(b.roleRef, b.namespace);
    if (!rules) {
      errors.push(`${b.roleRef.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io ${JSON.stringify(b.roleRef.name ?? '')} not found`);
      return undefined;
    }
    return rules.some((r) => ruleAllows(req, r)) ? describeBinding(b, subject) : undefined;
  };
  for (const b of src.clusterBindingsFor(keys)) {
    const d = visit(b);
    if (d) return { allowed: true, reason: `RBAC: allowed by ${d}` };
  }
  if (req.namespace !== '') {
    for (const b of src.roleBindingsFor(req.namespace, keys)) {
      const d = visit(b);
      if (d) return { allowed: true, reason: `RBAC: allowed by ${d}` };
    }
  }
  return { allowed: false, reason: errors.length > 0 ? `RBAC: [${errors.join(', ')}]` : '' };
}

/** Every rule that applies to the user in a namespace (RulesFor; SelfSubjectRulesReview). */
export function rulesFor(user: UserInfo, namespace: string, src: PolicySource): { rules: PolicyRule[]; errors: string[] } {
  const keys = userKeys(user);
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  const bindings = [...src.clusterBindingsFor(keys), ...(namespace === '' ? [] : src.roleBindingsFor(namespace, keys))];
  for (const b of bindings) {
    if (!b.subjects.some((s) => subjectApplies(s, user, b.namespace))) continue;
    const r = src.rulesOf(b.roleRef, b.namespace);
    if (r) rules.push(...r);
    else errors.push(`${b.roleRef.kind === 'Role' ? 'role' : 'clusterrole'}.rbac.authorization.k8s.io ${JSON.stringify(b.roleRef.name ?? '')} not found`);
  }
  return { rules, errors };
}

// The RBAC authorizer: Roles, ClusterRoles and their bindings kept in memory from the store (list, then watch),
// bindings indexed by subject so a request costs O(bindings of the user and its groups). Aggregated ClusterRoles
// are resolved at evaluation and also written back into their `rules`, as clusterrole-aggregation-controller does.
import type { KubeObject } from '../../common/object.js';
import { isPlainObject } from '../../common/object.js';
import type { LabelSelector } from '../../common/label-selector.js';
import { clusterRoleKind } from '../../apis/rbac.authorization.k8s.io/v1/cluster-role.js';
import type { ResourceService } from '../resource-service.js';
import type { Store, StoreEvent, Watch } from '../storage/store.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { AuthorizationResult, Authorizer } from './authorizer.js';
import {
  evaluate, resolveAggregation, rulesFor, sameRules, subjectKey,
  type BindingView, type ClusterRoleView, type PolicyRule, type PolicySource, type RoleRef, type UserInfo,
} from './rbac-rules.js';

const PREFIX = '/registry/rbac.authorization.k8s.io/';
const AGGREGATE_DELAY_MS = 50;

function toRules(v: unknown): PolicyRule[] {
  return Array.isArray(v) ? v.filter(isPlainObject) as PolicyRule[] : [];
}

function bindingOf(kind: BindingView['kind'], o: KubeObject): BindingView {
  return {
    kind,
    name: o.metadata.name ?? '',
    namespace: kind === 'RoleBinding' ? (o.metadata.namespace ?? '') : '',
    roleRef: (isPlainObject(o['roleRef']) ? o['roleRef'] : {}) as RoleRef,
    subjects: Array.isArray(o['subjects']) ? o['subjects'].filter(isPlainObject) : [],
  };
}

/** A multimap from index key to binding ids, in insertion order. */
class SubjectIndex {
  private readonly m = new Map<string, Set<string>>();
  add(keys: Iterable<string>, id: string): void {
    for (const k of keys) {
      let s = this.m.get(k);
      if (!s) this.m.set(k, s = new Set());
      s.add(id);
    }
  }
  remove(keys: Iterable<string>, id: string): void {
    for (const k of keys) {
      const s = this.m.get(k);
      s?.delete(id);
      if (s && s.size === 0) this.m.delete(k);
    }
  }
  ids(keys: readonly string[]): string[] {
    const out = new Set<string>();
    for (const k of keys) for (const id of this.m.get(k) ?? []) out.add(id);
    return [...out];
  }
}

export class RbacAuthorizer implements Authorizer, PolicySource {
  private readonly roles = new Map<string, PolicyRule[]>();
  private readonly clusterRoles = new Map<string, ClusterRoleView>();
  private effective: Map<string, PolicyRule[]> | undefined;
  private readonly clusterBindings = new Map<string, { b: BindingView; keys: string[] }>();
  private readonly roleBindings = new Map<string, { b: BindingView; keys: string[] }>();
  private readonly clusterIndex = new SubjectIndex();
  private readonly roleIndex = new SubjectIndex();
  private watch: Watch | undefined;
  private timer: NodeJS.Timeout | undefined;
  private aggregating = false;
  private stopped = false;

  /** `service` set: aggregated ClusterRoles get their resolved rules written back. */
  constructor(private readonly store: Store, private readonly service?: ResourceService) {}

  async start(): Promise<void> {
    const list = await this.store.list(PREFIX);
    for (const s of list.items) this.apply({ type: 'ADDED', key: s.key, rv: s.rv, object: s.object });
    this.watch = await this.store.watch(PREFIX, list.rv, { onEvent: (ev) => this.apply(ev), onError: () => undefined });
    this.scheduleAggregation();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    if (this.timer) clearTimeout(this.timer);
  }

  private apply(ev: StoreEvent): void {
    const parts = ev.key.slice(PREFIX.length).split('/');
    const [plural] = parts;
    const del = ev.type === 'DELETED';
    const o = ev.object;
    switch (plural) {
      case 'roles': {
        const id = `${parts[1] ?? ''}/${parts[2] ?? ''}`;
        if (del) this.roles.delete(id);
        else this.roles.set(id, toRules(o['rules']));
        return;
      }
      case 'clusterroles': {
        const name = parts[1] ?? '';
        if (del) this.clusterRoles.delete(name);
        else {
          const agg = o['aggregationRule'];
          const sels = isPlainObject(agg) && Array.isArray(agg['clusterRoleSelectors']) ? agg['clusterRoleSelectors'].filter(isPlainObject) as LabelSelector[] : undefined;
          this.clusterRoles.set(name, {
            name, labels: o.metadata.labels ?? {}, rules: toRules(o['rules']),
            ...(sels && sels.length > 0 ? { selectors: sels } : {}),
          });
        }
        this.effective = undefined;
        this.scheduleAggregation();
        return;
      }
      case 'clusterrolebindings':
        return this.setBinding(this.clusterBindings, this.clusterIndex, parts[1] ?? '', del ? undefined : bindingOf('ClusterRoleBinding', o), '');
      case 'rolebindings': {
        const ns = parts[1] ?? '';
        return this.setBinding(this.roleBindings, this.roleIndex, `${ns}/${parts[2] ?? ''}`, del ? undefined : bindingOf('RoleBinding', o), ns);
      }
    }
  }

  private setBinding(map: Map<string, { b: BindingView; keys: string[] }>, index: SubjectIndex, id: string, b: BindingView | undefined, ns: string): void {
    const old = map.get(id);
    if (old) index.remove(old.keys, id);
    map.delete(id);
    if (!b) return;
    // RoleBindings are indexed per namespace: a key is `<ns>\0<subject>`.
    const keys = [...new Set(b.subjects.map((s) => subjectKey(s, ns)).filter((k): k is string => k !== undefined))]
      .map((k) => (ns === '' ? k : `${ns}\0${k}`));
    map.set(id, { b, keys });
    index.add(keys, id);
  }

  // ---- PolicySource ----

  *clusterBindingsFor(keys: readonly string[]): Iterable<BindingView> {
    for (const id of this.clusterIndex.ids(keys)) yield this.clusterBindings.get(id)!.b;
  }

  *roleBindingsFor(namespace: string, keys: readonly string[]): Iterable<BindingView> {
    for (const id of this.roleIndex.ids(keys.map((k) => `${namespace}\0${k}`))) yield this.roleBindings.get(id)!.b;
  }

  rulesOf(ref: RoleRef, bindingNamespace: string): readonly PolicyRule[] | undefined {
    if (ref.kind === 'Role') return bindingNamespace === '' ? undefined : this.roles.get(`${bindingNamespace}/${ref.name ?? ''}`);
    if (ref.kind === 'ClusterRole') return this.effectiveRules().get(ref.name ?? '');
    return undefined;
  }

  private effectiveRules(): Map<string, PolicyRule[]> {
    this.effective ??= resolveAggregation(this.clusterRoles);
    return this.effective;
  }

  // ---- Authorizer ----

  authorize(attrs: RequestAttributes): AuthorizationResult {
    const d = evaluate(attrs, attrs.user, this);
    return { decision: d.allowed ? 'allow' : 'no-opinion', reason: d.reason };
  }

  /** The rules that apply to a user in a namespace (SelfSubjectRulesReview). */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
    return rulesFor(user, namespace, this);
  }

  // ---- aggregation controller ----

  private scheduleAggregation(): void {
    if (!this.service || this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.aggregating) return this.scheduleAggregation();
      this.aggregating = true;
      this.aggregate().catch(() => this.scheduleAggregation()).finally(() => { this.aggregating = false; });
    }, AGGREGATE_DELAY_MS);
    this.timer.unref();
  }

  private async aggregate(): Promise<void> {
    const eff = this.effectiveRules();
    for (const role of this.clusterRoles.values()) {
      if (!role.selectors || this.stopped) continue;
      const want = eff.get(role.name) ?? [];
      if (sameRules(role.rules, want)) continue;
      await this.service!.update(clusterRoleKind, undefined, role.name, (o) => {
        o['rules'] = want.map((r) => ({ ...r }));
        return o;
      }, { dryRun: false, fieldManager: 'clusterrole-aggregation-controller', fieldValidation: 'Ignore', version: 'v1' });
    }
  }
}

// Field ownership (metadata.managedFields) and server-side apply, after sigs.k8s.io/structured-merge-diff
// as the apiserver wires it (k8s.io/apimachinery/pkg/util/managedfields), simplified:
//
// - A field set is a tree of FieldsV1 path elements: `f:<field>`, `k:{"<mergeKey>":<value>}` for items of
//   lists a StrategicListRule merges by key, `v:<json>` for items of primitive lists it merges as a set;
//   every other list is atomic (owned as a whole, like a scalar). Empty maps are leaves too.
// - Ignored everywhere: apiVersion, kind, the metadata node itself and metadata's system fields
//   (name, namespace, uid, resourceVersion, generation, creationTimestamp, deletionTimestamp,
//   deletionGracePeriodSeconds, selfLink, managedFields). The main resource never tracks `status`;
//   the `status` subresource tracks only `status`.
// - Managers are identified like upstream: Update entries by (manager, apiVersion, subresource), Apply
//   entries by (manager, subresource); entries are sorted Apply first, then by time, manager, apiVersion.
// - Unlike upstream, Update entries are not capped at 10 and conflict messages omit ` at <time>`.
import type { StrategicListRule } from '../../apis/kind.js';
import type { FieldsV1, KubeObject, ManagedFieldsEntry } from '../../common/object.js';
import { deepEqual, isPlainObject, kubeTime } from '../../common/object.js';
import { badRequest, invalid, StatusError } from '../../common/status-error.js';
import { copyJson, hasOwn, setOwn } from './json-util.js';

type Obj = Record<string, unknown>;
type Rules = Map<string, StrategicListRule>;
type Scope = 'main' | 'status';

// ---------------------------------------------------------------------------------------------
// Field sets

/** A node of a field set: `m` = the path itself is in the set; `c` = children by FieldsV1 key. */
interface FNode {
  m: boolean;
  c: Map<string, FNode> | null;
}

function newNode(member = false): FNode {
  return { m: member, c: null };
}

function isEmpty(n: FNode | null | undefined): boolean {
  return !n || (!n.m && (n.c === null || n.c.size === 0));
}

function hasChildren(n: FNode): n is FNode & { c: Map<string, FNode> } {
  return n.c !== null && n.c.size > 0;
}

function attach(parent: FNode, key: string, child: FNode): void {
  if (isEmpty(child)) return;
  (parent.c ??= new Map()).set(key, child);
}

function copyNode(n: FNode): FNode {
  const out = newNode(n.m);
  if (n.c) {
    out.c = new Map();
    for (const [k, c] of n.c) out.c.set(k, copyNode(c));
  }
  return out;
}

/** Adds `b` into `a` (mutates `a`, which must be owned; `b` is copied where inserted). */
function unionInto(a: FNode, b: FNode): void {
  if (b.m) a.m = true;
  if (!b.c) return;
  for (const [k, bc] of b.c) {
    const ac = a.c?.get(k);
    if (ac) unionInto(ac, bc);
    else if (!isEmpty(bc)) (a.c ??= new Map()).set(k, copyNode(bc));
  }
}

/** `a` minus `b`; returns `a` itself when nothing is removed, null when the result is empty. */
function difference(a: FNode, b: FNode | null | undefined): FNode | null {
  if (isEmpty(b)) return isEmpty(a) ? null : a;
  const bb = b as FNode;
  let changed = false;
  const m = a.m && !bb.m;
  if (m !== a.m) changed = true;
  let children: Map<string, FNode> | null = null;
  if (a.c) {
    for (const [k, ac] of a.c) {
      const d = difference(ac, bb.c?.get(k));
      if (d !== ac) changed = true;
      if (d) (children ??= new Map()).set(k, d);
    }
  }
  if (!changed) return a;
  const out: FNode = { m, c: children };
  return isEmpty(out) ? null : out;
}

function intersection(a: FNode, b: FNode | null | undefined): FNode | null {
  if (!b) return null;
  const out = newNode(a.m && b.m);
  if (a.c && b.c) {
    for (const [k, ac] of a.c) {
      const bc = b.c.get(k);
      if (!bc) continue;
      const i = intersection(ac, bc);
      if (i) (out.c ??= new Map()).set(k, i);
    }
  }
  return isEmpty(out) ? null : out;
}

function fromFieldsV1(f: FieldsV1): FNode {
  const n = newNode();
  for (const k of Object.keys(f)) {
    if (k === '.') {
      n.m = true;
      continue;
    }
    const v = f[k];
    const c = isPlainObject(v) ? fromFieldsV1(v) : newNode();
    if (!hasChildren(c)) c.m = true; // `{}` is a leaf of the set
    (n.c ??= new Map()).set(k, c);
  }
  return n;
}

function toFieldsV1(n: FNode): FieldsV1 {
  const out: FieldsV1 = {};
  if (!hasChildren(n)) return out;
  for (const k of [...n.c.keys()].sort()) {
    const c = n.c.get(k)!;
    if (isEmpty(c)) continue;
    const v = toFieldsV1(c);
    // Keys are prefixed (`f:`, `k:`, `v:`, `i:`), so plain assignment cannot hit `__proto__`.
    if (c.m && hasChildren(c)) {
      const withDot: FieldsV1 = { '.': {} };
      for (const ck of Object.keys(v)) withDot[ck] = v[ck]!;
      out[k] = withDot;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** `.spec.x`, `.spec.containers[name="c"].image`, `.metadata.finalizers[="a"]`. */
function elementString(k: string): string {
  const body = k.slice(2);
  switch (k.slice(0, 2)) {
    case 'f:':
      return `.${body}`;
    case 'k:': {
      try {
        const o = JSON.parse(body) as Obj;
        return `[${Object.keys(o).map((n) => `${n}=${JSON.stringify(o[n])}`).join(',')}]`;
      } catch {
        return `[${body}]`;
      }
    }
    case 'v:':
      return `[=${body}]`;
    case 'i:':
      return `[${body}]`;
    default:
      return '{{invalid path element}}';
  }
}

/** Member paths in structured-merge-diff's iteration order: a node's members, then its children's. */
function memberPaths(n: FNode, prefix = '', out: string[] = []): string[] {
  if (!hasChildren(n)) return out;
  const keys = [...n.c.keys()].sort();
  for (const k of keys) if (n.c.get(k)!.m) out.push(prefix + elementString(k));
  for (const k of keys) {
    const c = n.c.get(k)!;
    if (hasChildren(c)) memberPaths(c, prefix + elementString(k), out);
  }
  return out;
}

/** The paths a FieldsV1 tree owns, as apply conflicts print them (`.spec.containers[name="c"].image`). */
export function fieldsV1Paths(f: FieldsV1): string[] {
  return memberPaths(fromFieldsV1(f));
}

// ---------------------------------------------------------------------------------------------
// Walking objects

const META_IGNORED = new Set([
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'selfLink', 'managedFields',
]);

type Shape = 'map' | 'keyed' | 'set' | 'leaf';

interface ListInfo {
  rp: string;
  shape: Shape;
  /** FieldsV1 element of each item (`k:{…}` or `v:…`) for keyed and set lists. */
  keys: string[];
}

/** Per-call state: the list rules, the scope and the item keys of the lists seen so far. */
interface Ctx {
  rules: Rules;
  scope: Scope;
  lists: Map<unknown[], ListInfo>;
}

function newCtx(rules: readonly StrategicListRule[] | undefined, subresource: string | undefined): Ctx {
  return { rules: ruleMap(rules), scope: subresource === 'status' ? 'status' : 'main', lists: new Map() };
}

function skipKey(rp: string, key: string, ctx: Ctx): boolean {
  if (rp === '') {
    if (key === 'apiVersion' || key === 'kind') return true;
    return ctx.scope === 'status' ? key !== 'status' : key === 'status';
  }
  return rp === 'metadata' && META_IGNORED.has(key);
}

function childPath(rp: string, key: string): string {
  return rp === '' ? key : `${rp}.${key}`;
}

const ruleCache = new WeakMap<readonly StrategicListRule[], Rules>();
const NO_RULES: readonly StrategicListRule[] = [];

function ruleMap(rules: readonly StrategicListRule[] | undefined): Rules {
  const list = rules ?? NO_RULES;
  let m = ruleCache.get(list);
  if (!m) {
    m = new Map(list.map((r) => [r.path, r]));
    ruleCache.set(list, m);
  }
  return m;
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON text of a scalar, without JSON.stringify's overhead for the common cases. */
function scalarJson(v: string | number | boolean): string {
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
  return typeof v === 'number' && !Number.isFinite(v) ? 'null' : String(v);
}

function isScalar(v: unknown): v is string | number | boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean';
}

const LEAF_LIST: Omit<ListInfo, 'rp'> = { shape: 'leaf', keys: [] };

function listInfo(v: unknown[], rp: string, ctx: Ctx): ListInfo {
  const cached = ctx.lists.get(v);
  if (cached && cached.rp === rp) return cached;
  const computed = computeListInfo(v, rp, ctx);
  const info: ListInfo = { rp, shape: computed.shape, keys: computed.keys };
  ctx.lists.set(v, info);
  return info;
}

function computeListInfo(v: unknown[], rp: string, ctx: Ctx): Omit<ListInfo, 'rp'> {
  if (v.length === 0) return LEAF_LIST;
  const rule = ctx.rules.get(rp);
  if (rule?.strategy !== 'merge') return LEAF_LIST;
  const keys: string[] = new Array<string>(v.length);
  const seen = new Set<string>();
  const mk = rule.mergeKey;
  if (mk !== undefined && mk !== '') {
    const prefix = `k:{${scalarJson(mk)}:`;
    for (let i = 0; i < v.length; i++) {
      const item = v[i];
      if (!isPlainObject(item)) return LEAF_LIST;
      const kv = item[mk];
      if (!isScalar(kv)) return LEAF_LIST;
      const k = `${prefix}${scalarJson(kv)}}`;
      if (seen.has(k)) return LEAF_LIST;
      seen.add(k);
      keys[i] = k;
    }
    return { shape: 'keyed', keys };
  }
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    if (!isScalar(item)) return LEAF_LIST;
    const k = `v:${scalarJson(item)}`;
    if (seen.has(k)) return LEAF_LIST;
    seen.add(k);
    keys[i] = k;
  }
  return { shape: 'set', keys };
}

/** How a value is tracked: maps and keyed/set lists have children; the rest are leaves. */
function shapeOf(v: unknown, rp: string, ctx: Ctx): Shape {
  if (Array.isArray(v)) return listInfo(v, rp, ctx).shape;
  if (isPlainObject(v)) {
    if (rp === 'metadata') return 'map';
    for (const _ in v) return 'map';
  }
  return 'leaf';
}

/**
 * The set of everything in `v` (at path `rp`). `self` marks the node itself as a member (what
 * structured-merge-diff's Compare reports for an added/removed map or item); leaves always are.
 */
function fullSet(v: unknown, rp: string, ctx: Ctx, self: boolean): FNode {
  const shape = shapeOf(v, rp, ctx);
  const n = newNode(self && rp !== 'metadata');
  switch (shape) {
    case 'leaf':
      n.m = true;
      break;
    case 'map': {
      const o = v as Obj;
      for (const key in o) {
        const cv = o[key];
        if (cv === undefined || !hasOwn(o, key) || skipKey(rp, key, ctx)) continue;
        attach(n, `f:${key}`, fullSet(cv, childPath(rp, key), ctx, self));
      }
      break;
    }
    case 'keyed': {
      const list = v as Obj[];
      const keys = listInfo(list, rp, ctx).keys;
      for (let i = 0; i < list.length; i++) {
        const c = fullSet(list[i], rp, ctx, self);
        c.m = true; // list items are always owned themselves
        attach(n, keys[i]!, c);
      }
      break;
    }
    case 'set':
      for (const k of listInfo(v as unknown[], rp, ctx).keys) attach(n, k, newNode(true));
      break;
  }
  return n;
}

/** Compare `a` (before) and `b` (after) at one path; fills changed (Modified ∪ Added) and removed. */
function compareValue(a: unknown, b: unknown, rp: string, ctx: Ctx, key: string, changed: FNode, removed: FNode): void {
  const sa = shapeOf(a, rp, ctx);
  const sb = shapeOf(b, rp, ctx);
  if (sa !== sb) {
    attach(removed, key, fullSet(a, rp, ctx, true));
    attach(changed, key, fullSet(b, rp, ctx, true));
    return;
  }
  if (sa === 'leaf') {
    if (!deepEqual(a, b)) attach(changed, key, newNode(true));
    return;
  }
  const c = newNode();
  const r = newNode();
  if (sa === 'map') {
    compareMaps(a as Obj, b as Obj, rp, ctx, c, r);
  } else {
    const la = a as unknown[];
    const lb = b as unknown[];
    const ka = listInfo(la, rp, ctx).keys;
    const kb = listInfo(lb, rp, ctx).keys;
    const before = new Map<string, unknown>();
    for (let i = 0; i < la.length; i++) before.set(ka[i]!, la[i]);
    const after = new Set<string>(kb);
    for (let i = 0; i < lb.length; i++) {
      const k = kb[i]!;
      const item = lb[i];
      if (!before.has(k)) {
        const s = fullSet(item, rp, ctx, true);
        s.m = true;
        attach(c, k, s);
        continue;
      }
      const old = before.get(k);
      if (sa === 'keyed' && old !== item) {
        const ic = newNode();
        const ir = newNode();
        compareMaps(old as Obj, item as Obj, rp, ctx, ic, ir);
        attach(c, k, ic);
        attach(r, k, ir);
      }
    }
    for (let i = 0; i < la.length; i++) {
      const k = ka[i]!;
      if (after.has(k)) continue;
      const s = fullSet(la[i], rp, ctx, true);
      s.m = true;
      attach(r, k, s);
    }
  }
  attach(changed, key, c);
  attach(removed, key, r);
}

function compareMaps(a: Obj | undefined, b: Obj | undefined, rp: string, ctx: Ctx, changed: FNode, removed: FNode): void {
  if (a === b) return;
  if (a) {
    for (const key in a) {
      const av = a[key];
      if (av === undefined || !hasOwn(a, key) || skipKey(rp, key, ctx)) continue;
      const bv = b && hasOwn(b, key) ? b[key] : undefined;
      if (bv === undefined) attach(removed, `f:${key}`, fullSet(av, childPath(rp, key), ctx, true));
      else if (av !== bv) compareValue(av, bv, childPath(rp, key), ctx, `f:${key}`, changed, removed);
    }
  }
  if (b) {
    for (const key in b) {
      const bv = b[key];
      if (bv === undefined || !hasOwn(b, key) || (a && hasOwn(a, key) && a[key] !== undefined) || skipKey(rp, key, ctx)) continue;
      attach(changed, `f:${key}`, fullSet(bv, childPath(rp, key), ctx, true));
    }
  }
}

/**
 * The field set an object (or an applied configuration) specifies, as FieldsV1: its leaves, keyed
 * list items and set values; map nodes are not members. See the module comment for what is ignored.
 */
export function fieldSetOf(obj: unknown, rules?: readonly StrategicListRule[], subresource?: string): FieldsV1 {
  return toFieldsV1(appliedSetOf(obj, newCtx(rules, subresource)));
}

/**
 * The applied set with every interior node counted as present: a map the config still contains is not
 * "no longer applied" just because the manager's older entry marked it with `.` (an Update entry
 * migrated to Apply by kubectl carries such marks).
 */
function withInteriorMembers(n: FNode): FNode {
  if (!n.c || n.c.size === 0) return n;
  const c = new Map<string, FNode>();
  for (const [k, v] of n.c) c.set(k, withInteriorMembers(v));
  return { m: true, c };
}

function appliedSetOf(obj: unknown, ctx: Ctx): FNode {
  if (!isPlainObject(obj)) return newNode();
  return fullSet(obj, '', ctx, false);
}

// ---------------------------------------------------------------------------------------------
// managedFields entries

interface Entry {
  id: string;
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string | undefined;
  subresource: string | undefined;
  set: FNode;
  /** The FieldsV1 the set was decoded from, reused when the set is unchanged. */
  source: FieldsV1 | undefined;
}

/** Upstream's manager identifier: the entry's JSON without fields and time (and apiVersion for Apply). */
function identity(manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource: string | undefined): string {
  const o: Obj = { manager, operation };
  if (operation === 'Update' && apiVersion !== '') o.apiVersion = apiVersion;
  if (subresource) o.subresource = subresource;
  return JSON.stringify(o);
}

function decodeEntry(e: unknown): Entry | undefined {
  if (!isPlainObject(e)) return undefined;
  const { manager, operation, apiVersion, time, subresource, fieldsType, fieldsV1 } = e;
  if (typeof manager !== 'string' || (operation !== 'Apply' && operation !== 'Update')) return undefined;
  if (fieldsType !== undefined && fieldsType !== 'FieldsV1') return undefined;
  if (fieldsV1 !== undefined && !isPlainObject(fieldsV1)) return undefined;
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const sub = typeof subresource === 'string' && subresource !== '' ? subresource : undefined;
  const f = (fieldsV1 ?? {}) as FieldsV1;
  return {
    id: identity(manager, operation, av, sub),
    manager,
    operation,
    apiVersion: av,
    time: typeof time === 'string' ? time : undefined,
    subresource: sub,
    set: fromFieldsV1(f),
    source: f,
  };
}

function decodeAll(managedFields: readonly unknown[] | undefined): Map<string, Entry> {
  const out = new Map<string, Entry>();
  if (!Array.isArray(managedFields)) return out;
  for (const raw of managedFields) {
    const e = decodeEntry(raw);
    if (!e) continue;
    const prev = out.get(e.id);
    if (prev) {
      const s = copyNode(prev.set);
      unionInto(s, e.set);
      prev.set = s;
      prev.source = undefined;
      if (e.time !== undefined && (prev.time === undefined || e.time > prev.time)) prev.time = e.time;
    } else {
      out.set(e.id, e);
    }
  }
  return out;
}

function seconds(t: string | undefined): number {
  if (t === undefined) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function encodeAll(entries: Iterable<Entry>): ManagedFieldsEntry[] {
  const list = [...entries].filter((e) => !isEmpty(e.set));
  list.sort((p, q) => cmp(p.operation, q.operation) || seconds(p.time) - seconds(q.time) || cmp(p.manager, q.manager)
    || cmp(p.apiVersion, q.apiVersion) || cmp(p.subresource ?? '', q.subresource ?? ''));
  return list.map((e) => {
    const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion } as ManagedFieldsEntry;
    if (e.time !== undefined) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = e.source ?? toFieldsV1(e.set);
    if (e.subresource !== undefined) out.subresource = e.subresource;
    return out;
  });
}

function timeOf(now: Date | string): string {
  return typeof now === 'string' ? now : kubeTime(now);
}

function setEntrySet(e: Entry, s: FNode | null): void {
  const next = s ?? newNode();
  if (next !== e.set) {
    e.set = next;
    e.source = undefined;
  }
}

/**
 * Record an `Update` operation (POST, PUT, non-apply PATCH) by `manager`: it gains every field whose
 * value it added or changed (on create, `old` undefined: every field it set), every manager loses the
 * fields it changed or removed, and entries left empty are dropped. The manager's entry gets `time`
 * = `now` only when it took fields. `old`/`updated` must not carry the managedFields themselves (they are
 * ignored anyway). Returns the new list (empty when nothing is owned).
 */
export function recordUpdate(
  managedFields: readonly ManagedFieldsEntry[] | undefined,
  old: KubeObject | Obj | undefined,
  updated: KubeObject | Obj,
  manager: string,
  apiVersion: string,
  now: Date | string,
  subresource?: string,
  rules?: readonly StrategicListRule[],
): ManagedFieldsEntry[] {
  const ctx = newCtx(rules, subresource);
  const entries = decodeAll(managedFields);
  const changed = newNode();
  const removed = newNode();
  compareMaps(old as Obj | undefined, updated as Obj, '', ctx, changed, removed);
  if (isEmpty(changed) && isEmpty(removed)) return encodeAll(entries.values());

  const id = identity(manager, 'Update', apiVersion, subresource);
  for (const e of entries.values()) {
    if (e.id === id) continue;
    let s = difference(e.set, changed);
    if (s) s = difference(s, removed);
    setEntrySet(e, s);
  }
  let self = entries.get(id);
  const base = self ? difference(self.set, removed) : null;
  if (isEmpty(changed)) {
    if (self) setEntrySet(self, base);
  } else {
    const s = base ? copyNode(base) : newNode();
    unionInto(s, changed);
    if (!self) {
      self = { id, manager, operation: 'Update', apiVersion, time: undefined, subresource: subresource || undefined, set: s, source: undefined };
      entries.set(id, self);
    }
    setEntrySet(self, s);
    self.time = timeOf(now);
  }
  return encodeAll(entries.values());
}

// ---------------------------------------------------------------------------------------------
// Server-side apply

export interface ApplyResult {
  /** The current object with the configuration applied, without metadata.managedFields. */
  object: KubeObject;
  managedFields: ManagedFieldsEntry[];
  /** False when applying changed no field of the object (only, perhaps, ownership). */
  changed: boolean;
}

/** What of an applied configuration is merged into the object. */
function appliedConfig(applied: Obj, ctx: Ctx): Obj {
  const out: Obj = {};
  for (const key of Object.keys(applied)) {
    if (ctx.scope === 'status' ? key !== 'status' && key !== 'apiVersion' && key !== 'kind' : key === 'status') continue;
    const v = applied[key];
    if (key === 'metadata' && isPlainObject(v)) {
      const meta: Obj = {};
      for (const mk of Object.keys(v)) {
        if (META_IGNORED.has(mk) && mk !== 'name' && mk !== 'namespace') continue;
        setOwn(meta, mk, v[mk]);
      }
      setOwn(out, key, meta);
    } else {
      setOwn(out, key, v);
    }
  }
  return out;
}

/** Merge an applied value into a live one: maps recursively, keyed/set lists by item, the rest replaced. */
function mergeApplied(live: unknown, cfg: unknown, rp: string, ctx: Ctx): unknown {
  if (isPlainObject(cfg)) {
    const out: Obj = isPlainObject(live) ? { ...live } : {};
    for (const key of Object.keys(cfg)) {
      const v = cfg[key];
      if (v === null) delete out[key];
      else if (v !== undefined) setOwn(out, key, mergeApplied(hasOwn(out, key) ? out[key] : undefined, v, childPath(rp, key), ctx));
    }
    return out;
  }
  if (Array.isArray(cfg) && Array.isArray(live)) {
    const shape = shapeOf(cfg, rp, ctx);
    const liveShape = shapeOf(live, rp, ctx);
    // An empty associative list merges like any other: live items stay (pruning decides their fate).
    if (cfg.length === 0 && ctx.rules.get(rp)?.strategy === 'merge' && (liveShape === 'keyed' || liveShape === 'set')) {
      return live;
    }
    if ((shape === 'keyed' || shape === 'set') && liveShape === shape) {
      return mergeAssociative(live, listInfo(live, rp, ctx).keys, cfg, listInfo(cfg, rp, ctx).keys,
        (l, c) => mergeApplied(l, c, rp, ctx));
    }
  }
  return copyJson(cfg);
}

/**
 * Merge two associative lists: live items the config does not name stay where they are, config items
 * appear in config order (merged with their live counterparts), new items where the config puts them.
 */
function mergeAssociative(live: unknown[], liveKeys: string[], cfg: unknown[], cfgKeys: string[],
  merge: (l: unknown, c: unknown) => unknown): unknown[] {
  const liveByKey = new Map<string, unknown>();
  for (let n = 0; n < live.length; n++) liveByKey.set(liveKeys[n]!, live[n]);
  const inCfg = new Set(cfgKeys);
  const out: unknown[] = [];
  const emitted = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < live.length || j < cfg.length) {
    if (i < live.length) {
      const lk = liveKeys[i]!;
      if (emitted.has(lk)) {
        i++;
        continue;
      }
      if (!inCfg.has(lk)) {
        out.push(live[i]);
        emitted.add(lk);
        i++;
        continue;
      }
    }
    if (j < cfg.length) {
      const ck = cfgKeys[j]!;
      const item = cfg[j++];
      if (emitted.has(ck)) continue;
      out.push(merge(liveByKey.get(ck), item));
      emitted.add(ck);
      continue;
    }
    i++;
  }
  return out;
}

/**
 * Remove from `obj` what `rm` (fields the applier applied before, no longer applies, and nobody else
 * owns) names. Maps and lists emptied by the pruning go too, unless the config still has them (`keep`,
 * the applied set); a list item or map named by `rm` is dropped whole unless another manager (`others`)
 * owns something inside it, in which case only its removable fields go (never a list item's key).
 */
function pruneMap(obj: Obj, rm: FNode, others: FNode | undefined, rp: string, ctx: Ctx, protect?: string, keep?: FNode): void {
  if (!rm.c) return;
  for (const [k, rc] of rm.c) {
    if (!k.startsWith('f:')) continue;
    const key = k.slice(2);
    if (key === protect || !hasOwn(obj, key)) continue;
    const cp = childPath(rp, key);
    const oc = others?.c?.get(k);
    const kc = keep?.c?.get(k);
    const v = obj[key];
    if (rc.m && isEmpty(oc)) {
      delete obj[key];
      continue;
    }
    if (!hasChildren(rc)) continue;
    if (isPlainObject(v)) {
      const before = Object.keys(v).length;
      pruneMap(v, rc, oc, cp, ctx, undefined, kc);
      if (before > 0 && Object.keys(v).length === 0 && !kc) delete obj[key];
    } else if (Array.isArray(v)) {
      const kept = pruneList(v, rc, oc, cp, ctx);
      if (kept.length === 0 && v.length > 0 && !kc) delete obj[key];
      else if (kept !== v) setOwn(obj, key, kept);
    }
  }
}

function pruneList(list: unknown[], rm: FNode, others: FNode | undefined, rp: string, ctx: Ctx): unknown[] {
  const { shape, keys } = listInfo(list, rp, ctx);
  if (shape !== 'keyed' && shape !== 'set') return list;
  const mk = ctx.rules.get(rp)?.mergeKey ?? '';
  const out: unknown[] = [];
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const k = keys[i]!;
    const rc = rm.c?.get(k);
    if (!rc) {
      out.push(item);
      continue;
    }
    const oc = others?.c?.get(k);
    if (rc.m && isEmpty(oc)) continue;
    if (shape === 'keyed' && hasChildren(rc)) {
      const copy = { ...(item as Obj) };
      pruneMap(copy, rc, oc, rp, ctx, mk);
      out.push(copy);
    } else {
      out.push(item);
    }
  }
  return out;
}

/** Copy of `obj` down the paths `rm` names, so pruning cannot touch shared subtrees. */
function copyAlong(v: unknown, rm: FNode): unknown {
  if (!hasChildren(rm)) return v;
  if (Array.isArray(v)) return v.map((item) => (isPlainObject(item) ? copyJson(item) : item));
  if (!isPlainObject(v)) return v;
  const out: Obj = { ...v };
  for (const [k, rc] of rm.c) {
    if (!k.startsWith('f:')) continue;
    const key = k.slice(2);
    if (hasOwn(out, key)) setOwn(out, key, copyAlong(out[key], rc));
  }
  return out;
}

function printManager(e: Entry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

/** The 409 an apply gets when it would change fields other managers own (managedfields conflict.go). */
function applyConflict(conflicts: { entry: Entry; paths: string[] }[]): StatusError {
  conflicts.sort((a, b) => cmp(a.entry.id, b.entry.id));
  const causes: { reason: string; message: string; field: string }[] = [];
  for (const { entry, paths } of conflicts) {
    for (const p of paths) causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(entry)}`, field: p });
  }
  let message: string;
  if (causes.length === 1) {
    message = `Apply failed with 1 conflict: ${causes[0]!.message}: ${causes[0]!.field}`;
  } else {
    const lines: string[] = [];
    for (const { entry, paths } of conflicts) {
      lines.push(`conflicts with ${printManager(entry)}:`);
      for (const p of paths) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/**
 * Server-side apply of `applied` by `manager` onto `current` (undefined: the object does not exist yet;
 * its managed fields are read from `current.metadata.managedFields`).
 *
 * The result is `current` with the configuration merged in (maps recursive, keyed/set lists by item,
 * other lists replaced) after removing the fields this manager applied last time, no longer applies,
 * and nobody else owns. A field another manager owns whose value this changes is a conflict: 409
 * unless `force`, in which case ownership moves to `manager`. Same value: shared ownership.
 * The applied config's `status` (main resource) and metadata system fields (uid, resourceVersion, …)
 * are not merged; the caller checks preconditions and fills system fields.
 */
export function applyPatch(
  current: KubeObject | undefined,
  applied: KubeObject | Obj,
  manager: string,
  force: boolean,
  apiVersion: string,
  now: Date | string,
  subresource?: string,
  rules?: readonly StrategicListRule[],
): ApplyResult {
  const ctx = newCtx(rules, subresource);
  const appliedMeta = (applied as Obj).metadata;
  if (isPlainObject(appliedMeta) && appliedMeta.managedFields !== undefined && appliedMeta.managedFields !== null) {
    throw badRequest('metadata.managedFields must be nil');
  }

  const entries = decodeAll(current?.metadata?.managedFields);
  let live: Obj = {};
  if (current) {
    const { managedFields: _mf, ...meta } = current.metadata ?? {};
    live = { ...current, metadata: meta };
  }
  const config = appliedConfig(applied as Obj, ctx);
  const appliedSet = appliedSetOf(config, ctx);
  let merged = mergeApplied(live, config, '', ctx) as Obj;

  const id = identity(manager, 'Apply', apiVersion, subresource);
  const self = entries.get(id);
  if (self) {
    const others = newNode();
    for (const e of entries.values()) if (e.id !== id) unionInto(others, e.set);
    let toRemove = difference(self.set, withInteriorMembers(appliedSet));
    if (toRemove) toRemove = difference(toRemove, others);
    if (toRemove) {
      merged = copyAlong(merged, toRemove) as Obj;
      pruneMap(merged, toRemove, others, '', ctx, undefined, withInteriorMembers(appliedSet));
    }
  }

  const changed = newNode();
  const removed = newNode();
  compareMaps(live, merged, '', ctx, changed, removed);

  const conflicts: { entry: Entry; set: FNode; paths: string[] }[] = [];
  for (const e of entries.values()) {
    if (e.id === id) continue;
    const c = intersection(e.set, changed);
    if (c) conflicts.push({ entry: e, set: c, paths: memberPaths(c) });
  }
  if (conflicts.length > 0 && !force) throw applyConflict(conflicts);

  for (const e of entries.values()) {
    if (e.id === id) continue;
    let s: FNode | null = e.set;
    const c = conflicts.find((x) => x.entry === e);
    if (c) s = difference(s, c.set);
    if (s) s = difference(s, removed);
    setEntrySet(e, s);
  }
  const objectChanged = !isEmpty(changed) || !isEmpty(removed);
  if (self) {
    setEntrySet(self, appliedSet);
    self.apiVersion = apiVersion;
    if (objectChanged || self.time === undefined) self.time = timeOf(now);
  } else {
    entries.set(id, {
      id, manager, operation: 'Apply', apiVersion, time: timeOf(now), subresource: subresource || undefined,
      set: appliedSet, source: undefined,
    });
  }
  return { object: merged as KubeObject, managedFields: encodeAll(entries.values()), changed: objectChanged };
}

// ---------------------------------------------------------------------------------------------
// Request helpers

/** 422 for an apply PATCH without `?fieldManager=` (PatchOptions validation). */
export function ssaMissingFieldManager(): StatusError {
  return invalid('meta.k8s.io', 'PatchOptions', '', [
    { type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' },
  ]);
}

/** 422 for `?force=` on a PATCH that is not an apply. */
export function ssaForceForbidden(): StatusError {
  return invalid('meta.k8s.io', 'PatchOptions', '', [
    { type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' },
  ]);
}

/**
 * The manager of a non-apply write: `?fieldManager=` if given, else the User-Agent up to its first
 * `/` (printable characters, at most 128 bytes), as upstream's managerOrUserAgent.
 */
export function managerOrUserAgent(fieldManager: string | undefined | null, userAgent: string | undefined | null): string {
  if (fieldManager) return fieldManager;
  const prefix = (userAgent ?? '').split('/')[0] ?? '';
  let out = '';
  let bytes = 0;
  for (const ch of prefix) {
    if (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(ch)) continue;
    const n = Buffer.byteLength(ch);
    if (bytes + n > 128) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The managedFields an Update starts from (upstream decodeLiveOrNew): the request object's own list when
 * it sent a valid non-empty one (kubectl's client-side → server-side apply migration rewrites it with a
 * JSON patch); `[]` when it reset them (`[]` or `[{}]`); otherwise the live object's.
 */
export function managedFieldsBase(live: readonly ManagedFieldsEntry[] | undefined, requested: unknown): ManagedFieldsEntry[] | undefined {
  if (Array.isArray(requested)) {
    if (requested.length === 0) return [];
    if (requested.length === 1 && isPlainObject(requested[0]) && Object.keys(requested[0]).length === 0) return [];
    const seen = new Set<string>();
    let ok = true;
    for (const raw of requested) {
      const e = decodeEntry(raw);
      if (!e || !isPlainObject(raw) || raw.fieldsType !== 'FieldsV1' || seen.has(e.id)) {
        ok = false;
        break;
      }
      seen.add(e.id);
    }
    if (ok) return requested as ManagedFieldsEntry[];
  }
  return live ? [...live] : undefined;
}

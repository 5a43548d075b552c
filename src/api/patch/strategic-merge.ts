// Strategic merge patch (`application/strategic-merge-patch+json`) for the kinds compiled into kubectl,
// reproducing k8s.io/apimachinery/pkg/util/strategicpatch StrategicMergeMapPatch (server side) with the
// list metadata of `StrategicListRule`s instead of Go struct tags.
//
// - maps merge recursively; `null` deletes a key; scalars and type changes replace;
// - lists named by a rule with strategy `merge` merge: by `mergeKey` for lists of maps, as a set
//   (union, deduplicated) for lists of primitives; every other list is replaced;
// - directives: `$patch: replace|delete|merge` on maps and on merge-list items, `$retainKeys`,
//   `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`. Directives never reach the result.
// - ordering follows upstream: the patch's (or `$setElementOrder`'s) order for the items it names,
//   the live order for the rest, interleaved by live position; items new to the list come first
//   unless `$setElementOrder` places them.
//
// Errors follow patch.go's interpretStrategicMergePatchError: malformed directives are 400 BadRequest,
// lists of lists 422, and the plain Go errors upstream leaks (missing merge key, unknown `$patch`
// value, order mismatch…) are 500 with an empty reason and upstream's message.
import type { StrategicListRule } from '../../apis/kind.js';
import { isPlainObject } from '../../common/object.js';
import { badRequest, StatusError } from '../../common/status-error.js';
import { copyJson, goFormat, goTypeName, hasOwn, jsonTypeName, setOwn } from './json-util.js';

type Obj = Record<string, unknown>;
type Rules = Map<string, StrategicListRule>;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER = '$setElementOrder';

/** What a `$patch: delete` map turns into: the key is dropped by the caller. */
const DELETED = Symbol('deleted');
type Merged = Obj | typeof DELETED;

const ruleCache = new WeakMap<readonly StrategicListRule[], Rules>();

function ruleMap(rules: readonly StrategicListRule[]): Rules {
  let m = ruleCache.get(rules);
  if (!m) {
    m = new Map(rules.map((r) => [r.path, r]));
    ruleCache.set(rules, m);
  }
  return m;
}

/**
 * Apply a strategic merge patch to `target`, returning a new document (`target` and `patch` are not
 * mutated). `patch` must be a JSON object; JSON `null` is a no-op as upstream.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, rules: readonly StrategicListRule[] = []): unknown {
  if (patch === null) return copyJson(target);
  if (!isPlainObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  const original: Obj = isPlainObject(target) ? copyJson(target) : {};
  const out = mergeMap(original, copyJson(patch), '', ruleMap(rules));
  return out === DELETED ? {} : out;
}

// ---- errors in upstream words ----

/** An error upstream returns as a plain Go error: the apiserver answers 500 with no reason. */
function goError(message: string): StatusError {
  return new StatusError(500, '', message);
}

function unprocessable(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

const errNoListOfLists = unprocessable; // mergepatch.ErrNoListOfLists: "lists of lists are not supported"

function errNoMergeKey(m: unknown, key: string): StatusError {
  return goError(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
}

function errBadArgType(expected: string, actual: unknown): StatusError {
  return goError(`expected a ${expected}, but received a ${goTypeName(actual)}`);
}

function errBadPatchType(t: unknown, m: unknown): StatusError {
  return goError(`unknown patch type: ${typeof t === 'string' ? t : goFormat(t)} in map: ${goFormat(m)}`);
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw badRequest(prefix === DELETE_FROM_PRIMITIVE_LIST
      ? 'invalid patch format of primitive list'
      : 'invalid patch format of setElementOrder list');
  }
  return key.slice(slash + 1);
}

// ---- maps ----

function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

type Shape = 'object' | 'array' | 'scalar';

function shapeOf(v: unknown): Shape {
  if (Array.isArray(v)) return 'array';
  if (isPlainObject(v)) return 'object';
  return 'scalar';
}

/** Merge `patch` into `original` (both owned: mutated freely). */
function mergeMap(original: Obj, patch: Obj, path: string, rules: Rules): Merged {
  if (hasOwn(patch, DIRECTIVE)) {
    const directive = patch[DIRECTIVE];
    if (directive === 'delete') return DELETED;
    if (directive === 'replace') {
      delete patch[DIRECTIVE];
      return mergeMap({}, patch, path, rules);
    }
    // Upstream rejects `merge` on maps; it is the default behaviour, so accept it as a no-op.
    if (directive !== 'merge') throw errBadPatchType(directive, patch);
    delete patch[DIRECTIVE];
  }

  applyRetainKeys(original, patch);
  applySetElementOrder(original, patch, path, rules);

  let deletions: [string, unknown][] | undefined;
  for (const key of Object.keys(patch)) {
    const pv = patch[key];
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      (deletions ??= []).push([extractKey(key, DELETE_FROM_PRIMITIVE_LIST), pv]);
      continue;
    }
    if (pv === null) {
      delete original[key];
      continue;
    }
    const child = childPath(path, key);
    if (!hasOwn(original, key)) {
      setFresh(original, key, pv, child, rules);
      continue;
    }
    const ov = original[key];
    const shape = shapeOf(pv);
    if (shape !== shapeOf(ov)) {
      setFresh(original, key, pv, child, rules);
    } else if (shape === 'object') {
      const merged = mergeMap(ov as Obj, pv as Obj, child, rules);
      if (merged === DELETED) delete original[key];
      else setOwn(original, key, merged);
    } else if (shape === 'array') {
      setOwn(original, key, mergeList(ov as unknown[], pv as unknown[], child, rules));
    } else {
      setOwn(original, key, pv);
    }
  }

  if (deletions) {
    for (const [key, toDelete] of deletions) {
      if (toDelete === null) {
        delete original[key]; // upstream quirk: a null deletion list drops the list
        continue;
      }
      if (!Array.isArray(toDelete)) throw errBadArgType('[]interface {}', toDelete);
      const ov = original[key];
      if (!Array.isArray(ov)) continue;
      const drop = new Set(toDelete);
      setOwn(original, key, ov.filter((v) => !drop.has(v)));
    }
  }
  return original;
}

/** Set `original[key]` to a patch value that has nothing to merge with, stripping its directives. */
function setFresh(original: Obj, key: string, pv: unknown, path: string, rules: Rules): void {
  const v = fresh(pv, path, rules);
  if (v === DELETED) delete original[key];
  else setOwn(original, key, v);
}

function fresh(pv: unknown, path: string, rules: Rules): unknown {
  if (isPlainObject(pv)) return mergeMap({}, pv, path, rules);
  if (Array.isArray(pv)) return mergeList([], pv, path, rules);
  return pv;
}

function applyRetainKeys(original: Obj, patch: Obj): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRequest('invalid patch format of retainKeys');
  const keep = new Set<unknown>(list);
  for (const key of Object.keys(patch)) {
    if (patch[key] === null || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(key)) throw badRequest('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

// ---- lists ----

function mergeList(original: unknown[], patch: unknown[], path: string, rules: Rules): unknown[] {
  const rule = rules.get(path);
  if (rule?.strategy !== 'merge') return replacementList(patch, path, rules);
  return mergeSlice(original, patch, rule.mergeKey ?? '', path, rules);
}

/** A replacing list: its items are taken as sent, minus directive-only and `$patch: delete` items. */
function replacementList(patch: unknown[], path: string, rules: Rules): unknown[] {
  const out: unknown[] = [];
  for (const item of patch) {
    if (isPlainObject(item) && hasOwn(item, DIRECTIVE) && Object.keys(item).length === 1) continue;
    const v = fresh(item, path, rules);
    if (v !== DELETED) out.push(v);
  }
  return out;
}

/** 'map' or 'scalar' for the elements of the lists; upstream's sliceElementType errors otherwise. */
function elementKind(...lists: unknown[][]): 'map' | 'scalar' {
  let first: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const t = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
      if (first === undefined) {
        if (t === 'array') throw errNoListOfLists();
        first = t;
      } else if (t !== first) {
        throw goError(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  return first === 'object' ? 'map' : 'scalar';
}

function mergeSlice(original: unknown[], patch: unknown[], mergeKey: string, path: string, rules: Rules): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);

  if (kind === 'scalar') {
    const merged = dedupe([...original, ...patch]);
    return enforceOrder(merged, patch, original, '');
  }
  if (mergeKey === '') throw goError('cannot merge lists without merge key for type struct');

  // Special elements first: deletions, a whole-list replace, explicit merges.
  let live = original as Obj[];
  const items: Obj[] = [];
  let replace = false;
  for (const item of patch as Obj[]) {
    if (!hasOwn(item, DIRECTIVE)) {
      items.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      const k = item[mergeKey];
      live = live.filter((o) => o[mergeKey] !== k);
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      // Upstream: "merging lists cannot yet be specified in the patch"; merging is what happens anyway.
      delete item[DIRECTIVE];
      items.push(item);
    } else {
      throw errBadPatchType(directive, item);
    }
  }
  if (replace) return replacementList(items, path, rules);

  const merged: unknown[] = live.slice();
  const position = new Map<unknown, number>();
  merged.forEach((o, i) => {
    const k = (o as Obj)[mergeKey];
    if (k !== undefined && !position.has(k)) position.set(k, i);
  });
  for (const item of items) {
    if (!hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
    const k = item[mergeKey];
    const at = position.get(k);
    if (at !== undefined) {
      const m = mergeMap(merged[at] as Obj, item, path, rules);
      merged[at] = m === DELETED ? {} : m;
    } else {
      const f = fresh(item, path, rules);
      if (f === DELETED) continue;
      position.set(k, merged.length);
      merged.push(f);
    }
  }
  return enforceOrder(merged, items, live, mergeKey);
}

function dedupe(list: unknown[]): unknown[] {
  const seen = new Set<unknown>();
  const out: unknown[] = [];
  for (const v of list) {
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

/** Identity used for ordering: the merge key's value for maps, the value itself for primitives. */
function identity(item: unknown, mergeKey: string): unknown {
  if (mergeKey === '') return item;
  return isPlainObject(item) ? item[mergeKey] : undefined;
}

function indexOf(list: readonly unknown[], mergeKey: string): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (let i = 0; i < list.length; i++) {
    const id = identity(list[i], mergeKey);
    if (!m.has(id)) m.set(id, i);
  }
  return m;
}

/**
 * Upstream's normalizeElementOrder: items named by `patchOrder` keep that relative order, the others
 * keep their order in `serverOrder`; both are interleaved by their position in `serverOrder`.
 */
function enforceOrder(merged: unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string): unknown[] {
  const patchIndex = indexOf(patchOrder, mergeKey);
  const serverIndex = indexOf(serverOrder, mergeKey);
  const patchItems: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) (patchIndex.has(identity(item, mergeKey)) ? patchItems : serverOnly).push(item);
  const right = sortBy(patchItems, patchIndex, mergeKey);
  const left = sortBy(serverOnly, serverIndex, mergeKey);

  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = serverIndex.get(identity(left[i], mergeKey));
      const ri = serverIndex.get(identity(right[j], mergeKey));
      if (li !== undefined && ri !== undefined && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function sortBy(items: unknown[], order: Map<unknown, number>, mergeKey: string): unknown[] {
  const keyed = items.map((item, n) => ({ item, n, at: order.get(identity(item, mergeKey)) ?? Number.MAX_SAFE_INTEGER }));
  keyed.sort((a, b) => a.at - b.at || a.n - b.n);
  return keyed.map((k) => k.item);
}

// ---- $setElementOrder ----

function applySetElementOrder(original: Obj, patch: Obj, path: string, rules: Rules): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType('[]interface {}', order);
    const field = extractKey(key, SET_ELEMENT_ORDER);
    const child = childPath(path, field);
    const rule = rules.get(child);
    const mergeKey = rule?.strategy === 'merge' ? (rule.mergeKey ?? '') : '';

    const ov = hasOwn(original, field) && Array.isArray(original[field]) ? (original[field] as unknown[]) : undefined;
    const pvRaw = hasOwn(patch, field) ? patch[field] : undefined;
    if (pvRaw === null) continue; // the list is being deleted: nothing to order
    if (pvRaw !== undefined && !Array.isArray(pvRaw)) throw errBadArgType('[]interface {}', pvRaw);
    const pv = pvRaw as unknown[] | undefined;

    validateOrder(pv ?? [], order, mergeKey);

    let merged: unknown[];
    if (ov && !pv) merged = ov;
    else if (pv) merged = mergeList(ov ?? [], pv, child, rules);
    else continue;

    if (mergeKey === '' && merged.some((v) => typeof v === 'object' && v !== null)) {
      setOwn(original, field, merged); // cannot be ordered without a merge key
    } else {
      if (mergeKey !== '') {
        for (const item of merged) if (!isPlainObject(item) || !hasOwn(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
      setOwn(original, field, enforceOrder(merged, order, ov ?? [], mergeKey));
    }
    delete patch[field];
  }
}

/** validatePatchWithSetOrderList: the patch list's items must appear in `$setElementOrder`, in its order. */
function validateOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  let items = patchList;
  if (mergeKey !== '') {
    for (const item of patchList) if (!isPlainObject(item)) throw errBadArgType('map[string]interface {}', item);
    items = patchList.filter((item) => (item as Obj)[DIRECTIVE] !== 'delete');
  }
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    const item = items[p];
    if (isPlainObject(item) && hasOwn(item, DIRECTIVE)) {
      p++;
      continue;
    }
    if (sameKey(item, order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw goError(`The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n${goFormat(order)}\n`);
  }
}

function sameKey(a: unknown, b: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return a === b;
  if (!isPlainObject(a)) throw errBadArgType('map[string]interface {}', a);
  if (!isPlainObject(b)) throw errBadArgType('map[string]interface {}', b);
  if (!hasOwn(a, mergeKey)) throw errNoMergeKey(a, mergeKey);
  if (!hasOwn(b, mergeKey)) throw errNoMergeKey(b, mergeKey);
  return a[mergeKey] === b[mergeKey];
}

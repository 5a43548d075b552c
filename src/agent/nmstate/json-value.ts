// nmstate's merge of a desired value over a current one (state.rs merge_json_value): objects merge by key,
// while lists and scalars replace. Also the small JSON helpers the engine shares.

import { isPlainObject } from '../../common/object.js';
import { cloneJson } from './json-clone.js';

export function mergeJson<T>(current: T, desired: unknown): T {
  if (isPlainObject(current) && isPlainObject(desired)) {
    const out: Record<string, unknown> = { ...current };
    for (const [k, v] of Object.entries(desired)) {
      if (v === undefined) continue;
      out[k] = k in current ? mergeJson(current[k], v) : cloneJson(v);
    }
    return out as T;
  }
  return cloneJson(desired) as T;
}

/** Drops keys whose value is undefined, so YAML/JSON output and deep comparisons stay clean. */
export function pruneUndefined<T>(v: T): T {
  if (Array.isArray(v)) return v.map(pruneUndefined) as T;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = pruneUndefined(x);
    return out as T;
  }
  return v;
}

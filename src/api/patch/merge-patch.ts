// RFC 7386 JSON merge patch (`application/merge-patch+json`), as the apiserver applies it with
// evanphx/json-patch MergePatch: objects merge recursively, `null` deletes a member, and anything
// that is not an object (arrays included) replaces the target wholesale. Pure: inputs are not mutated.
import { isPlainObject } from '../../common/object.js';
import { badRequest } from '../../common/status-error.js';
import { copyJson, hasOwn, setOwn } from './json-util.js';

/**
 * MergePatch(target, patch) from RFC 7386 §2. Returns a new value; `target` and `patch` are untouched
 * (unchanged subtrees of `target` may be shared with the result; array/scalar values from `patch` are copied).
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return copyJson(patch);
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete out[key];
    } else if (isPlainObject(value)) {
      setOwn(out, key, applyMergePatch(hasOwn(out, key) ? out[key] : undefined, value));
    } else {
      setOwn(out, key, copyJson(value));
    }
  }
  return out;
}

/**
 * The apiserver's view of a merge PATCH body: JSON `null` or a scalar is `400 Invalid JSON Patch`
 * (json-patch's ErrBadJSONPatch); an array replaces the whole document, which then fails to decode as
 * an object; an object is merged. Use for request bodies; `applyMergePatch` is the bare RFC algorithm.
 */
export function applyMergePatchBody(target: unknown, patch: unknown): unknown {
  if (patch === null || (typeof patch !== 'object')) throw badRequest('Invalid JSON Patch');
  return applyMergePatch(target, patch);
}

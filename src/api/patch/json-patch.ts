// RFC 6902 JSON patch (`application/json-patch+json`, `kubectl patch --type=json`) with the apiserver's
// error mapping (k8s.io/apiserver/pkg/endpoints/handlers/patch.go, evanphx/json-patch v4 semantics):
// - a body that does not decode as a list of operation objects: 400 BadRequest with the Go decode error;
// - more than 10000 operations: 413 RequestEntityTooLarge;
// - any operation that cannot be applied (unknown op, missing path, failed `test`, index out of
//   range, the root path ""): 422 Invalid `the server rejected our request due to an error in our request`
//   (NewGenericServerResponse drops the json-patch detail, so kubectl prints only that sentence).
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { badRequest, StatusError } from '../../common/status-error.js';
import { isPlainObject } from '../../common/object.js';
import { copyJson, hasOwn, jsonTypeName } from './json-util.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** The 422 a JSON patch that does not apply gets (errors.NewGenericServerResponse(422, …)). */
export function jsonPatchNotApplicable(): StatusError {
  return new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

/** Apply `ops` to a copy of `target`; `target` and `ops` are not mutated. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${jsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isPlainObject(op)) {
      throw badRequest(`json: cannot unmarshal ${jsonTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new StatusError(413, 'RequestEntityTooLarge',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`);
  }
  const prepared: Operation[] = [];
  for (const raw of ops as (Record<string, unknown> | null)[]) {
    if (raw === null) throw jsonPatchNotApplicable(); // decodes to an operation of kind "unknown"
    const op = raw.op;
    if (typeof op !== 'string' || !OPS.has(op)) throw jsonPatchNotApplicable();
    // json-patch v4 has no whole-document operations: "" (and any path not starting with "/") is missing.
    if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) throw jsonPatchNotApplicable();
    if ((op === 'move' || op === 'copy') && (typeof raw.from !== 'string' || !raw.from.startsWith('/'))) {
      throw jsonPatchNotApplicable();
    }
    const copy = copyJson(raw);
    // v4 treats a missing `value` as JSON null rather than rejecting the operation.
    if ((op === 'add' || op === 'replace' || op === 'test') && !hasOwn(copy, 'value')) copy.value = null;
    prepared.push(copy as unknown as Operation);
  }
  try {
    return jsonpatch.applyPatch(copyJson(target), prepared, true, true, true).newDocument;
  } catch {
    throw jsonPatchNotApplicable();
  }
}

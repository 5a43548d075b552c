// Admission of incoming objects: decoding checks, unknown-field handling, defaults and validation.
// Pure: takes objects, returns objects or throws StatusError.
import type { KindDef } from '../apis/kind.js';
import { pruneUnknownFields, validateSchema, applySchemaDefaults } from '../apis/schema-validate.js';
import { validateObjectName, validateLabels, validateAnnotations } from '../common/names.js';
import { badRequest, invalid, StatusError, type FieldError, type StatusCause } from '../common/status-error.js';
import { isPlainObject, type KubeObject } from '../common/object.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '' || v === 'Warn') return 'Warn';
  if (v === 'Strict' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got ${JSON.stringify(v)}`);
}

/**
 * Checks the body is an object of the addressed kind and prunes fields the schema does not declare:
 * Strict rejects them (400, apiserver's "strict decoding error" wording), Warn reports them as warnings.
 */
export function decodeObject(def: KindDef, version: string, body: unknown, fv: FieldValidation): { obj: KubeObject; warnings: string[] } {
  const gv = def.group ? `${def.group}/${version}` : version;
  if (!isPlainObject(body)) {
    throw badRequest(`Object '${def.kind}' is invalid: the request body must be a JSON object`);
  }
  const obj = body as Record<string, unknown>;
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv && !def.versions.some((v) => obj.apiVersion === (def.group ? `${def.group}/${v}` : v))) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${def.kind})`);
  }
  obj.apiVersion = gv;
  obj.kind = def.kind;
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  if (!isPlainObject(obj.metadata)) {
    throw badRequest(`${def.kind} in version "${version}" cannot be handled as a ${def.kind}: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`);
  }
  checkObjectMetaTypes(def.kind, version, obj.metadata);
  const unknown = pruneUnknownFields(def, obj as KubeObject);
  const warnings: string[] = [];
  if (unknown.length > 0) {
    const list = unknown.map((p) => `unknown field "${p}"`);
    if (fv === 'Strict') {
      throw badRequest(`${def.kind} in version "${version}" cannot be handled as a ${def.kind}: strict decoding error: ${list.join(', ')}`);
    }
    if (fv === 'Warn') warnings.push(...list);
  }
  return { obj: obj as KubeObject, warnings };
}

/** Go's name for a JSON value's type, as encoding/json's UnmarshalTypeError prints it. */
function jsonTypeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * ObjectMeta's string fields and string maps are typed before anything reads them (names become keys and
 * reach byte-length checks): a wrong type is the 400 decoding error kube-apiserver answers, never a crash.
 */
function checkObjectMetaTypes(kind: string, version: string, meta: Record<string, unknown>): void {
  const fail = (field: string, v: unknown, goType: string): never => {
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: json: cannot unmarshal ${jsonTypeName(v)} into Go struct field ObjectMeta.metadata.${field} of type ${goType}`);
  };
  for (const f of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'selfLink', 'creationTimestamp', 'deletionTimestamp']) {
    const v = meta[f];
    if (v !== undefined && v !== null && typeof v !== 'string') fail(f, v, 'string');
  }
  for (const f of ['labels', 'annotations']) {
    const v = meta[f];
    if (v === undefined || v === null) continue;
    if (!isPlainObject(v)) fail(f, v, 'map[string]string');
    const map = v as Record<string, unknown>;
    // JSON null into a Go string leaves it empty.
    for (const [k, x] of Object.entries(map)) if (x === null) map[k] = ''; else if (typeof x !== 'string') fail(f, x, 'string');
  }
  const fin = meta['finalizers'];
  if (fin !== undefined && fin !== null) {
    if (!Array.isArray(fin)) fail('finalizers', fin, '[]string');
    for (const x of fin as unknown[]) if (typeof x !== 'string') fail('finalizers', x, 'string');
  }
}

/** Schema defaults apply to every write; a kind's own defaults (PrepareForCreate upstream) only on create. */
export function applyDefaults(def: KindDef, obj: KubeObject, op: 'create' | 'update'): void {
  applySchemaDefaults(def, obj);
  def.normalize?.(obj);
  if (op === 'create') def.defaults?.(obj);
}

/** Validation of a whole object about to be stored: name, labels, annotations, schema and kind rules. */
export function validateForStore(def: KindDef, obj: KubeObject, old: KubeObject | undefined): void {
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (!old) errs.push(...validateObjectName(name, def.nameRule, 'metadata.name'));
  if (obj.metadata.labels !== undefined) errs.push(...validateLabels(obj.metadata.labels, 'metadata.labels'));
  if (obj.metadata.annotations !== undefined) errs.push(...validateAnnotations(obj.metadata.annotations, 'metadata.annotations'));
  if (old?.metadata.deletionTimestamp) {
    const before = new Set(old.metadata.finalizers ?? []);
    for (const f of obj.metadata.finalizers ?? []) {
      if (!before.has(f)) {
        errs.push({ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${JSON.stringify(f)}}` });
      }
    }
  }
  errs.push(...validateSchema(def, obj));
  if (def.validate) errs.push(...def.validate(obj, old));
  if (errs.length > 0) throw invalid(def.group, def.kind, name, errs);
}

/**
 * The error kube-apiserver makes of a webhook's denial (webhookerrors.ToStatusErr): the webhook's own Status
 * with its message prefixed. KubeVirt's webhooks answer 422 Invalid, one cause per broken rule, and join
 * the causes' messages with ", " (pkg/util/webhooks ToAdmissionResponse).
 */
export function webhookDenied(webhook: string, causes: StatusCause[]): StatusError {
  return new StatusError(422, 'Invalid', `admission webhook "${webhook}" denied the request: ${causes.map((c) => c.message).join(', ')}`, { causes });
}

/** The kind's validating webhooks, run once the server's own validation passed (as kube-apiserver orders them). */
export function runValidatingWebhooks(def: KindDef, obj: KubeObject, old: KubeObject | undefined): void {
  const op = old ? 'UPDATE' : 'CREATE';
  for (const wh of def.validatingWebhooks ?? []) {
    if (!wh.operations.includes(op)) continue;
    const causes = wh.validate(obj, old);
    if (causes.length > 0) throw webhookDenied(wh.name, causes);
  }
}

/**
 * A mutating admission step the server runs itself (upstream: a mutating webhook, e.g. kubemacpool's). It
 * runs after defaults and before validation, may change `obj`, reject with a StatusError, and reserve what
 * it handed out until the write is decided.
 */
export interface MutatingAdmission {
  admit(req: MutatingRequest): AdmissionHold | undefined;
}

export interface MutatingRequest {
  def: KindDef;
  /** The object about to be stored; mutate in place. */
  obj: KubeObject;
  /** The stored object on update; undefined on create. */
  old: KubeObject | undefined;
  /** Nothing will be stored: reserve nothing. */
  dryRun: boolean;
}

/** What a mutating step reserved for one write in flight. */
export interface AdmissionHold {
  /** Called exactly once: the write committed at revision `rv`, or (no rv) it did not happen. */
  settle(rv?: number): void;
}

// Schema-driven admission steps, in the order kube-apiserver applies them to a custom resource:
// prune unknown fields (structural pruning, k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning),
// fill `default`s (schema/defaulting), then validate (kube-openapi validate, errors translated by
// apiextensions-apiserver validation.go kubeOpenAPIResultToFieldErrors). Validation is ajv, compiled
// once per kind on first use. Nothing here throws on hostile input: pruning and defaulting only walk
// where the (finite, non-recursive) schema leads, and validation first caps nesting depth.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { KindDef } from './kind.js';
import type { KubeObject } from '../common/object.js';
import type { FieldError } from '../common/status-error.js';
import { clone, isPlainObject } from '../common/object.js';
import { parseRFC3339 } from '../common/duration.js';
import { invalid, notSupported, required, tooLong, tooMany } from './field-errors.js';

/** Deepest nesting of objects and arrays accepted (the root object is depth 1). */
export const MAX_NESTING_DEPTH = 100;

type Schema = Record<string, unknown>;

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function childSchema(map: unknown, key: string): Schema | undefined {
  if (!isPlainObject(map) || !own(map, key)) return undefined;
  const s = map[key];
  return isPlainObject(s) ? s : undefined;
}

const preserves = (s: Schema): boolean => s['x-kubernetes-preserve-unknown-fields'] === true;

const joinKey = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

// ---- pruning ----

/**
 * Removes every field the kind's schema does not declare (respecting `additionalProperties` and
 * `x-kubernetes-preserve-unknown-fields`; `apiVersion` and `kind` are never touched) and returns the
 * pruned paths as apiserver names them in `unknown field "<path>"`: `spec.foo`,
 * `spec.template.spec.bar`, `spec.items[0].x`. Declared fields set to null (and not nullable, without a
 * default) are dropped silently, as apiserver does before defaulting.
 */
export function pruneUnknownFields(def: KindDef, obj: KubeObject): string[] {
  const out: string[] = [];
  if (!isPlainObject(obj)) return out;
  pruneObject(def.schema as unknown as Schema, obj, '', out, true);
  return out;
}

function pruneObject(schema: Schema, value: Record<string, unknown>, path: string, out: string[], root = false): void {
  const props = schema['properties'];
  const additional = schema['additionalProperties'];
  for (const key of Object.keys(value)) {
    if (root && (key === 'apiVersion' || key === 'kind')) continue;
    const child = joinKey(path, key);
    const declared = childSchema(props, key);
    if (declared) {
      const v = value[key];
      if (v === null && declared['nullable'] !== true && declared['default'] === undefined) {
        delete value[key];
        continue;
      }
      pruneValue(declared, v, child, out);
    } else if (isPlainObject(additional)) {
      pruneValue(additional, value[key], child, out);
    } else if (additional !== true && !preserves(schema)) {
      delete value[key];
      out.push(child);
    }
  }
}

function pruneValue(schema: Schema, v: unknown, path: string, out: string[]): void {
  if (Array.isArray(v)) {
    const items = schema['items'];
    if (!isPlainObject(items) || schema['type'] !== 'array') return;
    for (let i = 0; i < v.length; i++) pruneValue(items, v[i], `${path}[${i}]`, out);
  } else if (isPlainObject(v) && schema['type'] === 'object') {
    pruneObject(schema, v, path, out);
  }
}

// ---- defaulting ----

/** Fills the schema's `default`s top-down (a defaulted object gets its own fields' defaults too). */
export function applySchemaDefaults(def: KindDef, obj: KubeObject): void {
  if (isPlainObject(obj)) defaultObject(def.schema as unknown as Schema, obj);
}

function defaultObject(schema: Schema, value: Record<string, unknown>): void {
  const props = schema['properties'];
  if (isPlainObject(props)) {
    for (const key of Object.keys(props)) {
      const ps = childSchema(props, key);
      if (!ps || ps['default'] === undefined) continue;
      if (!own(value, key) || value[key] === undefined || (value[key] === null && ps['nullable'] !== true)) {
        value[key] = clone(ps['default']);
      }
    }
  }
  const additional = schema['additionalProperties'];
  for (const key of Object.keys(value)) {
    const ps = childSchema(props, key) ?? (isPlainObject(additional) ? additional : undefined);
    if (ps) defaultValue(ps, value[key]);
  }
}

function defaultValue(schema: Schema, v: unknown): void {
  if (Array.isArray(v)) {
    const items = schema['items'];
    if (isPlainObject(items)) for (const x of v) defaultValue(items, x);
  } else if (isPlainObject(v) && schema['type'] === 'object') {
    defaultObject(schema, v);
  }
}

// ---- validation ----

/**
 * Validates against the kind's schema; errors in apiextensions-apiserver's words, e.g.
 * `spec.running: Invalid value: "string": spec.running in body must be of type boolean: "string"`,
 * `spec.topology: Required value`, `spec.topology: Unsupported value: "L4": supported values: "Layer2", "Layer3"`.
 */
export function validateSchema(def: KindDef, obj: KubeObject): FieldError[] {
  const tooDeep = depthError(obj);
  if (tooDeep) return [tooDeep];
  const validate = compiled(def);
  if (validate(obj)) return [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    const fe = translate(e, obj);
    if (!fe) continue;
    const key = `${fe.type}\u0000${fe.field}\u0000${fe.detail ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errs.push(fe);
  }
  return errs;
}

/** Iterative (no recursion on input) depth check; the first node past MAX_NESTING_DEPTH. */
function depthError(obj: unknown): FieldError | undefined {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: obj, depth: 1, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    const children: [string, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [`${path}[${i}]`, x])
      : isPlainObject(v) ? Object.keys(v).map((k) => [joinKey(path, k), v[k]]) : [];
    for (const [p, x] of children) {
      if (!Array.isArray(x) && !isPlainObject(x)) continue;
      if (depth + 1 > MAX_NESTING_DEPTH) {
        return invalid(p, undefined, `nesting exceeds the maximum depth of ${MAX_NESTING_DEPTH}`);
      }
      stack.push({ v: x, depth: depth + 1, path: p });
    }
  }
  return undefined;
}

const cache = new WeakMap<KindDef, ValidateFunction>();
let ajv: Ajv | undefined;

function validator(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: true, strict: false, verbose: true, logger: false, validateFormats: true });
  ajv.addFormat('date-time', { type: 'string', validate: (s: string) => parseRFC3339(s) !== undefined });
  // `byte` (Secret data, ConfigMap binaryData) is decoded, and its errors reported, by those kinds.
  ajv.addFormat('byte', { type: 'string', validate: () => true });
  // Numeric formats only document width; kube-openapi does not range-check them.
  for (const f of ['int32', 'int64', 'double', 'float']) ajv.addFormat(f, { type: 'number', validate: () => true });
  return ajv;
}

function compiled(def: KindDef): ValidateFunction {
  let fn = cache.get(def);
  if (!fn) {
    fn = validator().compile(forAjv(JSON.parse(JSON.stringify(def.schema)) as Schema));
    cache.set(def, fn);
  }
  return fn;
}

/** The validation view of a schema: int-or-string as `type: [integer, string]`, no docs or vendor keys. */
function forAjv(s: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'description' || k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties' && isPlainObject(v)) {
      const props: Schema = {};
      for (const [pk, pv] of Object.entries(v)) if (isPlainObject(pv)) props[pk] = forAjv(pv);
      out[k] = props;
    } else if ((k === 'items' || k === 'additionalProperties') && isPlainObject(v)) {
      out[k] = forAjv(v);
    } else if (k === 'anyOf' && s['x-kubernetes-int-or-string'] === true) {
      out['type'] = ['integer', 'string'];
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** Go's reflect kind names kube-openapi prints for a JSON value. */
function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** The apiserver field path and the value at a JSON pointer. */
function locate(root: unknown, pointer: string): { path: string; value: unknown } {
  let path = '';
  let cur: unknown = root;
  if (pointer === '') return { path, value: cur };
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path = `${path}[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      path = joinKey(path, seg);
      cur = isPlainObject(cur) && own(cur, seg) ? cur[seg] : undefined;
    }
  }
  return { path, value: cur };
}

function translate(e: ErrorObject, root: unknown): FieldError | undefined {
  const { path, value } = locate(root, e.instancePath);
  const p = e.params as Record<string, unknown>;
  const inBody = `${path} in body`;
  switch (e.keyword) {
    case 'required':
      return required(joinKey(path, String(p['missingProperty'])));
    case 'type': {
      const t = (e.parentSchema as Schema | undefined)?.['type'];
      const expected = Array.isArray(t) ? t.join(',') : String(t ?? p['type']);
      const actual = jsonTypeName(value);
      return invalid(path, actual, `${inBody} must be of type ${expected}: "${actual}"`);
    }
    case 'enum': {
      const allowed = Array.isArray(p['allowedValues']) ? p['allowedValues'] : [];
      return notSupported(path, value, allowed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))));
    }
    case 'pattern':
      return invalid(path, value, `${inBody} should match '${String(p['pattern'])}'`);
    case 'format':
      return invalid(path, value, `${inBody} must be of type ${String(p['format'])}: ${JSON.stringify(value)}`);
    case 'minimum':
      return invalid(path, value, `${inBody} should be greater than or equal to ${String(p['limit'])}`);
    case 'exclusiveMinimum':
      return invalid(path, value, `${inBody} should be greater than ${String(p['limit'])}`);
    case 'maximum':
      return invalid(path, value, `${inBody} should be less than or equal to ${String(p['limit'])}`);
    case 'exclusiveMaximum':
      return invalid(path, value, `${inBody} should be less than ${String(p['limit'])}`);
    case 'multipleOf':
      return invalid(path, value, `${inBody} should be a multiple of ${String(p['multipleOf'])}`);
    case 'minLength':
      return invalid(path, value, `${inBody} should be at least ${String(p['limit'])} chars long`);
    case 'maxLength':
      return tooLong(path, Number(p['limit']));
    case 'minItems':
      return invalid(path, Array.isArray(value) ? value.length : undefined, `${inBody} should have at least ${String(p['limit'])} items`);
    case 'maxItems':
      return tooMany(path, Array.isArray(value) ? value.length : -1, Number(p['limit']));
    case 'minProperties':
      return invalid(path, isPlainObject(value) ? Object.keys(value).length : undefined, `${inBody} should have at least ${String(p['limit'])} properties`);
    case 'maxProperties':
      return tooMany(path, isPlainObject(value) ? Object.keys(value).length : -1, Number(p['limit']));
    case 'uniqueItems':
      return invalid(path, value, `${inBody} shouldn't contain duplicates`);
    default:
      return invalid(path, value, `${inBody} ${e.message ?? 'is invalid'}`);
  }
}

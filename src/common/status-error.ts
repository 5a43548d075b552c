// Errors are values with a stable Kubernetes `reason`; the API turns them into `Status` objects.
// Messages follow k8s.io/apimachinery/pkg/api/errors/errors.go word for word.

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;
  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** A group-qualified resource, e.g. `virtualmachines.kubevirt.io`, or `pods` for the core group. */
export function qualifiedResource(group: string, plural: string): string {
  return group ? `${plural}.${group}` : plural;
}

function resourceDetails(group: string, plural: string, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: plural };
  if (group) d.group = group;
  return d;
}

export function notFound(group: string, plural: string, name: string): StatusError {
  return new StatusError(404, 'NotFound', `${qualifiedResource(group, plural)} "${name}" not found`,
    resourceDetails(group, plural, name));
}

export function alreadyExists(group: string, plural: string, name: string): StatusError {
  return new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, plural)} "${name}" already exists`,
    resourceDetails(group, plural, name));
}

export function conflict(group: string, plural: string, name: string, why: string): StatusError {
  return new StatusError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(group, plural)} "${name}": ${why}`,
    resourceDetails(group, plural, name));
}

export const OBJECT_MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';

export interface FieldError {
  /** `Invalid`, `Required`, `Unsupported`, `Forbidden`, `TooLong`, `Duplicate`, `NotFound`, `TooMany`. */
  type: FieldErrorType;
  field: string;
  /** Rendered value for Invalid/Unsupported/Duplicate/NotFound, omitted for the others. */
  value?: unknown;
  detail?: string;
}

export type FieldErrorType =
  | 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueNotSupported' | 'FieldValueForbidden'
  | 'FieldValueTooLong' | 'FieldValueDuplicate' | 'FieldValueNotFound' | 'FieldValueTooMany';

const typeWords: Record<FieldErrorType, string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueNotFound: 'Not found',
  FieldValueTooMany: 'Too many',
};

/** Go's %#v-ish rendering that field.Error uses for values: strings quoted, numbers bare. */
export function renderFieldValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** field.Error.ErrorBody(): `Invalid value: "x": detail`. */
export function fieldErrorBody(e: FieldError): string {
  const words = typeWords[e.type];
  let s: string;
  switch (e.type) {
    case 'FieldValueRequired':
    case 'FieldValueForbidden':
    case 'FieldValueTooLong':
      s = words;
      break;
    case 'FieldValueTooMany':
      // upstream prints the actual count when it is known: `Too many: 3: must have at most 2 items`
      s = typeof e.value === 'number' ? `${words}: ${e.value}` : words;
      break;
    default:
      s = e.value === undefined ? words : `${words}: ${renderFieldValue(e.value)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

export function fieldErrorString(e: FieldError): string {
  return e.field ? `${e.field}: ${fieldErrorBody(e)}` : fieldErrorBody(e);
}

/** errors.NewInvalid: 422 with one cause per field error. `kind` is the Kind (details.kind), not the plural. */
export function invalid(group: string, kind: string, name: string, errs: FieldError[]): StatusError {
  const qualified = group ? `${kind}.${group}` : kind;
  const agg = errs.length === 1 ? fieldErrorString(errs[0]!) : `[${errs.map(fieldErrorString).join(', ')}]`;
  const details: StatusDetails = {
    name,
    kind,
    causes: errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
  };
  if (group) details.group = group;
  return new StatusError(422, 'Invalid', `${qualified} "${name}" is invalid: ${agg}`, details);
}

/** A path the server does not serve (kube-apiserver's plain 404). */
export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function unsupportedMediaType(message: string): StatusError {
  return new StatusError(415, 'UnsupportedMediaType', message);
}

export function methodNotAllowed(message: string): StatusError {
  return new StatusError(405, 'MethodNotAllowed', message);
}

export function forbidden(message: string, details?: StatusDetails): StatusError {
  return new StatusError(403, 'Forbidden', message, details);
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

/** 429, as kube-apiserver's max-in-flight and API priority and fairness answer (clients honour Retry-After). */
export function tooManyRequests(message: string, retryAfterSeconds: number): StatusError {
  return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function requestEntityTooLarge(message: string): StatusError {
  return new StatusError(413, 'RequestEntityTooLarge', message);
}

export function internalError(message: string): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`);
}

export function isStatusError(e: unknown): e is StatusError {
  return e instanceof StatusError;
}

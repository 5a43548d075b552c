// field.ErrorList constructors (k8s.io/apimachinery/pkg/util/validation/field/errors.go) for kind
// validators, so each rule reads like its upstream line.
import type { FieldError } from '../common/status-error.js';

export function required(field: string, detail?: string): FieldError {
  return detail === undefined ? { type: 'FieldValueRequired', field } : { type: 'FieldValueRequired', field, detail };
}

export function invalid(field: string, value: unknown, detail: string): FieldError {
  return value === undefined ? { type: 'FieldValueInvalid', field, detail } : { type: 'FieldValueInvalid', field, value, detail };
}

export function forbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

/** NotSupported: `supported values: "a", "b"` (each value strconv.Quote'd). */
export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldError {
  const e: FieldError = { type: 'FieldValueNotSupported', field, value };
  if (supported.length > 0) e.detail = `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}`;
  return e;
}

/** TooLong (1.30+ wording); upstream omits the value. */
export function tooLong(field: string, maxLength: number): FieldError {
  return { type: 'FieldValueTooLong', field, detail: maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long' };
}

/** TooMany: carries the actual count, which upstream prints (`Too many: 3: must have at most 2 items`). */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field, value: actual, detail: max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items' };
}

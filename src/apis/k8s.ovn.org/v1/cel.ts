// How apiextensions-apiserver runs a CRD's x-kubernetes-validations (registry/customresource/strategy.go):
// after the OpenAPI schema, and not at all when the schema already found a "blocking" error (a wrong type,
// a missing required field, an enum, maxLength or maxItems violation). One field-less error then says so,
// rendered by field.Invalid(nil, nil, …) as `<nil>: Invalid value: "null": …`.
import type { FieldError } from '../../../common/status-error.js';
import type { KubeObject } from '../../../common/object.js';
import type { KindDef } from '../../kind.js';
import { validateSchema } from '../../schema-validate.js';
import { invalid } from '../../field-errors.js';

export const RULES_NOT_CHECKED = 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

/** hasBlockingErr: NotSupported, Required, TooLong, TooMany and TypeInvalid (here: Invalid "must be of type"). */
export function isBlocking(e: FieldError): boolean {
  switch (e.type) {
    case 'FieldValueNotSupported': case 'FieldValueRequired': case 'FieldValueTooLong': case 'FieldValueTooMany':
      return true;
    case 'FieldValueInvalid':
      return / in body must be of type /.test(e.detail ?? '');
    default:
      return false;
  }
}

/** The CEL rules' errors, or the one "not checked" error when the schema errors block them. */
export function celErrors(def: KindDef, obj: KubeObject, rules: () => FieldError[]): FieldError[] {
  if (validateSchema(def, obj).some(isBlocking)) return [invalid('<nil>', 'null', RULES_NOT_CHECKED)];
  return rules();
}

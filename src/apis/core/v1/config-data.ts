// Rules ConfigMap and Secret share (pkg/apis/core/validation/validation.go ValidateConfigMap /
// ValidateSecret; k8s.io/apimachinery/pkg/util/validation IsConfigMapKey).
import type { FieldError } from '../../../common/status-error.js';
import { byteLength, DNS1123_SUBDOMAIN_MAX_LENGTH, maxLenError, regexError } from '../../../common/names.js';

/** core.MaxSecretSize, also ConfigMap's limit: 1 MiB over all values. */
export const MAX_CONFIG_DATA_SIZE = 1024 * 1024;

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
const configMapKeyRe = /^[-._a-zA-Z0-9]+$/;
const configMapKeyErrMsg = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

/** IsConfigMapKey: the messages for one key, empty when valid. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (byteLength(key) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!configMapKeyRe.test(key)) errs.push(regexError(configMapKeyErrMsg, configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  if (key === '.') errs.push("must not be '.'");
  else if (key === '..') errs.push("must not be '..'");
  else if (key.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

export function validateConfigKeys(map: Record<string, unknown>, root: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of Object.keys(map)) {
    for (const detail of configKeyErrors(key)) {
      errs.push({ type: 'FieldValueInvalid', field: `${root}[${key}]`, value: key, detail });
    }
  }
  return errs;
}

export const IMMUTABLE_SET_MESSAGE = 'field is immutable when `immutable` is set';

/** Byte length of a base64 value once decoded (input already checked). */
export function decodedLength(b64: string): number {
  const s = b64.replace(/[\r\n]/g, '');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.max(0, (s.length / 4) * 3 - pad);
}

const B64_CHAR = /[A-Za-z0-9+/]/;

/**
 * Go's base64.StdEncoding.DecodeString error for a value, or undefined when it decodes. The offset
 * follows encoding/base64's CorruptInputError: the first illegal byte, or the start of a quantum
 * that is cut short or wrongly padded. CR and LF are skipped, as Go does.
 */
export function base64Error(value: string): string | undefined {
  const chars: { c: string; at: number }[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\r' || c === '\n') continue;
    chars.push({ c, at: i });
  }
  for (let q = 0; q < chars.length; q += 4) {
    const quantum = chars.slice(q, q + 4);
    let padAt = -1;
    for (let j = 0; j < quantum.length; j++) {
      const { c, at } = quantum[j]!;
      if (c === '=') {
        // Padding may only fill the last one or two places of the final quantum.
        if (j < 2) return `illegal base64 data at input byte ${at}`;
        if (padAt < 0) padAt = j;
        continue;
      }
      if (padAt >= 0 || !B64_CHAR.test(c)) return `illegal base64 data at input byte ${at}`;
    }
    if (quantum.length < 4) return `illegal base64 data at input byte ${quantum[0]!.at}`;
    if (padAt >= 0 && q + 4 < chars.length) return `illegal base64 data at input byte ${chars[q + 4]!.at}`;
    if (padAt === 2 && quantum[3]!.c !== '=') return `illegal base64 data at input byte ${quantum[3]!.at}`;
  }
  return undefined;
}

/**
 * The decode failure kube-apiserver answers with 400 BadRequest before any validation when a base64
 * field does not decode, e.g. `Secret in version "v1" cannot be handled as a Secret: illegal base64
 * data at input byte 4`.
 */
export function base64DecodeError(kind: string, map: unknown): string | undefined {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  for (const v of Object.values(map)) {
    if (typeof v !== 'string') continue;
    const e = base64Error(v);
    if (e !== undefined) return `${kind} in version "v1" cannot be handled as a ${kind}: ${e}`;
  }
  return undefined;
}

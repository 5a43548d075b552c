// Name, label and annotation validation with upstream's exact messages.
// Sources (Kubernetes 1.33 wording):
//   k8s.io/apimachinery/pkg/util/validation/validation.go      (IsDNS1123*, IsQualifiedName, IsValidLabelValue, errors)
//   k8s.io/apimachinery/pkg/api/validation/path/name.go        (IsValidPathSegmentName)
//   k8s.io/apimachinery/pkg/api/validation/generic.go          (NameIsDNSSubdomain & co, maskTrailingDash)
//   k8s.io/apimachinery/pkg/api/validation/objectmeta.go       (ValidateAnnotations, name required)
//   k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabels)
//   k8s.io/apimachinery/pkg/util/rand/rand.go + apiserver/pkg/storage/names/generate.go (generateName)
import type { FieldError } from './status-error.js';

/** Go's len(): upstream limits count UTF-8 bytes, not UTF-16 units. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) { n += 4; i++; }
    else n += 3;
  }
  return n;
}

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  // Upstream appends "'x', " per example and " or " between them, hence the double spaces.
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export function emptyError(): string {
  return 'must be non-empty';
}

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const dns1123LabelRe = new RegExp(`^${dns1123LabelFmt}$`);
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const dns1035LabelRe = new RegExp(`^${dns1035LabelFmt}$`);

export const DNS1123_LABEL_MAX_LENGTH = 63;
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
export const LABEL_VALUE_MAX_LENGTH = 63;
/** objectmeta.go TotalAnnotationSizeLimitB: 256 KiB over all keys and values. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

export function isDNS1123Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRe.test(v)) {
    // A valid subdomain that is not a valid label (length already checked) must contain dots.
    if (dns1123SubdomainRe.test(v)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRe.test(v)) errs.push(regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

export function isDNS1035Label(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > DNS1123_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1035LabelRe.test(v)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

/** path/name.go: names that appear as a URL path segment. */
export function isValidPathSegmentName(v: string): string[] {
  for (const bad of ['.', '..']) if (v === bad) return [`may not be '${bad}'`];
  return isValidPathSegmentPrefix(v);
}

/** path/name.go IsValidPathSegmentPrefix: generateName may be '.' since a suffix follows. */
export function isValidPathSegmentPrefix(v: string): string[] {
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (v.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const QUALIFIED_NAME_MAX_LENGTH = 63;

/** A label key (also annotation keys, finalizers): `[prefix/]name`. */
export function isQualifiedName(v: string): string[] {
  const errs: string[] = [];
  const parts = v.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
    else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [`a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`
      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!qualifiedNameRe.test(name)) {
    errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

export function isValidLabelValue(v: string): string[] {
  const errs: string[] = [];
  if (byteLength(v) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(v)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

function invalidAll(field: string, value: string, msgs: string[]): FieldError[] {
  return msgs.map((detail) => ({ type: 'FieldValueInvalid', field, value, detail }));
}

/** meta/v1/validation ValidateLabelName. */
export function validateLabelName(key: string, fieldPath: string): FieldError[] {
  return invalidAll(fieldPath, key, isQualifiedName(key));
}

/** meta/v1/validation ValidateLabels: every error is reported at the map's path, not per key. */
export function validateLabels(labels: Record<string, string>, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, fieldPath));
    errs.push(...invalidAll(fieldPath, v, isValidLabelValue(v)));
  }
  return errs;
}

/** objectmeta.go ValidateAnnotations: keys are qualified names ignoring case; total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string>, fieldPath: string): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...invalidAll(fieldPath, k, isQualifiedName(k.toLowerCase())));
    total += byteLength(k) + byteLength(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    // field.TooLong: the value is omitted from the message.
    errs.push({ type: 'FieldValueTooLong', field: fieldPath, detail: `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes` });
  }
  return errs;
}

export type NameRule = 'subdomain' | 'label' | 'path';

/** generic.go maskTrailingDash: a generateName prefix may end in '-' (upstream drops two chars, kept as is). */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

/** The ValidateNameFunc for a rule; `prefix` is true when validating a generateName. */
export function nameRuleErrors(rule: NameRule, name: string, prefix = false): string[] {
  switch (rule) {
    case 'subdomain': return isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
    case 'label': return isDNS1123Label(prefix ? maskTrailingDash(name) : name);
    case 'path': return prefix ? isValidPathSegmentPrefix(name) : isValidPathSegmentName(name);
  }
}

/**
 * objectmeta.go ValidateObjectMetaAccessor's name part. An empty name gets upstream's
 * `Required value: name or generateName is required`.
 */
export function validateObjectName(name: string, rule: NameRule, fieldPath = 'metadata.name'): FieldError[] {
  if (name.length === 0) {
    return [{ type: 'FieldValueRequired', field: fieldPath, detail: 'name or generateName is required' }];
  }
  return invalidAll(fieldPath, name, nameRuleErrors(rule, name));
}

/** Same for metadata.generateName (checked with prefix=true, so a trailing '-' is fine). */
export function validateGenerateName(generateName: string, rule: NameRule, fieldPath = 'metadata.generateName'): FieldError[] {
  return invalidAll(fieldPath, generateName, nameRuleErrors(rule, generateName, true));
}

/** util/rand: no vowels, to avoid forming words. */
export const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RANDOM_LENGTH = 5;
/** names/generate.go MaxGeneratedNameLength = 63 - 5: the base is cut so base+suffix ≤ 63. */
export const MAX_GENERATED_NAME_BASE_LENGTH = 63 - RANDOM_LENGTH;

export function generateNameSuffix(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) {
    s += NAME_SUFFIX_ALPHABET[Math.floor(random() * NAME_SUFFIX_ALPHABET.length)] ?? 'b';
  }
  return s;
}

/** names.SimpleNameGenerator.GenerateName: truncate the base to 58 bytes, append 5 random chars. */
export function generateName(base: string, random: () => number = Math.random): string {
  const b = base.length > MAX_GENERATED_NAME_BASE_LENGTH ? base.slice(0, MAX_GENERATED_NAME_BASE_LENGTH) : base;
  return b + generateNameSuffix(random);
}

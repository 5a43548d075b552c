// Pure: the "Edit labels" editor. `key=value` text → a label, checked with Kubernetes' own rules and words
// (apimachinery validation.go IsQualifiedName / IsValidLabelValue, as the API server would answer), and the
// merge patch that turns the old labels into the new ones (a removed label is set to null).

const qualifiedNameFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const qualifiedNameErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const dns1123SubdomainRe = new RegExp(`^${dns1123SubdomainFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueErrMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelValueRe = new RegExp(`^${labelValueFmt}$`);

/** Go's len(): the limits count UTF-8 bytes. */
function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  // upstream appends "'x', " per example joined by " or ", hence the double spaces
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

const maxLen = (n: number): string => `must be no more than ${n} characters`;

/** A label key's errors: `[prefix/]name`, the prefix a DNS subdomain. */
export function labelKeyErrors(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else {
      if (byteLength(prefix) > 253) errs.push(`prefix part ${maxLen(253)}`);
      if (!dns1123SubdomainRe.test(prefix)) errs.push(`prefix part ${regexError(dns1123SubdomainErrMsg, dns1123SubdomainFmt, 'example.com')}`);
    }
  } else {
    return [`a qualified name ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`
      + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (byteLength(name) > 63) errs.push(`name part ${maxLen(63)}`);
  if (!qualifiedNameRe.test(name)) errs.push(`name part ${regexError(qualifiedNameErrMsg, qualifiedNameFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > 63) errs.push(maxLen(63));
  if (!labelValueRe.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

export type ParsedLabel = { ok: true; key: string; value: string } | { ok: false; errors: string[] };

/**
 * What the editor makes of typed text: `key=value`, or a bare `key` (empty value) as the OpenShift console
 * accepts. Errors read as the API server's field errors (`Invalid value: "x": …`).
 */
export function parseLabel(text: string): ParsedLabel {
  const s = text.trim();
  if (!s) return { ok: false, errors: ['Required value: a label is key=value'] };
  const eq = s.indexOf('=');
  const key = eq < 0 ? s : s.slice(0, eq);
  const value = eq < 0 ? '' : s.slice(eq + 1);
  const errors = [
    ...labelKeyErrors(key).map((m) => `Invalid value: ${JSON.stringify(key)}: ${m}`),
    ...labelValueErrors(value).map((m) => `Invalid value: ${JSON.stringify(value)}: ${m}`),
  ];
  return errors.length ? { ok: false, errors } : { ok: true, key, value };
}

/** Adds (or replaces the value of) one label, keeping the others' order. */
export function withLabel(labels: Record<string, string>, key: string, value: string): Record<string, string> {
  return { ...labels, [key]: value };
}

export function withoutLabel(labels: Record<string, string>, key: string): Record<string, string> {
  const next = { ...labels };
  delete next[key];
  return next;
}

/** The merge patch from `before` to `after`; undefined when nothing changed. */
export function labelsPatch(before: Record<string, string>, after: Record<string, string>): { metadata: { labels: Record<string, string | null> } } | undefined {
  const labels: Record<string, string | null> = {};
  for (const k of Object.keys(before)) if (!(k in after)) labels[k] = null;
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) labels[k] = v;
  return Object.keys(labels).length ? { metadata: { labels } } : undefined;
}

export const formatLabel = (key: string, value: string): string => (value === '' ? key : `${key}=${value}`);

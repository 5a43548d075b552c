// Field selectors (`?fieldSelector=`), ported from k8s.io/apimachinery/pkg/fields/selector.go.
// Only `=`, `==` and `!=` joined by commas; values escape `\,` `\=` `\\`; no whitespace trimming
// (upstream does none: `a = b` selects the field "a " with value " b").

export interface FieldRequirement {
  field: string;
  /** `==` is parsed as `=`, as upstream's hasTerm does. */
  operator: '=' | '!=';
  value: string;
}

/** splitTerms: split on commas that are not backslash-escaped; escapes stay in the terms. */
function splitTerms(s: string): string[] {
  if (s.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') { terms.push(s.slice(start, i)); start = i + 1; }
  }
  terms.push(s.slice(start));
  return terms;
}

// `==` is tried before `=` so that `a==b` does not leave `=b` as the value.
const termOperators = ['!=', '==', '='] as const;

/** splitTerm: the first operator found from the left splits the term; lhs has no escaping. */
function splitTerm(term: string): { lhs: string; op: (typeof termOperators)[number]; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of termOperators) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** fields.UnescapeValue. Go prints the offending rune with %v, i.e. as its code point number. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  if (inSlash) throw new Error('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** fields.EscapeValue. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/**
 * fields.ParseSelector. Terms come back sorted by their raw text, as upstream sorts them before
 * parsing (so the first unsupported field reported is deterministic). Empty terms are skipped;
 * the empty string selects everything. Throws an Error with upstream's message (→ 400 BadRequest).
 */
export function parseFieldSelector(s: string): FieldRequirement[] {
  const parts = splitTerms(s).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
    reqs.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeFieldValue(t.rhs) });
  }
  return reqs;
}

/**
 * Selector.Matches. `get` answers a field's value; a field it does not know reads as "" (Go's
 * fields.Set.Get), so `spec.nodeName=` matches an unscheduled pod.
 */
export function matchesFields(reqs: readonly FieldRequirement[], get: (field: string) => string | undefined): boolean {
  return reqs.every((r) => ((get(r.field) ?? '') === r.value) === (r.operator === '='));
}

/** The distinct field names a selector uses, in selector order. */
export function fieldSelectorFields(reqs: readonly FieldRequirement[]): string[] {
  return [...new Set(reqs.map((r) => r.field))];
}

/**
 * The message upstream's field label conversion gives for the first unsupported field, or
 * undefined when all are supported. The API answers it as 400 BadRequest.
 */
export function unsupportedFieldMessage(reqs: readonly FieldRequirement[], supported: Iterable<string>): string | undefined {
  const ok = supported instanceof Set ? (supported as Set<string>) : new Set(supported);
  const bad = reqs.find((r) => !ok.has(r.field));
  return bad ? `field label not supported: ${bad.field}` : undefined;
}

/** Selector.String: `a=b,c!=d` with values escaped. */
export function formatFieldSelector(reqs: readonly FieldRequirement[]): string {
  return reqs.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
}

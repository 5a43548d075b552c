// Pure: the "Edit labels" editor. `key=value` text → a label, checked with Kubernetes' own rules and words
// (apimachinery validation.go IsQualifiedName / IsValidLabelValue, as the API server would answer), and the
// merge patch that turns the old labels into the new ones (a removed label is set to null).
import { isQualifiedName, isValidLabelValue } from '../../../src/common/names.js';

/** A label key's errors: `[prefix/]name`, the prefix a DNS subdomain (the API server's own check). */
export const labelKeyErrors = isQualifiedName;

/** A label value's errors (the API server's own check). */
export const labelValueErrors = isValidLabelValue;

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

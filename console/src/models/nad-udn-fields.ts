// A validation message a pure form model returns: English text (the i18n key) and its {{vars}}; the view
// translates it with t(text, vars).
export interface FieldMessage {
  text: string;
  vars?: Record<string, string | number>;
}

/** Marks English text that the view translates (the i18n test finds these literals). */
export const tKey = (text: string): string => text;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The API's name rule for these kinds (a DNS-1123 subdomain), as messages a form shows under Name. */
export function nameMessage(name: string): FieldMessage | undefined {
  if (name.trim() === '') return { text: tKey('Name is required') };
  if (name.length > 253) return { text: tKey('Name must be no more than 253 characters') };
  if (!DNS1123_SUBDOMAIN.test(name)) {
    return { text: tKey("Name must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character") };
  }
  return undefined;
}

// Column pieces shared by kinds. CRDs without additionalPrinterColumns get exactly [Age] upstream
// (apiextensions-apiserver tableconvertor); built-in kinds list what pkg/printers/internalversion prints.
import type { PrinterColumn } from './kind.js';
import { isPlainObject } from '../common/object.js';

export const AGE_DESCRIPTION = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const AGE_COLUMN: PrinterColumn = {
  name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: AGE_DESCRIPTION,
};

/** The default table of a CRD that declares no columns. */
export const DEFAULT_CRD_COLUMNS: PrinterColumn[] = [AGE_COLUMN];

/** Safe nested read for `cell` functions: `field(obj, 'status', 'nodeInfo', 'kubeletVersion')`. */
export function field(v: unknown, ...path: string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isPlainObject(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function stringField(v: unknown, ...path: string[]): string {
  const x = field(v, ...path);
  return typeof x === 'string' ? x : '';
}

export function listField(v: unknown, ...path: string[]): unknown[] {
  const x = field(v, ...path);
  return Array.isArray(x) ? x : [];
}

export function mapSize(v: unknown, ...path: string[]): number {
  const x = field(v, ...path);
  return isPlainObject(x) ? Object.keys(x).length : 0;
}

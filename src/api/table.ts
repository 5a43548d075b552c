// Server-side printing (meta.k8s.io/v1 Table): what `kubectl get` shows comes from here.
import type { KindDef, PrinterColumn } from '../apis/kind.js';
import type { KubeObject } from '../common/object.js';
import { printerCell } from '../common/jsonpath.js';
import { ageSince } from '../common/duration.js';

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Does the Accept header ask for a Table (kubectl's human output does)? */
export function wantsTable(accept: string | undefined): boolean {
  return accept !== undefined && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

const nameColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

/** Kinds whose upstream printer places Name elsewhere (Event: wide-only, last) list it themselves. */
function leadingName(def: KindDef): boolean {
  return !def.printerColumns.some((c) => c.name === 'Name');
}

export function columnDefinitions(def: KindDef): Record<string, unknown>[] {
  return [...(leadingName(def) ? [nameColumn] : []), ...def.printerColumns.map((c) => ({
    name: c.name,
    type: c.type,
    format: c.format ?? '',
    description: c.description ?? '',
    priority: c.priority ?? 0,
  }))];
}

function cell(c: PrinterColumn, obj: KubeObject, now: Date): unknown {
  if (c.cell) return c.cell(obj, now) ?? null;
  if (!c.jsonPath) return null;
  const v = printerCell(obj, c.jsonPath, c.type);
  if (v === undefined) return null;
  if (c.type === 'date') return ageSince(typeof v === 'string' ? v : undefined, now);
  return v;
}

export function tableRow(def: KindDef, obj: KubeObject, include: IncludeObject, now: Date): Record<string, unknown> {
  const row: Record<string, unknown> = {
    cells: [...(leadingName(def) ? [obj.metadata.name ?? ''] : []), ...def.printerColumns.map((c) => cell(c, obj, now))],
  };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') {
    row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  }
  return row;
}

export function toTable(def: KindDef, objs: KubeObject[], rv: string | undefined, include: IncludeObject, withColumns = true): Record<string, unknown> {
  const now = new Date();
  const t: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: rv === undefined ? {} : { resourceVersion: rv },
    rows: objs.map((o) => tableRow(def, o, include, now)),
  };
  if (withColumns) t.columnDefinitions = columnDefinitions(def);
  return t;
}

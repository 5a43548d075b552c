// Pure: the Import YAML text → objects. Several documents are allowed; AsciiDoc `----` fence lines (the
// guide's YAML is wrapped in them) are dropped and counted so the page can say so. No DOM, no I/O.
import { parseAllDocuments } from 'yaml';

export interface ImportedDoc {
  index: number;
  object?: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown; generateName?: unknown } } & Record<string, unknown>;
  error?: string;
}

export interface ImportResult {
  docs: ImportedDoc[];
  strippedFences: number;
}

const FENCE = /^-{4,}\s*$/;

export function parseImport(text: string): ImportResult {
  let strippedFences = 0;
  const lines = text.split(/\r?\n/).filter((l) => {
    if (FENCE.test(l)) {
      strippedFences++;
      return false;
    }
    return true;
  });
  const docs: ImportedDoc[] = [];
  // maxAliasCount guards against alias bombs; the server has its own limits too
  const parsed = parseAllDocuments(lines.join('\n'));
  const list = Array.isArray(parsed) ? parsed : [parsed];
  let index = 0;
  for (const d of list) {
    if (d.errors.length > 0) {
      docs.push({ index: ++index, error: d.errors[0]!.message });
      continue;
    }
    let value: unknown;
    try {
      value = d.toJS({ maxAliasCount: 100 });
    } catch (e) {
      docs.push({ index: ++index, error: (e as Error).message });
      continue;
    }
    if (value === null || value === undefined) continue;
    index++;
    if (typeof value !== 'object' || Array.isArray(value)) {
      docs.push({ index, error: 'a document must be a YAML mapping with apiVersion, kind and metadata' });
      continue;
    }
    const obj = value as NonNullable<ImportedDoc['object']>;
    if (typeof obj.apiVersion !== 'string' || obj.apiVersion === '') docs.push({ index, object: obj, error: 'apiVersion is required' });
    else if (typeof obj.kind !== 'string' || obj.kind === '') docs.push({ index, object: obj, error: 'kind is required' });
    else docs.push({ index, object: obj });
  }
  return { docs, strippedFences };
}

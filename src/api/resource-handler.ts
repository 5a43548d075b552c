// HTTP verbs on resource paths → ResourceService calls; content negotiation, selectors, patch types.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef } from '../apis/kind.js';
import type { KubeObject } from '../common/object.js';
import type { ResourcePath } from './request-info.js';
import type { Store } from './storage/store.js';
import type { KindIndex } from './kind-index.js';
import type { ResourceService, WriteOptions, DeleteOptions } from './resource-service.js';
import { collectionPrefix } from './request-info.js';
import { parseFieldValidation, decodeObject } from './admission.js';
import { readBody, parseJson, parseYamlOrJson } from './http/body.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf/envelope.js';
import { sendJson, sendText } from './http/respond.js';
import { toTable, wantsTable, parseIncludeObject, TABLE_CONTENT_TYPE } from './table.js';
import { serveWatch } from './watch.js';
import { parseLabelSelector, matchesLabels } from '../common/label-selector.js';
import { parseFieldSelector, matchesFields } from '../common/field-selector.js';
import { applyMergePatch } from './patch/merge-patch.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { applyStrategicMergePatch } from './patch/strategic-merge.js';
import { managerOrUserAgent } from './patch/managed-fields.js';
import {
  badRequest, invalid, methodNotAllowed, pathNotFound, unsupportedMediaType, StatusError,
} from '../common/status-error.js';
import { isPlainObject } from '../common/object.js';

export interface HandlerContext {
  index: KindIndex;
  store: Store;
  service: ResourceService;
}


function parseDryRun(values: string[]): boolean {
  for (const v of values) {
    if (v !== 'All') {
      throw invalid('meta.k8s.io', 'CreateOptions', '', [{ type: 'FieldValueNotSupported', field: 'dryRun', value: v, detail: 'supported values: "All"' }]);
    }
  }
  return values.length > 0;
}

function writeOptions(q: URLSearchParams, version: string, req: IncomingMessage): WriteOptions {
  return {
    defaultManager: managerOrUserAgent(q.get('fieldManager'), req.headers['user-agent']),
    dryRun: parseDryRun(q.getAll('dryRun')),
    fieldManager: q.get('fieldManager') ?? undefined,
    fieldValidation: parseFieldValidation(q.get('fieldValidation')),
    version,
  };
}

/** Builds the per-request object filter from labelSelector/fieldSelector. */
export function objectFilter(def: KindDef, q: URLSearchParams): (o: KubeObject) => boolean {
  let labelReqs: ReturnType<typeof parseLabelSelector> | undefined;
  let fieldReqs: ReturnType<typeof parseFieldSelector> | undefined;
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  try {
    if (ls) labelReqs = parseLabelSelector(ls);
  } catch (e) {
    throw badRequest(`unable to parse requirement: ${(e as Error).message}`.replace('unable to parse requirement: unable to parse requirement: ', 'unable to parse requirement: '));
  }
  try {
    if (fs) fieldReqs = parseFieldSelector(fs);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const getters = new Map<string, (o: KubeObject) => string | undefined>([
    ['metadata.name', (o) => o.metadata.name],
    ['metadata.namespace', (o) => o.metadata.namespace ?? ''],
  ]);
  for (const f of def.fieldSelectors) getters.set(f.field, f.value);
  if (fieldReqs) {
    for (const r of fieldReqs) {
      if (!getters.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
    }
  }
  if (!labelReqs && !fieldReqs) return () => true;
  return (o) => {
    if (labelReqs && !matchesLabels(labelReqs, o.metadata.labels)) return false;
    if (fieldReqs && !matchesFields(fieldReqs, (f) => getters.get(f)?.(o))) return false;
    return true;
  };
}

export async function handleResource(ctx: HandlerContext, p: ResourcePath, url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const def = ctx.index.find(p.group, p.version, p.resource);
  if (!def) throw pathNotFound();
  if (!def.namespaced && p.namespace !== undefined) throw pathNotFound();
  const ns = def.namespaced ? p.namespace : undefined;
  const q = url.searchParams;
  const method = req.method ?? 'GET';
  const svc = ctx.service;
  const accept = req.headers.accept;
  if (p.subresource !== undefined && !(p.subresource === 'status' && def.subresources.status) && !(def.kind === 'Namespace' && p.subresource === 'finalize')) {
    throw pathNotFound();
  }

  if (p.name === undefined) {
    if (method === 'GET') {
      const filter = objectFilter(def, q);
      const prefix = collectionPrefix(def.group, def.plural, ns);
      if (q.get('watch') === 'true' || q.get('watch') === '1') {
        const t = q.get('timeoutSeconds');
        await serveWatch(ctx.store, {
          def, version: p.version, prefix, resourceVersion: q.get('resourceVersion') ?? undefined,
          timeoutSeconds: t ? Number(t) : undefined, bookmarks: q.get('allowWatchBookmarks') === 'true',
          table: wantsTable(accept), include: parseIncludeObject(q.get('includeObject')), matches: filter,
        }, req, res);
        return;
      }
      const apiVersion = def.group ? `${def.group}/${p.version}` : p.version;
      if (!wantsTable(accept) && !q.get('labelSelector') && !q.get('fieldSelector') && p.version === def.versions[0]) {
        // Unfiltered list in the stored version: splice the stored JSON as is.
        const raw = await ctx.store.listJson(prefix);
        sendText(res, 200, `{"kind":${JSON.stringify(def.listKind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":{"resourceVersion":"${raw.rv}"},"items":[${raw.items.join(',')}]}`);
        return;
      }
      const { items, rv } = await svc.list(def, ns);
      const chosen = items.filter(filter).map((o) => svc.view(def, o, p.version));
      if (wantsTable(accept)) {
        sendJson(res, 200, toTable(def, chosen, String(rv), parseIncludeObject(q.get('includeObject'))), TABLE_CONTENT_TYPE);
        return;
      }
      sendJson(res, 200, {
        kind: def.listKind,
        apiVersion: def.group ? `${def.group}/${p.version}` : p.version,
        metadata: { resourceVersion: String(rv) },
        items: chosen,
      });
      return;
    }
    if (method === 'POST') {
      const body = await readObjectBody(req);
      const r = await svc.create(def, ns, body, writeOptions(q, p.version, req));
      sendJson(res, r.code, r.object, 'application/json', r.warnings);
      return;
    }
    if (method === 'DELETE') {
      const opts = await deleteOptions(req, q);
      const filter = objectFilter(def, q);
      const { items } = await svc.list(def, ns);
      const deleted: KubeObject[] = [];
      for (const o of items.filter(filter)) {
        try {
          deleted.push((await svc.delete(def, o.metadata.namespace, o.metadata.name ?? '', opts, p.version)).object);
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      sendJson(res, 200, { kind: def.listKind, apiVersion: def.group ? `${def.group}/${p.version}` : p.version, metadata: {}, items: deleted });
      return;
    }
    throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }

  const name = p.name;
  switch (method) {
    case 'GET': {
      const got = await svc.get(def, ns, name);
      const obj = svc.view(def, got.object, p.version);
      if (wantsTable(accept)) {
        sendJson(res, 200, toTable(def, [obj], undefined, parseIncludeObject(q.get('includeObject'))), TABLE_CONTENT_TYPE);
      } else {
        sendJson(res, 200, obj);
      }
      return;
    }
    case 'PUT': {
      const body = await readObjectBody(req);
      const r = await svc.replace(def, ns, name, body, writeOptions(q, p.version, req), p.subresource);
      sendJson(res, r.code, r.object, 'application/json', r.warnings);
      return;
    }
    case 'PATCH': {
      const r = await patch(ctx, def, ns, name, p, q, req);
      sendJson(res, r.code, r.object, 'application/json', r.warnings);
      return;
    }
    case 'DELETE': {
      if (p.subresource !== undefined) throw methodNotAllowed('the server does not allow this method on the requested resource');
      const opts = await deleteOptions(req, q);
      const r = await svc.delete(def, ns, name, opts, p.version);
      sendJson(res, 200, r.object);
      return;
    }
    case 'POST':
      throw methodNotAllowed('the server does not allow this method on the requested resource');
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

async function patch(ctx: HandlerContext, def: KindDef, ns: string | undefined, name: string, p: ResourcePath, q: URLSearchParams, req: IncomingMessage) {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const accepted = def.strategicMerge ? [...PATCH_TYPES, 'application/strategic-merge-patch+json'] : PATCH_TYPES;
  if (!accepted.includes(ct)) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
  const opts = writeOptions(q, p.version, req);
  const raw = await readBody(req);
  if (ct === 'application/apply-patch+yaml') {
    const force = q.get('force') === 'true';
    return ctx.service.apply(def, ns, name, parseYamlOrJson(raw), opts, force, p.subresource);
  }
  const body = parseJson(raw);
  const warnings: string[] = [];
  const mutate = (cur: KubeObject): KubeObject => {
    let out: unknown;
    if (ct === 'application/json-patch+json') {
      if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      out = applyJsonPatch(cur, body);
    } else {
      if (!isPlainObject(body)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      out = ct === 'application/merge-patch+json' ? applyMergePatch(cur, body) : applyStrategicMergePatch(cur, body, def.strategicMerge ?? []);
    }
    const decoded = decodeObject(def, p.version, out, opts.fieldValidation);
    warnings.push(...decoded.warnings);
    return decoded.obj;
  };
  const r = await ctx.service.update(def, ns, name, mutate, opts, p.subresource);
  r.warnings.push(...new Set(warnings));
  return r;
}

/** POST/PUT bodies: JSON, YAML, or the protobuf kubectl's typed clients send for built-in kinds. */
async function readObjectBody(req: IncomingMessage): Promise<unknown> {
  const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  const raw = await readBody(req);
  if (ct === PROTOBUF_CONTENT_TYPE) return decodeProtobufObject(raw);
  if (ct === 'application/yaml') return parseYamlOrJson(raw);
  return parseJson(raw);
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const raw = await readBody(req);
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    const parsed = parseJson(raw);
    if (!isPlainObject(parsed)) throw badRequest('DeleteOptions must be an object');
    body = parsed;
  }
  const dryRunValues = [...q.getAll('dryRun'), ...(Array.isArray(body.dryRun) ? body.dryRun.map(String) : [])];
  const policy = (q.get('propagationPolicy') ?? body.propagationPolicy) as string | undefined;
  const opts: DeleteOptions = { dryRun: parseDryRun(dryRunValues) };
  if (policy !== undefined) {
    if (policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
      throw invalid('meta.k8s.io', 'DeleteOptions', '', [{ type: 'FieldValueNotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }]);
    }
    opts.propagationPolicy = policy;
  } else if (body.orphanDependents === true) {
    opts.propagationPolicy = 'Orphan';
  }
  if (isPlainObject(body.preconditions)) {
    const pre = body.preconditions;
    opts.preconditions = {};
    if (typeof pre.uid === 'string') opts.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') opts.preconditions.resourceVersion = pre.resourceVersion;
  }
  return opts;
}


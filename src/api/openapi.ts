// OpenAPI v3 documents per group/version, derived from the kinds' schemas. kubectl needs a PATCH
// operation tagged with the kind and a `fieldValidation` parameter to trust server-side validation, and
// GVK-tagged component schemas for `explain`.
import { createHash } from 'node:crypto';
import type { KindDef } from '../apis/kind.js';
import type { KindIndex } from './kind-index.js';

type Json = Record<string, unknown>;

/** JSON Schema (TypeBox) → OpenAPI 3.0 schema: `const` becomes a one-value enum; TypeBox internals go. */
export function toOpenApiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toOpenApiSchema);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [k, v] of Object.entries(schema as Json)) {
    if (k === '$id' || k === '$schema') continue;
    if (k === 'const') {
      out.enum = [v];
      continue;
    }
    out[k] = k === 'default' || k === 'example' || k === 'enum' ? v : toOpenApiSchema(v);
  }
  return out;
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function query(name: string, description: string): Json {
  return { name, in: 'query', description, schema: { type: 'string', uniqueItems: true } };
}

const writeParams = [
  query('dryRun', 'When present, indicates that modifications should not be persisted. Valid value: All'),
  query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  query('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values: Ignore, Warn, Strict.'),
];

function ref(def: KindDef): Json {
  return { $ref: `#/components/schemas/${def.openapiName}` };
}

function jsonContent(schema: Json): Json {
  return { 'application/json': { schema }, 'application/yaml': { schema } };
}

function operations(def: KindDef, version: string, item: boolean, sub: string | undefined): Json {
  const x = { group: def.group, version, kind: def.kind };
  const body = { content: jsonContent(ref(def)), required: true };
  const ok = { 200: { description: 'OK', content: jsonContent(ref(def)) } };
  const target = sub ? `${sub} of the specified ${def.kind}` : `the specified ${def.kind}`;
  if (!item) {
    return {
      get: { description: `list or watch objects of kind ${def.kind}`, operationId: `list${def.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': x, parameters: [query('labelSelector', 'A selector to restrict the list of returned objects by their labels.'), query('fieldSelector', 'A selector to restrict the list of returned objects by their fields.'), query('watch', 'Watch for changes to the described resources.'), query('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.')], responses: { 200: { description: 'OK' } } },
      post: { description: `create a ${def.kind}`, operationId: `create${def.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': x, parameters: writeParams, requestBody: body, responses: { ...ok, 201: { description: 'Created', content: jsonContent(ref(def)) } } },
    };
  }
  return {
    get: { description: `read ${target}`, operationId: `read${def.kind}${sub ?? ''}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': x, responses: ok },
    put: { description: `replace ${target}`, operationId: `replace${def.kind}${sub ?? ''}`, 'x-kubernetes-action': 'put', 'x-kubernetes-group-version-kind': x, parameters: writeParams, requestBody: body, responses: ok },
    patch: {
      description: `partially update ${target}`, operationId: `patch${def.kind}${sub ?? ''}`, 'x-kubernetes-action': 'patch', 'x-kubernetes-group-version-kind': x,
      parameters: [...writeParams, query('force', 'Force is going to "force" Apply requests.')],
      requestBody: { content: { 'application/json-patch+json': { schema: { type: 'object' } }, 'application/merge-patch+json': { schema: { type: 'object' } }, 'application/apply-patch+yaml': { schema: { type: 'object' } }, ...(def.strategicMerge ? { 'application/strategic-merge-patch+json': { schema: { type: 'object' } } } : {}) }, required: true },
      responses: ok,
    },
    ...(sub ? {} : { delete: { description: `delete ${target}`, operationId: `delete${def.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': x, parameters: [query('dryRun', 'When present, indicates that modifications should not be persisted.')], responses: { 200: { description: 'OK' } } } }),
  };
}

export function groupVersionDocument(index: KindIndex, group: string, version: string): Json {
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const paths: Json = {};
  const schemas: Json = {};
  for (const def of index.inGroupVersion(group, version)) {
    const base = def.namespaced ? `${prefix}/namespaces/{namespace}/${def.plural}` : `${prefix}/${def.plural}`;
    const pathParams = def.namespaced
      ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string' } }]
      : [];
    const nameParam = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
    paths[base] = { ...operations(def, version, false, undefined), parameters: pathParams };
    paths[`${base}/{name}`] = { ...operations(def, version, true, undefined), parameters: [...pathParams, nameParam] };
    if (def.subresources.status) {
      paths[`${base}/{name}/status`] = { ...operations(def, version, true, 'status'), parameters: [...pathParams, nameParam] };
    }
    if (def.namespaced) {
      const all = operations(def, version, false, undefined);
      paths[`${prefix}/${def.plural}`] = { get: all.get };
    }
    const schema = toOpenApiSchema(def.schema) as Json;
    schema['x-kubernetes-group-version-kind'] = [{ group: def.group, kind: def.kind, version }];
    schemas[def.openapiName] = schema;
  }
  return {
    openapi: '3.0.0',
    info: { title: 'virtnet', version: 'v1.32.0' },
    paths,
    components: { schemas },
  };
}

/** Documents are built once per server: kinds do not change at run time. */
export class OpenApiCache {
  private readonly docs = new Map<string, { body: string; hash: string }>();
  constructor(private readonly index: KindIndex) {
    for (const g of index.groups) {
      for (const v of g.versions) {
        const body = JSON.stringify(groupVersionDocument(index, g.group, v));
        const hash = createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase();
        this.docs.set(gvPath(g.group, v), { body, hash });
      }
    }
  }

  root(): Json {
    const paths: Json = {};
    for (const [p, d] of this.docs) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
    return { paths };
  }

  /** `gv` like `api/v1` or `apis/kubevirt.io/v1`. */
  document(gv: string): string | undefined {
    return this.docs.get(gv)?.body;
  }
}

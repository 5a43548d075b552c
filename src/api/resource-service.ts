// The object lifecycle every kind shares: create, read, update, patch, apply, delete, with
// resourceVersion preconditions, generation, finalizers, managedFields, dry-run and status subresource.
// HTTP-agnostic: handlers translate requests into these calls; in-server controllers (GC, namespace
// lifecycle) use it too so they obey the same rules.
import { randomUUID } from 'node:crypto';
import type { KindDef } from '../apis/kind.js';
import { StoreError, type Store, type StoredObject } from './storage/store.js';
import { objectKey, collectionPrefix } from './request-info.js';
import {
  decodeObject, applyDefaults, validateForStore, runValidatingWebhooks, type AdmissionHold, type FieldValidation,
  type MutatingAdmission,
} from './admission.js';
import {
  alreadyExists, badRequest, conflict, forbidden, internalError, invalid, notFound, OBJECT_MODIFIED,
} from '../common/status-error.js';
import { clone, deepEqual, kubeTime, type KubeObject } from '../common/object.js';
import { generateName } from '../common/names.js';
import {
  recordUpdate, applyPatch as serverSideApply, ssaMissingFieldManager, managedFieldsBase,
} from './patch/managed-fields.js';

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string | undefined;
  /** Manager recorded for non-apply writes without fieldManager (derived from the User-Agent, as upstream). */
  defaultManager?: string;
  fieldValidation: FieldValidation;
  /** The API version the client spoke (objects are stored once, served in every version of the kind). */
  version: string;
}

export interface WriteResult {
  object: KubeObject;
  /** 200, or 201 when an apply created the object. */
  code: number;
  warnings: string[];
}

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type Mutation = (current: KubeObject) => KubeObject;

/** An admitted object and how to release what mutating admission reserved for it (see AdmissionHold). */
interface Admitted {
  object: KubeObject;
  settle: (rv?: number) => void;
}

const revisionOf = (o: KubeObject): number => Number(o.metadata.resourceVersion);

const MAX_UPDATE_RETRIES = 16;
const NS_DEF_KEY = objectKey('', 'namespaces', undefined, '');

export class ResourceService {
  constructor(private readonly store: Store, private readonly mutators: readonly MutatingAdmission[] = []) {}

  key(def: KindDef, namespace: string | undefined, name: string): string {
    return objectKey(def.group, def.plural, def.namespaced ? namespace : undefined, name);
  }

  /** Serves a stored object in the requested version. */
  view(def: KindDef, obj: KubeObject, version: string): KubeObject {
    obj.apiVersion = def.group ? `${def.group}/${version}` : version;
    return obj;
  }

  async get(def: KindDef, namespace: string | undefined, name: string): Promise<StoredObject> {
    const got = await this.store.get(this.key(def, namespace, name));
    if (!got) throw notFound(def.group, def.plural, name);
    return got;
  }

  async list(def: KindDef, namespace: string | undefined): Promise<{ items: KubeObject[]; rv: number }> {
    const r = await this.store.list(collectionPrefix(def.group, def.plural, def.namespaced ? namespace : undefined));
    return { items: r.items.map((s) => s.object), rv: r.rv };
  }

  private async checkNamespace(def: KindDef, namespace: string | undefined, name: string): Promise<void> {
    if (!def.namespaced) return;
    if (namespace === undefined) throw badRequest('the namespace of the object is required');
    const ns = await this.store.get(NS_DEF_KEY + namespace);
    if (!ns) throw notFound('', 'namespaces', namespace);
    if (ns.object.metadata.deletionTimestamp) {
      throw forbidden(`${def.plural}${def.group ? '.' + def.group : ''} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, kind: def.plural, ...(def.group ? { group: def.group } : {}), causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] });
    }
  }

  private manager(opts: WriteOptions): string {
    return opts.fieldManager ?? opts.defaultManager ?? 'unknown';
  }

  async create(def: KindDef, namespace: string | undefined, body: unknown, opts: WriteOptions): Promise<WriteResult> {
    const { obj, warnings } = decodeObject(def, opts.version, body, opts.fieldValidation);
    const meta = obj.metadata;
    if (def.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && namespace !== undefined && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (namespace !== undefined) meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name) {
      if (meta.generateName) meta.name = generateName(meta.generateName);
      else {
        throw invalid(def.group, def.kind, '', [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]);
      }
    }
    const name = meta.name;
    await this.checkNamespace(def, meta.namespace, name);
    const { object: prepared, settle } = this.prepareCreate(def, obj, opts);
    if (opts.dryRun) {
      settle();
      if (await this.store.get(this.key(def, meta.namespace, name))) throw alreadyExists(def.group, def.plural, name);
      return { object: this.view(def, prepared, opts.version), code: 201, warnings };
    }
    try {
      const created = await this.store.create(this.key(def, meta.namespace, name), prepared);
      settle(created.rv);
      return { object: this.view(def, created.object, opts.version), code: 201, warnings };
    } catch (e) {
      settle();
      if (e instanceof StoreError && e.code === 'KeyExists') throw alreadyExists(def.group, def.plural, name);
      throw e;
    }
  }

  private prepareCreate(def: KindDef, obj: KubeObject, opts: WriteOptions): Admitted {
    const meta = obj.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (def.subresources.status) delete obj.status;
    applyDefaults(def, obj, 'create');
    const settle = this.mutate(def, obj, undefined, opts);
    try {
      validateForStore(def, obj, undefined);
      runValidatingWebhooks(def, obj, undefined);
    } catch (e) {
      settle();
      throw e;
    }
    obj.apiVersion = storageApiVersion(def);
    const mf = recordUpdate(undefined, undefined, stripManaged(obj), this.manager(opts), requestApiVersion(def, opts.version), kubeTime(), undefined, def.strategicMerge);
    if (mf.length > 0) meta.managedFields = mf;
    else delete meta.managedFields;
    return { object: obj, settle };
  }

  /** Runs the mutating admission steps; the returned function releases their holds (once). */
  private mutate(def: KindDef, obj: KubeObject, old: KubeObject | undefined, opts: WriteOptions): (rv?: number) => void {
    const holds: AdmissionHold[] = [];
    try {
      for (const m of this.mutators) {
        const h = m.admit({ def, obj, old, dryRun: opts.dryRun });
        if (h) holds.push(h);
      }
    } catch (e) {
      for (const h of holds) h.settle();
      throw e;
    }
    let done = false;
    return (rv) => {
      if (done) return;
      done = true;
      for (const h of holds) h.settle(rv);
    };
  }

  /** PUT: replace the object (or its status). A resourceVersion in the body is a precondition. */
  async replace(def: KindDef, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions, subresource?: string): Promise<WriteResult> {
    const { obj, warnings } = decodeObject(def, opts.version, body, opts.fieldValidation);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (def.namespaced && obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const precondition = obj.metadata.resourceVersion;
    const res = await this.update(def, namespace, name, () => clone(obj), opts, subresource, precondition);
    res.warnings.unshift(...warnings);
    return res;
  }

  /**
   * The guaranteed-update loop: read, mutate, admit, write with the read revision as precondition;
   * retried on a lost race unless the caller named a resourceVersion.
   */
  async update(def: KindDef, namespace: string | undefined, name: string, mutate: Mutation, opts: WriteOptions,
    subresource?: string, precondition?: string): Promise<WriteResult> {
    const key = this.key(def, namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) throw notFound(def.group, def.plural, name);
      if (precondition !== undefined && precondition !== '' && precondition !== String(cur.rv)) {
        throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
      }
      const old = cur.object;
      const mutated = mutate(clone(old));
      if (mutated.metadata.resourceVersion !== undefined && mutated.metadata.resourceVersion !== '' && mutated.metadata.resourceVersion !== String(cur.rv)) {
        throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
      }
      const { object: next, settle } = this.prepareUpdate(def, old, mutated, opts, subresource, 'Update');
      if (deepEqual(withoutRv(next), withoutRv(old))) {
        settle();
        return { object: this.view(def, old, opts.version), code: 200, warnings: [] };
      }
      if (opts.dryRun) {
        settle();
        return { object: this.view(def, next, opts.version), code: 200, warnings: [] };
      }
      try {
        const written = await this.finishWrite(def, key, next, cur.rv);
        settle(revisionOf(written));
        return { object: this.view(def, written, opts.version), code: 200, warnings: [] };
      } catch (e) {
        settle();
        if (e instanceof StoreError && e.code === 'Conflict') {
          if (precondition !== undefined && precondition !== '') throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
          continue;
        }
        if (e instanceof StoreError && e.code === 'NotFound') throw notFound(def.group, def.plural, name);
        throw e;
      }
    }
    throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
  }

  /** Writes an admitted object; an object being deleted whose last finalizer is gone is removed. */
  private async finishWrite(def: KindDef, key: string, next: KubeObject, rv: number): Promise<KubeObject> {
    if (next.metadata.deletionTimestamp && blockingFinalizers(def, next).length === 0) {
      const gone = await this.store.delete(key, rv);
      return gone.object;
    }
    return (await this.store.update(key, next, rv)).object;
  }

  private prepareUpdate(def: KindDef, old: KubeObject, mutated: KubeObject, opts: WriteOptions, subresource: string | undefined,
    operation: 'Update' | 'Apply'): Admitted {
    let next: KubeObject;
    if (subresource === 'status') {
      if (!def.subresources.status) throw notFound(def.group, def.plural + '/status', old.metadata.name ?? '');
      next = clone(old);
      if (mutated.status === undefined) delete next.status;
      else next.status = mutated.status;
      if (mutated.metadata.managedFields !== undefined) next.metadata.managedFields = mutated.metadata.managedFields;
    } else if (subresource === undefined || (def.kind === 'Namespace' && subresource === 'finalize')) {
      next = mutated;
      if (def.kind === 'Namespace' && subresource === 'finalize') {
        next = clone(old);
        next.spec = mutated.spec;
      } else if (def.subresources.status) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
    } else {
      throw notFound(def.group, `${def.plural}/${subresource}`, old.metadata.name ?? '');
    }
    const m = next.metadata;
    const o = old.metadata;
    m.name = o.name!;
    if (o.namespace !== undefined) m.namespace = o.namespace;
    if (m.uid !== undefined && m.uid !== '' && m.uid !== o.uid) {
      throw conflict(def.group, def.plural, o.name ?? '', `Precondition failed: UID in precondition: ${m.uid}, UID in object meta: ${o.uid}`);
    }
    m.uid = o.uid!;
    m.creationTimestamp = o.creationTimestamp!;
    if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
    else delete m.deletionTimestamp;
    if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    else delete m.deletionGracePeriodSeconds;
    m.resourceVersion = o.resourceVersion!;
    next.apiVersion = storageApiVersion(def);
    next.kind = def.kind;
    applyDefaults(def, next, 'update');
    // Status writes carry the stored spec: nothing for mutating admission or webhooks to look at.
    const mainResource = subresource === undefined;
    const settle = mainResource ? this.mutate(def, next, old, opts) : () => undefined;
    m.generation = o.generation ?? 1;
    const specChanged = !deepEqual(specOf(next), specOf(old));
    if (specChanged) m.generation += 1;
    try {
      validateForStore(def, next, old);
      // Only when the spec changes, so an object admitted before a rule existed keeps taking metadata writes.
      if (mainResource && specChanged) runValidatingWebhooks(def, next, old);
    } catch (e) {
      settle();
      throw e;
    }
    if (operation === 'Update') {
      const base = managedFieldsBase(o.managedFields, m.managedFields);
      const mf = recordUpdate(base, stripManaged(old), stripManaged(next), this.manager(opts), requestApiVersion(def, opts.version), kubeTime(), subresource, def.strategicMerge);
      if (mf.length > 0) m.managedFields = mf;
      else delete m.managedFields;
    }
    return { object: next, settle };
  }

  /** Server-side apply (PATCH application/apply-patch+yaml): creates the object when absent. */
  async apply(def: KindDef, namespace: string | undefined, name: string, body: unknown, opts: WriteOptions, force: boolean, subresource?: string): Promise<WriteResult> {
    if (!opts.fieldManager) throw ssaMissingFieldManager();
    const manager = opts.fieldManager;
    const { obj: applied, warnings } = decodeObject(def, opts.version, body, opts.fieldValidation);
    if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    applied.metadata.name = name;
    if (def.namespaced && namespace !== undefined) applied.metadata.namespace = namespace;
    const apiVersion = requestApiVersion(def, opts.version);
    const key = this.key(def, namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) {
        if (subresource !== undefined) throw notFound(def.group, def.plural, name);
        await this.checkNamespace(def, namespace, name);
        const r = serverSideApply(undefined, applied, manager, force, apiVersion, kubeTime(), undefined, def.strategicMerge);
        const obj = r.object;
        obj.metadata.name = name;
        if (def.namespaced && namespace !== undefined) obj.metadata.namespace = namespace;
        const { object: prepared, settle } = this.prepareCreate(def, obj, opts);
        prepared.metadata.managedFields = r.managedFields;
        if (opts.dryRun) {
          settle();
          return { object: this.view(def, prepared, opts.version), code: 201, warnings };
        }
        try {
          const created = await this.store.create(key, prepared);
          settle(created.rv);
          return { object: this.view(def, created.object, opts.version), code: 201, warnings };
        } catch (e) {
          settle();
          if (e instanceof StoreError && e.code === 'KeyExists') continue;
          throw e;
        }
      }
      const precondition = applied.metadata.resourceVersion;
      if (precondition !== undefined && precondition !== '' && precondition !== String(cur.rv)) {
        throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
      }
      const old = cur.object;
      const r = serverSideApply(clone(old), applied, manager, force, apiVersion, kubeTime(), subresource, def.strategicMerge);
      const { object: next, settle } = this.prepareUpdate(def, old, r.object, opts, subresource, 'Apply');
      if (r.managedFields.length > 0) next.metadata.managedFields = r.managedFields;
      else delete next.metadata.managedFields;
      const unchanged = deepEqual(next, old);
      if (unchanged || opts.dryRun) {
        settle();
        return { object: this.view(def, unchanged ? old : next, opts.version), code: 200, warnings };
      }
      try {
        const written = await this.finishWrite(def, key, next, cur.rv);
        settle(revisionOf(written));
        return { object: this.view(def, written, opts.version), code: 200, warnings };
      } catch (e) {
        settle();
        if (e instanceof StoreError && e.code === 'Conflict') continue;
        throw e;
      }
    }
    throw conflict(def.group, def.plural, name, OBJECT_MODIFIED);
  }

  /**
   * DELETE: immediate when nothing blocks; otherwise marks the object (deletionTimestamp) and
   * leaves it to its finalizers. Orphan/Foreground add the garbage collector's finalizers.
   */
  async delete(def: KindDef, namespace: string | undefined, name: string, opts: DeleteOptions, version: string): Promise<{ object: KubeObject; deleted: boolean }> {
    const key = this.key(def, namespace, name);
    for (let attempt = 0; attempt < MAX_UPDATE_RETRIES; attempt++) {
      const cur = await this.store.get(key);
      if (!cur) throw notFound(def.group, def.plural, name);
      const obj = clone(cur.object);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(def.group, def.plural, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv)) {
        throw conflict(def.group, def.plural, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.rv}`);
      }
      const fins = new Set(obj.metadata.finalizers ?? []);
      if (opts.propagationPolicy === 'Orphan') fins.add('orphan');
      if (opts.propagationPolicy === 'Foreground') fins.add('foregroundDeletion');
      const pending = obj.metadata.deletionTimestamp !== undefined;
      if (fins.size > 0 || blockingFinalizers(def, obj).length > 0) {
        if (fins.size > 0) obj.metadata.finalizers = [...fins];
        if (!pending) {
          obj.metadata.deletionTimestamp = kubeTime();
          obj.metadata.deletionGracePeriodSeconds = 0;
          obj.metadata.generation = (obj.metadata.generation ?? 1) + 1;
          if (def.kind === 'Namespace') obj.status = { ...(obj.status as object | undefined), phase: 'Terminating' };
        }
        if (opts.dryRun || (pending && deepEqual(obj, cur.object))) return { object: this.view(def, obj, version), deleted: false };
        try {
          const stored = await this.store.update(key, obj, cur.rv);
          return { object: this.view(def, stored.object, version), deleted: false };
        } catch (e) {
          if (e instanceof StoreError && (e.code === 'Conflict' || e.code === 'NotFound')) continue;
          throw e;
        }
      }
      if (opts.dryRun) return { object: this.view(def, obj, version), deleted: true };
      try {
        const gone = await this.store.delete(key, cur.rv);
        return { object: this.view(def, gone.object, version), deleted: true };
      } catch (e) {
        if (e instanceof StoreError && (e.code === 'Conflict' || e.code === 'NotFound')) continue;
        throw e;
      }
    }
    throw internalError(`could not delete ${def.plural} "${name}": too many concurrent changes`);
  }
}

/** Finalizers that hold an object marked for deletion: metadata.finalizers, and a Namespace's spec.finalizers. */
export function blockingFinalizers(def: KindDef, obj: KubeObject): string[] {
  const out = [...(obj.metadata.finalizers ?? [])];
  if (def.kind === 'Namespace') {
    const spec = obj.spec as { finalizers?: string[] } | undefined;
    out.push(...(spec?.finalizers ?? []));
  }
  return out;
}

export function storageApiVersion(def: KindDef): string {
  return def.group ? `${def.group}/${def.versions[0]!}` : def.versions[0]!;
}

function requestApiVersion(def: KindDef, version: string): string {
  return def.group ? `${def.group}/${version}` : version;
}

/** Everything but metadata and status: what `generation` counts changes of. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

function withoutRv(obj: KubeObject): KubeObject {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}

function stripManaged(obj: KubeObject): KubeObject {
  const { managedFields: _mf, resourceVersion: _rv, ...meta } = obj.metadata;
  return { ...obj, metadata: meta };
}



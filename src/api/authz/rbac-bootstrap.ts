// kube-apiserver's rbac/bootstrap-roles post-start hook: the default ClusterRoles and ClusterRoleBindings are
// created when missing; those still marked `autoupdate: "true"` get back the permissions and subjects they lost
// (reconciliation only adds, as upstream's does), and aggregated roles their aggregationRule.
import type { KindDef } from '../../apis/kind.js';
import { clusterRoleKind } from '../../apis/rbac.authorization.k8s.io/v1/cluster-role.js';
import { clusterRoleBindingKind } from '../../apis/rbac.authorization.k8s.io/v1/cluster-role-binding.js';
import type { KubeObject } from '../../common/object.js';
import { deepEqual } from '../../common/object.js';
import { StatusError } from '../../common/status-error.js';
import type { ResourceService } from '../resource-service.js';
import type { Store } from '../storage/store.js';
import { objectKey } from '../request-info.js';
import { AUTOUPDATE_ANNOTATION, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './rbac-bootstrap-policy.js';

const OPTS = { dryRun: false, fieldManager: 'kube-apiserver', fieldValidation: 'Ignore', version: 'v1' } as const;

/** Items of `want` missing from `have` (deep equality), appended: reconciliation never removes. */
function union(have: unknown, want: unknown): unknown[] | undefined {
  const h = Array.isArray(have) ? have : [];
  const missing = (Array.isArray(want) ? want : []).filter((w) => !h.some((x) => deepEqual(x, w)));
  return missing.length === 0 ? undefined : [...h, ...missing];
}

async function ensure(store: Store, service: ResourceService, def: KindDef, obj: KubeObject, listField: 'rules' | 'subjects'): Promise<void> {
  const name = obj.metadata.name ?? '';
  const cur = await store.get(objectKey(def.group, def.plural, undefined, name));
  if (!cur) {
    try {
      await service.create(def, undefined, obj, OPTS);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
    return;
  }
  if (cur.object.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== 'true') return;
  const aggregated = obj['aggregationRule'] !== undefined;
  const added = aggregated ? undefined : union(cur.object[listField], obj[listField]);
  const aggChanged = aggregated && !deepEqual(cur.object['aggregationRule'], obj['aggregationRule']);
  if (!added && !aggChanged) return;
  await service.update(def, undefined, name, (o) => {
    if (added) o[listField] = added;
    if (aggChanged) o['aggregationRule'] = obj['aggregationRule'];
    return o;
  }, OPTS);
}

export async function ensureBootstrapPolicy(store: Store, service: ResourceService): Promise<void> {
  for (const r of bootstrapClusterRoles()) await ensure(store, service, clusterRoleKind, r, 'rules');
  for (const b of bootstrapClusterRoleBindings()) await ensure(store, service, clusterRoleBindingKind, b, 'subjects');
}

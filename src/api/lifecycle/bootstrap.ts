// The namespaces every cluster starts with.
import type { KindIndex } from '../kind-index.js';
import type { ResourceService } from '../resource-service.js';
import { StatusError } from '../../common/status-error.js';

const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureDefaultNamespaces(index: KindIndex, service: ResourceService): Promise<void> {
  const def = index.byKind('', 'Namespace');
  if (!def) return;
  for (const name of DEFAULT_NAMESPACES) {
    try {
      await service.create(def, undefined, { metadata: { name } }, { dryRun: false, fieldManager: 'virtnet-bootstrap', fieldValidation: 'Strict', version: 'v1' });
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 409)) throw e;
    }
  }
}

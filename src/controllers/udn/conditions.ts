// Status conditions of UserDefinedNetworks and ClusterUserDefinedNetworks (ovn-kubernetes
// clustermanager/userdefinednetwork/controller.go newNetworkCreatedCondition,
// newClusterNetworkCreatedCondition), set with meta.SetStatusCondition's rules. Pure.
import type { KubeObject } from '../../common/object.js';

export interface UdnCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export type ConditionSpec = Omit<UdnCondition, 'lastTransitionTime'>;

export const NETWORK_CREATED = 'NetworkCreated';
export const NETWORK_ALLOCATION_SUCCEEDED = 'NetworkAllocationSucceeded';

/** UDN: created, the NAD being deleted, or the sync error (which wins). */
export function networkCreatedCondition(nad: KubeObject | undefined, syncError: string | undefined): ConditionSpec {
  if (syncError !== undefined) return { type: NETWORK_CREATED, status: 'False', reason: 'SyncError', message: syncError };
  if (nad?.metadata.deletionTimestamp) {
    return { type: NETWORK_CREATED, status: 'False', reason: 'NetworkAttachmentDefinitionDeleted', message: 'NetworkAttachmentDefinition is being deleted' };
  }
  return { type: NETWORK_CREATED, status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: 'NetworkAttachmentDefinition has been created' };
}

/** CUDN: the namespaces the NADs are in (sorted), those being deleted, or the sync errors. */
export function clusterNetworkCreatedCondition(nads: readonly KubeObject[], syncError: string | undefined): ConditionSpec {
  if (syncError !== undefined) return { type: NETWORK_CREATED, status: 'False', reason: 'NetworkAttachmentDefinitionSyncError', message: syncError };
  const sorted = [...nads].sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''));
  const deleting = sorted.filter((n) => n.metadata.deletionTimestamp).map((n) => `${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`);
  if (deleting.length > 0) {
    return { type: NETWORK_CREATED, status: 'False', reason: 'NetworkAttachmentDefinitionDeleted', message: `NetworkAttachmentDefinition are being deleted: [${deleting.join(' ')}]` };
  }
  const namespaces = sorted.map((n) => n.metadata.namespace ?? '').join(', ');
  return { type: NETWORK_CREATED, status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: `NetworkAttachmentDefinition has been created in following namespaces: [${namespaces}]` };
}

/**
 * Upstream the cluster manager's per-network controller reports this once it allocated the network on
 * every node. virtnet allocates on a node when a VM there first attaches, so there is nothing to wait for:
 * the network is ready for every node as soon as its NAD exists.
 */
export const NETWORK_ALLOCATION_SUCCEEDED_CONDITION: ConditionSpec = {
  type: NETWORK_ALLOCATION_SUCCEEDED, status: 'True', reason: 'NetworkAllocationSucceeded', message: 'Network allocation succeeded for all synced nodes.',
};

/**
 * meta.SetStatusCondition: a new type is appended; the transition time moves only when the status
 * changes; reason and message follow. Returns the new list and whether anything changed.
 */
export function setStatusCondition(conditions: readonly UdnCondition[], c: ConditionSpec, now: string): { conditions: UdnCondition[]; changed: boolean } {
  const i = conditions.findIndex((x) => x.type === c.type);
  if (i < 0) return { conditions: [...conditions, { ...c, lastTransitionTime: now }], changed: true };
  const old = conditions[i]!;
  if (old.status === c.status && old.reason === c.reason && old.message === c.message) return { conditions: [...conditions], changed: false };
  const next: UdnCondition = { ...old, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: old.status === c.status ? old.lastTransitionTime : now };
  return { conditions: conditions.map((x, j) => (j === i ? next : x)), changed: true };
}

export function conditionsOf(o: KubeObject): UdnCondition[] {
  const c = (o.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as UdnCondition[]) : [];
}

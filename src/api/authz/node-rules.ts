// Pure: what a node agent (`system:node:<name>` in `system:nodes`) may do, after kube-apiserver's Node
// authorizer (plugin/pkg/auth/authorizer/node/node_authorizer.go): it reads what the agent watches, and writes
// only its own node's objects (found through a graph of which VMI and migration is on which node).
// Anything else gets no opinion, with a reason, so an explicit RBAC grant can still allow it.
import type { RequestAttributes } from '../request-attributes.js';

export const NODES_GROUP = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';

export interface NodeGraph {
  /** Nodes a VMI is on: where it runs and, during a migration, its source and target. */
  vmiNodes(namespace: string, name: string): readonly string[];
  /** The source and target nodes of a VirtualMachineInstanceMigration. */
  migrationNodes(namespace: string, name: string): readonly string[];
}

export type NodeDecision = { decision: 'allow' | 'no-opinion'; reason: string };

/** The node's name, when the user is a node identity (both the name form and the group, as upstream). */
export function nodeNameOf(user: { name: string; groups: readonly string[] }): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_USER_PREFIX)) return undefined;
  const n = user.name.slice(NODE_USER_PREFIX.length);
  return n === '' ? undefined : n;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);
const WRITE_VERBS = new Set(['update', 'patch']);

/** `group/resource` an agent reads (src/agent's informers and gets); secrets and configmaps are not among them. */
const READABLE = new Set([
  '/nodes', '/namespaces', '/pods', '/events',
  'coordination.k8s.io/leases',
  'nmstate.io/nmstates', 'nmstate.io/nodenetworkconfigurationpolicies', 'nmstate.io/nodenetworkconfigurationenactments', 'nmstate.io/nodenetworkstates',
  'k8s.cni.cncf.io/network-attachment-definitions', 'k8s.cni.cncf.io/ipamclaims',
  'k8s.ovn.org/userdefinednetworks', 'k8s.ovn.org/clusteruserdefinednetworks',
  'kubevirt.io/virtualmachines', 'kubevirt.io/virtualmachineinstances', 'kubevirt.io/virtualmachineinstancemigrations',
  'cdi.kubevirt.io/datavolumes', 'cdi.kubevirt.io/datasources',
  'operators.virtnet.io/clusterserviceversions',
]);

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

type A = Pick<RequestAttributes, 'verb' | 'resourceRequest' | 'apiGroup' | 'resource' | 'subresource' | 'namespace' | 'name'>;

const allow = (reason: string): NodeDecision => ({ decision: 'allow', reason });
const pass = (reason: string): NodeDecision => ({ decision: 'no-opinion', reason });
const noRelationship = (node: string): NodeDecision => pass(`no relationship found between node '${node}' and this object`);

export function nodeDecision(node: string, a: A, graph: NodeGraph): NodeDecision {
  if (!a.resourceRequest) return pass('');
  const gr = `${a.apiGroup}/${a.resource}`;
  if (READ_VERBS.has(a.verb) && READABLE.has(gr)) return allow('node authorizer: read');
  const own = (ok: boolean): NodeDecision => (ok ? allow(`node authorizer: node '${node}' writes its own ${a.resource}`) : noRelationship(node));
  // Creates carry the name in the body, which an authorizer does not see: upstream leaves these to the
  // NodeRestriction admission plugin.
  const create = a.verb === 'create' && a.subresource === '';
  const write = WRITE_VERBS.has(a.verb);
  const statusOrMain = a.subresource === '' || a.subresource === 'status';
  switch (gr) {
    case '/nodes':
      if (create) return allow('node authorizer: node registration');
      if (write && statusOrMain) return own(a.name === node);
      break;
    case 'coordination.k8s.io/leases':
      if (a.namespace !== NODE_LEASE_NAMESPACE) break;
      if (create) return allow('node authorizer: node lease');
      if ((write || a.verb === 'delete') && a.subresource === '') return own(a.name === node);
      break;
    case 'nmstate.io/nodenetworkstates':
      if (create) return allow('node authorizer: node network state');
      if (write && statusOrMain) return own(a.name === node);
      break;
    case 'nmstate.io/nodenetworkconfigurationenactments':
      if (create) return allow('node authorizer: enactment');
      if ((write && statusOrMain) || (a.verb === 'delete' && a.subresource === '')) return own(a.name.startsWith(`${node}.`));
      break;
    case 'nmstate.io/nodenetworkconfigurationpolicies':
      // every node's handler takes and gives back slots of a policy's maxUnavailable budget in its status
      if (write && a.subresource === 'status') return allow('node authorizer: policy rollout budget');
      break;
    case '/events':
      if (a.verb === 'create' || write) return allow('node authorizer: events');
      break;
    case 'kubevirt.io/virtualmachineinstances':
      if (write && statusOrMain && a.name !== '') return own(graph.vmiNodes(a.namespace, a.name).includes(node));
      break;
    case 'kubevirt.io/virtualmachineinstancemigrations':
      if (write && statusOrMain && a.name !== '') return own(graph.migrationNodes(a.namespace, a.name).includes(node));
      break;
  }
  return pass(`node '${node}' cannot ${a.verb} ${a.subresource ? `${a.resource}/${a.subresource}` : a.resource}`);
}

interface MigrationState { sourceNode?: string; targetNode?: string }

/** The nodes a VMI object is tied to (status.nodeName and its migration's ends). */
export function vmiNodesOf(status: unknown): string[] {
  const st = (status ?? {}) as { nodeName?: string; migrationState?: MigrationState };
  return [st.nodeName, st.migrationState?.sourceNode, st.migrationState?.targetNode].filter((n): n is string => typeof n === 'string' && n !== '');
}

export function migrationNodesOf(status: unknown): string[] {
  const ms = ((status ?? {}) as { migrationState?: MigrationState }).migrationState;
  return [ms?.sourceNode, ms?.targetNode].filter((n): n is string => typeof n === 'string' && n !== '');
}

// The Node authorizer: node identities' requests decided by node-rules.ts against a graph of which VMI and
// which migration involves which node, kept from the store with a watch (upstream's node graph does the
// same for pods, volumes and secrets).
import type { Store, StoreEvent, Watch } from '../storage/store.js';
import type { RequestAttributes } from '../request-attributes.js';
import type { AuthorizationResult, Authorizer } from './authorizer.js';
import { migrationNodesOf, nodeDecision, nodeNameOf, vmiNodesOf, type NodeGraph } from './node-rules.js';

const VMI_PREFIX = '/registry/kubevirt.io/virtualmachineinstances/';
const VMIM_PREFIX = '/registry/kubevirt.io/virtualmachineinstancemigrations/';

/** A node's write of a VMI or a migration: decided by the graph. */
function graphed(a: RequestAttributes): boolean {
  return a.resourceRequest && a.apiGroup === 'kubevirt.io' && a.name !== '' && (a.verb === 'update' || a.verb === 'patch')
    && (a.resource === 'virtualmachineinstances' || a.resource === 'virtualmachineinstancemigrations');
}

class NodeIndex {
  private readonly nodes = new Map<string, string[]>();
  private watch: Watch | undefined;

  constructor(private readonly prefix: string, private readonly nodesOf: (status: unknown) => string[]) {}

  async start(store: Store): Promise<void> {
    const list = await store.list(this.prefix);
    for (const s of list.items) this.apply({ type: 'ADDED', key: s.key, rv: s.rv, object: s.object });
    this.watch = await store.watch(this.prefix, list.rv, { onEvent: (ev) => this.apply(ev), onError: () => undefined });
  }

  stop(): void {
    this.watch?.stop();
  }

  private apply(ev: StoreEvent): void {
    const id = ev.key.slice(this.prefix.length);
    const nodes = ev.type === 'DELETED' ? [] : this.nodesOf(ev.object['status']);
    if (nodes.length === 0) this.nodes.delete(id);
    else this.nodes.set(id, nodes);
  }

  get(namespace: string, name: string): readonly string[] {
    return this.nodes.get(`${namespace}/${name}`) ?? [];
  }

  /** The nodes of the object as the store has it now, past what the watch has brought. */
  async read(store: Store, namespace: string, name: string): Promise<readonly string[]> {
    const obj = await store.get(`${this.prefix}${namespace}/${name}`);
    return obj === undefined ? [] : this.nodesOf(obj.object['status']);
  }
}

export class NodeAuthorizer implements Authorizer, NodeGraph {
  private readonly vmis = new NodeIndex(VMI_PREFIX, vmiNodesOf);
  private readonly vmims = new NodeIndex(VMIM_PREFIX, migrationNodesOf);

  constructor(private readonly store: Store) {}

  async start(): Promise<void> {
    await Promise.all([this.vmis.start(this.store), this.vmims.start(this.store)]);
  }

  stop(): void {
    this.vmis.stop();
    this.vmims.stop();
  }

  vmiNodes(namespace: string, name: string): readonly string[] {
    return this.vmis.get(namespace, name);
  }

  migrationNodes(namespace: string, name: string): readonly string[] {
    return this.vmims.get(namespace, name);
  }

  async authorize(attrs: RequestAttributes): Promise<AuthorizationResult> {
    const node = nodeNameOf(attrs.user);
    if (node === undefined) return { decision: 'no-opinion', reason: '' };
    const d = nodeDecision(node, attrs, this);
    if (d.decision === 'allow' || !graphed(attrs)) return d;
    // The graph follows the store by a watch, which lags a write made through another API server (the
    // scheduler placing a VMI, a migration picking its target): before saying no, the object itself.
    const nodes = await (attrs.resource === 'virtualmachineinstances' ? this.vmis : this.vmims).read(this.store, attrs.namespace, attrs.name);
    return nodeDecision(node, attrs, { vmiNodes: () => nodes, migrationNodes: () => nodes });
  }
}

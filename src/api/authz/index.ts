// Authorization as the API server runs it: the bootstrap policy ensured, the RBAC and Node authorizers kept
// from the store, and the authorization.k8s.io endpoints (reviews and their discovery).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from '../authn.js';
import type { KindIndex } from '../kind-index.js';
import type { ResourceService } from '../resource-service.js';
import type { Store } from '../storage/store.js';
import { acceptsAggregated, aggregatedDiscovery, groupObject, legacyGroupList } from '../discovery.js';
import { parseJson, parseYamlOrJson, readBody } from '../http/body.js';
import { PROTOBUF_CONTENT_TYPE } from '../protobuf/envelope.js';
import { decodeReview } from './access-review-protobuf.js';
import { sendJson } from '../http/respond.js';
import { withAuthenticatedGroup, type Authorizer } from './authorizer.js';
import { AUTHORIZATION_GROUP, aggregatedGroup, resourceList, review, reviewRoute, type RulesSource } from './access-review.js';
import { NodeAuthorizer } from './node-authorizer.js';
import { nodeNameOf } from './node-rules.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { ensureBootstrapPolicy } from './rbac-bootstrap.js';

export { RbacAuthorizer } from './rbac-authorizer.js';
export { NodeAuthorizer } from './node-authorizer.js';

const REVIEW_BODY_LIMIT = 256 * 1024;
/** Built-in groups discovery lists before authorization.k8s.io (kube-apiserver's order puts it after these). */
const GROUPS_BEFORE = new Set(['', 'rbac.authorization.k8s.io', 'coordination.k8s.io']);

async function reviewBody(req: IncomingMessage): Promise<unknown> {
  const raw = await readBody(req, REVIEW_BODY_LIMIT);
  const ct = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  return ct === PROTOBUF_CONTENT_TYPE ? decodeReview(raw) : ct === 'application/yaml' ? parseYamlOrJson(raw) : parseJson(raw);
}

export class Authorization {
  readonly rbac: RbacAuthorizer;
  readonly node: NodeAuthorizer;
  private chain: Authorizer | undefined;

  private constructor(store: Store, service: ResourceService, private readonly index: KindIndex) {
    this.rbac = new RbacAuthorizer(store, service);
    this.node = new NodeAuthorizer(store);
  }

  static async start(store: Store, service: ResourceService, index: KindIndex): Promise<Authorization> {
    const a = new Authorization(store, service, index);
    await ensureBootstrapPolicy(store, service);
    await Promise.all([a.rbac.start(), a.node.start()]);
    return a;
  }

  stop(): void {
    this.rbac.stop();
    this.node.stop();
  }

  /**
   * The authorizer for requests: `chain` asked with the requester in `system:authenticated`. The chain also
   * answers access reviews.
   */
  forRequests(chain: Authorizer): Authorizer {
    this.chain = chain;
    return { authorize: (attrs) => chain.authorize({ ...attrs, user: withAuthenticatedGroup(attrs.user) }) };
  }

  private readonly rules: RulesSource = {
    rulesFor: (user, namespace) => {
      if (user.groups.includes('system:masters')) {
        return { rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }], errors: [] };
      }
      const r = this.rbac.rulesFor(user, namespace);
      // upstream's node authorizer does not enumerate a node's permissions either
      return nodeNameOf(user) === undefined ? r : { ...r, incomplete: true, errors: [...r.errors, 'node authorizer does not support user rule resolution'] };
    },
  };

  /** Serves discovery with authorization.k8s.io in it, and the reviews; false for any other path. */
  async serve(path: string, req: IncomingMessage, res: ServerResponse, user: User): Promise<boolean> {
    if (path === '/apis' && req.method === 'GET') {
      const agg = acceptsAggregated(req.headers.accept);
      if (agg) {
        const doc = aggregatedDiscovery(this.index, false) as { items: Array<{ metadata: { name: string } }> };
        sendJson(res, 200, { ...doc, items: this.insertGroup(doc.items, (g) => g.metadata.name, aggregatedGroup()) }, agg);
      } else {
        const doc = legacyGroupList(this.index) as { groups: Array<{ name: string }> };
        sendJson(res, 200, { ...doc, groups: this.insertGroup(doc.groups, (g) => g.name, groupObject(AUTHORIZATION_GROUP, ['v1'])) });
      }
      return true;
    }
    if (path === `/apis/${AUTHORIZATION_GROUP}`) {
      sendJson(res, 200, groupObject(AUTHORIZATION_GROUP, ['v1']));
      return true;
    }
    if (path === `/apis/${AUTHORIZATION_GROUP}/v1`) {
      sendJson(res, 200, resourceList());
      return true;
    }
    const route = reviewRoute(path);
    if (!route) return false;
    if (!this.chain) throw new Error('authorization: forRequests was never called');
    const body = req.method === 'POST' ? await reviewBody(req) : undefined;
    const out = await review(route, req.method ?? 'GET', body, withAuthenticatedGroup(user), this.chain, this.rules);
    sendJson(res, out.code, out.body);
    return true;
  }

  private insertGroup<T>(items: T[], nameOf: (t: T) => string, group: unknown): T[] {
    const at = items.findIndex((g) => !GROUPS_BEFORE.has(nameOf(g)));
    const out = [...items];
    out.splice(at < 0 ? out.length : at, 0, group as T);
    return out;
  }
}

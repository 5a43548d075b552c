// Identities beside the admin: ad-hoc users (`virtnet kubeconfig --user`), the lab's users user1..userN with
// their projects and bindings, and one identity per lab node for its agent. Tokens go into DATA/tokens.csv
// (hashed; the running server re-reads it), plain text only into the 0600 kubeconfig written for each.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { clusterOfKubeconfig, renderKubeconfig, tokenOfKubeconfig } from '../credentials/kubeconfig.js';
import { issueClientCert } from '../credentials/pki.js';
import { TokenStore } from '../credentials/token-store.js';
import { PRIMARY_UDN_NAMESPACE_LABEL } from '../apis/k8s.ovn.org/v1/user-defined-network.js';
import { ApiClient, R, isConflict, optionsFromKubeconfig, type ResourceRef } from '../client/index.js';
import { ref } from '../client/resources.js';
import { nodeKubeconfigPath, nodeTokenPath } from '../lab/agents.js';

/**
 * Node agents are `system:node:<node>` in `system:nodes`, which the Node authorizer (src/api/authz) confines
 * to their own node's objects. VIRTNET_NODE_AGENTS_ALSO_MASTERS=1 adds `system:masters` back (the escape
 * hatch should an agent need a write the Node authorizer does not yet allow): the next `virtnet lab up`
 * rewrites the groups of the same tokens (no kubeconfig changes; the server re-reads the file, so running
 * agents get the change at once).
 */
export const NODE_AGENTS_ALSO_MASTERS = process.env.VIRTNET_NODE_AGENTS_ALSO_MASTERS === '1';

export const NODES_GROUP = 'system:nodes';

export function nodeUserName(node: string): string {
  return `system:node:${node}`;
}

export function nodeGroups(alsoMasters = NODE_AGENTS_ALSO_MASTERS): string[] {
  return alsoMasters ? [NODES_GROUP, 'system:masters'] : [NODES_GROUP];
}

/** The server's address (from the admin kubeconfig `serve` wrote) and its CA (DATA/pki/ca.crt). */
function clusterOf(dataDir: string): { server: string; caPem: string } {
  const admin = join(dataDir, 'kubeconfig');
  const c = clusterOfKubeconfig(admin);
  if (!c) throw new Error(`no kubeconfig at ${admin}: start virtnet first (virtnet up)`);
  const ca = join(dataDir, 'pki', 'ca.crt');
  return { server: c.server, caPem: existsSync(ca) ? readFileSync(ca, 'utf8') : c.caPem };
}

function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** A token kubeconfig for `user` at `out`; the token `out` already holds is kept while it authenticates as `user`. */
export function writeTokenKubeconfig(dataDir: string, user: string, groups: string[], out: string, namespace = 'default'): string {
  const { server, caPem } = clusterOf(dataDir);
  const token = new TokenStore(join(dataDir, 'tokens.csv')).ensureUser(user, groups, tokenOfKubeconfig(out));
  writePrivate(out, renderKubeconfig(server, user, token, caPem, namespace));
  return out;
}

/** A client-certificate kubeconfig (CN = user, O = groups) signed by the server's CA. */
export function writeCertKubeconfig(dataDir: string, user: string, groups: string[], out: string, namespace = 'default', days = 365): string {
  const { server, caPem } = clusterOf(dataDir);
  const { cert, key } = issueClientCert(join(dataDir, 'pki'), user, groups, days);
  writePrivate(out, renderKubeconfig(server, user, { clientCertificate: cert, clientKey: key }, caPem, namespace));
  return out;
}

export function userKubeconfigPath(dataDir: string, user: string): string {
  return join(dataDir, 'users', `${user}.kubeconfig`);
}

/**
 * One kubeconfig per node, DATA/nodes/<node>.kubeconfig, for its agent, and the same token alone in
 * DATA/nodes/<node>.token (what `virtnet agent --token-file` reads on a host of its own).
 */
export function ensureNodeKubeconfigs(dataDir: string, nodes: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const node of nodes) {
    const kubeconfig = writeTokenKubeconfig(dataDir, nodeUserName(node), nodeGroups(), nodeKubeconfigPath(dataDir, node));
    writePrivate(nodeTokenPath(dataDir, node), `${tokenOfKubeconfig(kubeconfig) ?? ''}\n`);
    out.set(node, kubeconfig);
  }
  return out;
}

export function labUserNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `user${i + 1}`);
}

export function userProjects(user: string): { project: string; udnProject: string } {
  return { project: `vmexamples-${user}`, udnProject: `vmexamples-${user}-udn` };
}

export interface DesiredObject {
  ref: ResourceRef;
  namespace: string | undefined;
  object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;
}

const RBAC = 'rbac.authorization.k8s.io';
const roleRef = ref(RBAC, 'Role');
const roleBindingRef = ref(RBAC, 'RoleBinding');

/** The NAD viewer role every lab user is bound to in each namespace whose NADs all namespaces may use. */
export const NAD_VIEWER = 'nad-viewer';

/**
 * What the lab's admin prepares for `users` (pure): per user the projects `vmexamples-<user>` and
 * `vmexamples-<user>-udn` (labelled for a primary UDN) with the user bound to ClusterRole `admin` in both,
 * and in each global namespace a Role granting read of NetworkAttachmentDefinitions bound to the users.
 */
export function labUserObjects(users: readonly string[], globalNamespaces: readonly string[] = ['default']): DesiredObject[] {
  const out: DesiredObject[] = [];
  for (const user of users) {
    const { project, udnProject } = userProjects(user);
    out.push({ ref: R.namespace, namespace: undefined, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: project } } });
    out.push({ ref: R.namespace, namespace: undefined, object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: udnProject, labels: { [PRIMARY_UDN_NAMESPACE_LABEL]: '' } } } });
    for (const ns of [project, udnProject]) {
      out.push({
        ref: roleBindingRef, namespace: ns, object: {
          apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: `${user}-admin`, namespace: ns },
          roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'admin' },
          subjects: [{ kind: 'User', apiGroup: RBAC, name: user }],
        },
      });
    }
  }
  for (const ns of globalNamespaces) {
    out.push({
      ref: roleRef, namespace: ns, object: {
        apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name: NAD_VIEWER, namespace: ns },
        rules: [{ apiGroups: ['k8s.cni.cncf.io'], resources: ['network-attachment-definitions'], verbs: ['get', 'list', 'watch'] }],
      },
    });
    out.push({
      ref: roleBindingRef, namespace: ns, object: {
        apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: { name: NAD_VIEWER, namespace: ns },
        roleRef: { apiGroup: RBAC, kind: 'Role', name: NAD_VIEWER },
        subjects: users.map((name) => ({ kind: 'User', apiGroup: RBAC, name })),
      },
    });
  }
  return out;
}

type Obj = Record<string, unknown> & { metadata?: Record<string, unknown> };

/**
 * The existing object brought to what is desired without undoing others' work (pure): desired labels added,
 * desired top-level fields (rules, roleRef) set, subjects united with the ones already there; undefined when
 * nothing is missing.
 */
export function convergeObject(existing: Obj, desired: DesiredObject['object']): Obj | undefined {
  const meta = existing.metadata ?? {};
  const labels = { ...(meta['labels'] as Record<string, string> | undefined ?? {}), ...(desired.metadata.labels ?? {}) };
  const next: Obj = { ...existing, metadata: { ...meta, ...(Object.keys(labels).length > 0 ? { labels } : {}) } };
  for (const [k, v] of Object.entries(desired)) {
    if (k === 'metadata' || k === 'apiVersion' || k === 'kind') continue;
    if (k === 'subjects' && Array.isArray(existing['subjects'])) {
      const have = existing['subjects'] as Record<string, unknown>[];
      const key = (s: Record<string, unknown>): string => `${String(s['kind'])}/${String(s['name'])}/${String(s['namespace'] ?? '')}`;
      const seen = new Set(have.map(key));
      next['subjects'] = [...have, ...(v as Record<string, unknown>[]).filter((s) => !seen.has(key(s)))];
    } else {
      next[k] = v;
    }
  }
  return JSON.stringify(next) === JSON.stringify(existing) ? undefined : next;
}

async function ensureObject(c: ApiClient, d: DesiredObject): Promise<void> {
  try {
    await c.create(d.ref, d.namespace, d.object);
    return;
  } catch (e) {
    if (!isConflict(e)) throw e;
  }
  const existing = await c.get<Obj>(d.ref, d.namespace, d.object.metadata.name);
  const next = convergeObject(existing, d.object);
  if (next) await c.replace(d.ref, d.namespace, d.object.metadata.name, next);
}

/** The admin's client over DATA/api.sock when there is one: HTTPS even when the TCP address is --insecure-http. */
function adminClient(dataDir: string): ApiClient {
  const opts = optionsFromKubeconfig(join(dataDir, 'kubeconfig'), 'virtnet-users');
  const sock = join(dataDir, 'api.sock');
  return existsSync(sock) ? new ApiClient({ ...opts, ca: clusterOf(dataDir).caPem, socketPath: sock }) : new ApiClient(opts);
}

export interface LabUser {
  name: string;
  kubeconfig: string;
  project: string;
}

/**
 * Lab users user1..userN against the running server of `dataDir`: a token and DATA/users/<user>.kubeconfig
 * (context namespace vmexamples-<user>) each, their projects and bindings created through the API as the
 * admin. Idempotent: run again, tokens, kubeconfigs and objects stay (missing pieces are added).
 */
export async function ensureLabUsers(dataDir: string, count: number, globalNamespaces: readonly string[] = ['default']): Promise<LabUser[]> {
  const users = labUserNames(count);
  const out = users.map((name) => ({
    name, project: userProjects(name).project,
    kubeconfig: writeTokenKubeconfig(dataDir, name, [], userKubeconfigPath(dataDir, name), userProjects(name).project),
  }));
  if (users.length === 0) return out;
  const c = adminClient(dataDir);
  try {
    for (const d of labUserObjects(users, globalNamespaces)) await ensureObject(c, d);
  } finally {
    c.close();
  }
  return out;
}

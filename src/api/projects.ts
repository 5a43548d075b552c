// OpenShift's projects list (`GET /apis/project.openshift.io/v1/projects`): the namespaces the caller may get,
// each as a Project. A workshop user may not list namespaces, but the console's project selector needs theirs.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { User } from './authn.js';
import type { Authorizer } from './authz/authorizer.js';
import { requestAttributes } from './request-attributes.js';
import type { Store } from './storage/store.js';
import { collectionPrefix } from './request-info.js';
import { sendJson } from './http/respond.js';

export const PROJECTS_PATH = '/apis/project.openshift.io/v1/projects';

export async function serveProjects(path: string, req: IncomingMessage, res: ServerResponse, user: User, authorizer: Authorizer, store: Store): Promise<boolean> {
  if (path !== PROJECTS_PATH || req.method !== 'GET') return false;
  const list = await store.list(collectionPrefix('', 'namespaces', undefined));
  const items: unknown[] = [];
  for (const { object } of list.items) {
    const attrs = requestAttributes(user, 'GET', new URL(`/api/v1/namespaces/${encodeURIComponent(object.metadata.name ?? '')}`, 'http://localhost'));
    if ((await authorizer.authorize(attrs)).decision !== 'allow') continue;
    items.push({ kind: 'Project', apiVersion: 'project.openshift.io/v1', metadata: object.metadata, spec: object.spec ?? {}, status: object.status ?? {} });
  }
  sendJson(res, 200, { kind: 'ProjectList', apiVersion: 'project.openshift.io/v1', metadata: { resourceVersion: String(list.rv) }, items });
  return true;
}

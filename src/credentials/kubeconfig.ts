// Renders and reads the kubeconfig files virtnet writes for its users (mode 0600 where written: they hold
// the only plain-text copy of a token, or a client key).
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export type Credentials = { token: string } | { clientCertificate: string; clientKey: string };

export function renderKubeconfig(server: string, user: string, credentials: string | Credentials, caPem: string, namespace = 'default'): string {
  const creds = typeof credentials === 'string' ? { token: credentials } : credentials;
  const userEntry = 'token' in creds
    ? { token: creds.token }
    : { 'client-certificate-data': Buffer.from(creds.clientCertificate).toString('base64'), 'client-key-data': Buffer.from(creds.clientKey).toString('base64') };
  // Kept with an http:// server too (--insecure-http; kubectl ignores it there): agents reach the unix
  // socket, HTTPS still, with the CA of their kubeconfig.
  const cluster = caPem === '' ? { server } : { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'virtnet', cluster }],
    users: [{ name: user, user: userEntry }],
    contexts: [{ name: `${user}@virtnet`, context: { cluster: 'virtnet', user, namespace } }],
    'current-context': `${user}@virtnet`,
    preferences: {},
  });
}

interface KubeconfigDoc {
  clusters?: { name?: string; cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { name?: string; user?: { token?: string } }[];
  contexts?: { name?: string; context?: { cluster?: string; user?: string } }[];
  'current-context'?: string;
}

function readDoc(path: string): KubeconfigDoc | undefined {
  try {
    const doc = parse(readFileSync(path, 'utf8')) as unknown;
    return doc && typeof doc === 'object' ? doc as KubeconfigDoc : undefined;
  } catch {
    return undefined;
  }
}

function currentContext(doc: KubeconfigDoc): { cluster?: string; user?: string } | undefined {
  return doc.contexts?.find((c) => c.name === doc['current-context'])?.context ?? doc.contexts?.[0]?.context;
}

/** The token of a kubeconfig's current user; undefined when the file is absent, unreadable or holds none. */
export function tokenOfKubeconfig(path: string): string | undefined {
  const doc = readDoc(path);
  if (!doc) return undefined;
  const ctx = currentContext(doc);
  const token = doc.users?.find((u) => u.name === ctx?.user)?.user?.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** The server URL and CA (PEM) of a kubeconfig's current cluster: what the kubeconfigs of other users repeat. */
export function clusterOfKubeconfig(path: string): { server: string; caPem: string } | undefined {
  const doc = readDoc(path);
  if (!doc) return undefined;
  const ctx = currentContext(doc);
  const c = doc.clusters?.find((x) => x.name === ctx?.cluster)?.cluster ?? doc.clusters?.[0]?.cluster;
  if (!c?.server) return undefined;
  const ca = c['certificate-authority-data'];
  return { server: c.server, caPem: ca ? Buffer.from(ca, 'base64').toString('utf8') : '' };
}

// Renders kubeconfig files for the server's users.
import { stringify } from 'yaml';

export function renderKubeconfig(server: string, user: string, token: string, caPem: string, namespace = 'default'): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'virtnet', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: `${user}@virtnet`, context: { cluster: 'virtnet', user, namespace } }],
    'current-context': `${user}@virtnet`,
    preferences: {},
  });
}

// Kubeconfig files: rendered and read by src/credentials/kubeconfig.ts (shared with the CLI, which writes
// the kubeconfigs of other users and nodes).
export { clusterOfKubeconfig, renderKubeconfig, tokenOfKubeconfig, type Credentials } from '../credentials/kubeconfig.js';

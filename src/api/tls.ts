// The server's certificates: made and kept in DATA/pki by src/credentials/pki.ts (shared with the CLI,
// which issues client certificates from the same CA).
export { ensureServingCerts, issueClientCert, type ClientCert, type ServingCerts } from '../credentials/pki.js';

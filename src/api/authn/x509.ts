// Client-certificate authentication as kube-apiserver's x509 authenticator does it: a certificate that
// verified against the server's CA (DATA/pki/ca.crt) names the user in its subject's CN and the groups in
// its O fields. The TLS server only requests certificates, so token clients connect without one; an
// unverified certificate (unknown CA, expired) authenticates nobody and the request falls through to the
// bearer token, as in kube's union of authenticators.
import { TLSSocket } from 'node:tls';
import type { User } from './user.js';

const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2';

export interface CertificateFacts {
  subject?: { CN?: string | string[]; O?: string | string[] } | undefined;
  /** Extended key usages (OIDs); absent when the certificate has no such extension. */
  ext_key_usage?: string[] | undefined;
}

function all(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The user a verified certificate names (pure); undefined when it names none or is not for client auth. */
export function userFromCertificate(c: CertificateFacts): User | undefined {
  // Go's verifier (kube's) accepts a certificate without the extension for any usage; with it, it must allow client auth.
  if (c.ext_key_usage && !c.ext_key_usage.includes(CLIENT_AUTH_OID)) return undefined;
  const cn = all(c.subject?.CN)[0];
  if (!cn) return undefined;
  return { name: cn, uid: '', groups: all(c.subject?.O).filter(Boolean) };
}

/** The user of the connection's client certificate, when it sent one the server's CA verified. */
export function userFromClientCertificate(socket: unknown): User | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  return userFromCertificate(cert as CertificateFacts);
}

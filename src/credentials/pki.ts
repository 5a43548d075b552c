// Serving and client certificates in DATA/pki. The API server serves HTTPS with a CA of its own, generated
// once per data directory with the openssl CLI (plain HTTP only with --insecure-http); the same CA signs
// client certificates (CN = user, O = groups, as kube-apiserver reads them), issued by the CLI.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ClientCert {
  cert: string;
  key: string;
}

export interface ServingCerts {
  caCert: string;
  cert: string;
  key: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0] ?? ''} failed: ${err.stderr?.toString().trim() || err.message}`);
  }
}

/** Loads DIR/pki/{ca.crt,server.crt,server.key}, creating them when absent or not covering `hosts`. */
export function ensureServingCerts(dir: string, hosts: string[]): ServingCerts {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCrt = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const crt = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  const sansFile = join(dir, 'server.sans');
  const sans = [...new Set(['127.0.0.1', '::1', 'localhost', ...hosts.filter((h) => h !== '' && h !== '0.0.0.0' && h !== '::')])]
    .map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).sort().join(',');
  if (!existsSync(caCrt) || !existsSync(caKey)) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', caCrt,
      '-days', '3650', '-subj', '/CN=virtnet-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    rmSync(crt, { force: true });
  }
  if (!existsSync(crt) || !existsSync(key) || !existsSync(sansFile) || readFileSync(sansFile, 'utf8') !== sans) {
    const work = mkdtempSync(join(tmpdir(), 'vn-pki-'));
    try {
      const csr = join(work, 'server.csr');
      const ext = join(work, 'ext.cnf');
      writeFileSync(ext, `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n`);
      openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=virtnet-apiserver']);
      openssl(['x509', '-req', '-in', csr, '-CA', caCrt, '-CAkey', caKey, '-CAcreateserial', '-out', crt, '-days', '3650', '-extfile', ext]);
      writeFileSync(sansFile, sans);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  return { caCert: readFileSync(caCrt, 'utf8'), cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
}

/** openssl -subj text of CN and O fields; only names that need no escaping there pass. */
export function subjectOf(cn: string, groups: readonly string[]): string {
  for (const n of [cn, ...groups]) {
    if (!/^[A-Za-z0-9][A-Za-z0-9:._@-]*$/.test(n)) throw new Error(`invalid certificate subject name ${JSON.stringify(n)}`);
  }
  return `/CN=${cn}${groups.map((g) => `/O=${g}`).join('')}`;
}

/**
 * A client certificate for `cn` in `groups`, signed by DIR/pki's CA (ensureServingCerts made it). A negative
 * `days` yields one already expired (tests).
 */
export function issueClientCert(dir: string, cn: string, groups: readonly string[], days = 365): ClientCert {
  const caCrt = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  if (!existsSync(caCrt) || !existsSync(caKey)) throw new Error(`no CA in ${dir}: start virtnet serve once first`);
  const work = mkdtempSync(join(tmpdir(), 'vn-pki-'));
  try {
    const key = join(work, 'client.key');
    const csr = join(work, 'client.csr');
    const crt = join(work, 'client.crt');
    const ext = join(work, 'ext.cnf');
    writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', csr, '-subj', subjectOf(cn, groups)]);
    // A random serial rather than the CA's serial file: issuers in several processes must not race on it.
    openssl(['x509', '-req', '-in', csr, '-CA', caCrt, '-CAkey', caKey, '-set_serial', `0x${randomBytes(16).toString('hex')}`,
      '-out', crt, '-days', String(days), '-extfile', ext]);
    return { cert: readFileSync(crt, 'utf8'), key: readFileSync(key, 'utf8') };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

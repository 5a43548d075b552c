// Serving certificates. kubectl (client-go) sends bearer tokens only over TLS, so the API server always
// serves HTTPS with a CA of its own, generated once per data directory with the openssl CLI.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

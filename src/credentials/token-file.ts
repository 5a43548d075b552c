// The token file, DATA/tokens.csv: kube-apiserver's --token-auth-file layout (`token,user,uid,"group1,group2"`)
// except for the first field. Kubernetes keeps tokens there in plain text; ours holds `sha256:<hex>` of
// each token instead, so a copy of the data directory (a backup, a file left world-readable) yields no
// credential. Plain SHA-256 rather than a slow password hash: our tokens are 192 random bits, beyond any
// dictionary or brute force, and a slow hash would cost every request. The plain-text tokens exist only
// in the kubeconfigs written for their users. Pure: parse, render, hash, migrate.
import { createHash } from 'node:crypto';

export interface TokenEntry {
  /** `sha256:<64 hex>`, or (in a file written by hand or by an older virtnet) the token itself. */
  token: string;
  user: string;
  uid: string;
  groups: string[];
}

export interface ParsedTokenFile {
  entries: TokenEntry[];
  /** Lines that are not entries, with their 1-based number: reported, never guessed at. */
  errors: { line: number; reason: string }[];
}

const HASHED = /^sha256:[0-9a-f]{64}$/;

export function hashToken(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

export function isHashed(field: string): boolean {
  return HASHED.test(field);
}

/** Splits one CSV line (RFC 4180 quoting: `"a,b"`, `""` for a quote inside quotes); undefined when malformed. */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += line[i++];
      }
      if (i < line.length && line[i] !== ',') return undefined;
    } else {
      while (i < line.length && line[i] !== ',') {
        if (line[i] === '"') return undefined;
        field += line[i++];
      }
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // the comma
  }
}

export function parseTokenFile(text: string): ParsedTokenFile {
  const entries: TokenEntry[] = [];
  const errors: ParsedTokenFile['errors'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const f = splitCsvLine(line);
    if (!f) return errors.push({ line: i + 1, reason: 'unbalanced quotes' });
    if (f.length < 2 || f.length > 4) return errors.push({ line: i + 1, reason: `want token,user[,uid[,"groups"]], got ${f.length} fields` });
    const [token, user, uid, groups] = f as [string, string, string?, string?];
    if (token === '' || user === '') return errors.push({ line: i + 1, reason: 'empty token or user' });
    if (token.startsWith('sha256:') && !isHashed(token)) return errors.push({ line: i + 1, reason: 'malformed sha256: hash' });
    entries.push({ token, user, uid: uid ?? user, groups: (groups ?? '').split(',').map((g) => g.trim()).filter(Boolean) });
  });
  return { entries, errors };
}

/** A field as CSV writes it: quoted when it holds a comma or a quote. */
function csvField(s: string): string {
  return /[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderTokenFile(entries: readonly TokenEntry[]): string {
  const head = '# virtnet tokens: sha256:<hex of the token>,user,uid,"groups" (the tokens themselves are only in kubeconfigs)\n';
  return head + entries.map((e) => [e.token, e.user, e.uid, `"${e.groups.join(',').replace(/"/g, '""')}"`].map((f, i) => (i === 3 ? f : csvField(f))).join(',') + '\n').join('');
}

/** The entries with every plain-text token replaced by its hash; `changed` says whether any was. */
export function migrateEntries(entries: readonly TokenEntry[]): { entries: TokenEntry[]; changed: boolean } {
  let changed = false;
  const out = entries.map((e) => {
    if (isHashed(e.token)) return e;
    changed = true;
    return { ...e, token: hashToken(e.token) };
  });
  return { entries: out, changed };
}

/**
 * Names that go into the file and into certificate subjects: no separators, quotes, control characters or
 * slashes (openssl's -subj syntax), nothing empty or overlong.
 */
export function validIdentityName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9:._@-]{0,252}$/.test(name);
}

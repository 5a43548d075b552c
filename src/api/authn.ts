// Bearer-token authentication against a static token file (kube-apiserver's --token-auth-file format:
// `token,user,uid,"group1,group2"`).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface User {
  name: string;
  uid: string;
  groups: string[];
}

export class TokenAuthenticator {
  private readonly tokens = new Map<string, User>();

  constructor(private readonly file: string) {
    this.reload();
  }

  reload(): void {
    this.tokens.clear();
    if (!existsSync(this.file)) return;
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      const t = line.trim();
      if (t === '' || t.startsWith('#')) continue;
      const m = /^([^,]+),([^,]+),([^,]*)(?:,"?([^"]*)"?)?$/.exec(t);
      if (!m) continue;
      this.tokens.set(m[1]!, { name: m[2]!, uid: m[3]!, groups: m[4] ? m[4].split(',').filter(Boolean) : [] });
    }
  }

  /** Adds a user with a fresh token (or returns the existing one) and persists the file. */
  ensureUser(name: string, groups: string[]): string {
    for (const [tok, u] of this.tokens) if (u.name === name) return tok;
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, { name, uid: name, groups });
    const lines = [...this.tokens].map(([t, u]) => `${t},${u.name},${u.uid},"${u.groups.join(',')}"`);
    writeFileSync(this.file, lines.join('\n') + '\n', { mode: 0o600 });
    return token;
  }

  /** The users' names, for the console's sign-in page (never their tokens). */
  userNames(): string[] {
    return [...new Set([...this.tokens.values()].map((u) => u.name))].sort();
  }

  authenticate(authorization: string | undefined): User | undefined {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!m) return undefined;
    const given = Buffer.from(m[1]!);
    for (const [tok, u] of this.tokens) {
      const b = Buffer.from(tok);
      if (b.length === given.length && timingSafeEqual(b, given)) return u;
    }
    return undefined;
  }
}

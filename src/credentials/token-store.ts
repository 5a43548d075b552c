// DATA/tokens.csv as a store: read (re-read when the file changes: the CLI adds users while the server
// runs), plain-text tokens migrated to hashes on the spot (their kubeconfigs keep working), users added
// with atomic rewrites. The request-time authenticator (src/api/authn.ts) and the CLI share it.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { hashToken, migrateEntries, parseTokenFile, renderTokenFile, validIdentityName, type TokenEntry } from './token-file.js';

function sameGroups(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

export class TokenStore {
  private current: TokenEntry[] = [];
  private stamp = '';
  /** Bumped whenever the entries change: caches built from them compare it. */
  generation = 0;

  constructor(readonly file: string) {
    this.reload();
  }

  private fileStamp(): string {
    try {
      const s = statSync(this.file);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return 'absent';
    }
  }

  private reload(): void {
    this.stamp = this.fileStamp();
    const parsed = parseTokenFile(existsSync(this.file) ? readFileSync(this.file, 'utf8') : '');
    for (const e of parsed.errors) console.error(`${this.file}:${e.line}: ignored: ${e.reason}`);
    const migrated = migrateEntries(parsed.entries);
    this.set(migrated.entries);
    if (migrated.changed) {
      this.write();
      console.error(`${this.file}: plain-text tokens replaced by their sha256 hashes`);
    }
  }

  private set(entries: TokenEntry[]): void {
    this.current = entries;
    this.generation++;
  }

  /** Atomically (a reader never sees half a file), owner-only. */
  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, renderTokenFile(this.current), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.stamp = this.fileStamp();
  }

  /** The entries as the file holds them now (one stat when unchanged). */
  entries(): readonly TokenEntry[] {
    if (this.fileStamp() !== this.stamp) this.reload();
    return this.current;
  }

  /**
   * A token for `name` with `groups`. `current` (the token of the user's existing kubeconfig) is kept when
   * it still authenticates as `name` — restarts must not break kubeconfigs handed out — with the groups
   * brought up to date; otherwise a fresh token replaces every other token of the user (their plain text
   * is gone, so they could only be orphans) and is returned.
   */
  ensureUser(name: string, groups: readonly string[], current?: string): string {
    if (!validIdentityName(name)) throw new Error(`invalid user name ${JSON.stringify(name)}`);
    for (const g of groups) if (!validIdentityName(g)) throw new Error(`invalid group name ${JSON.stringify(g)}`);
    const entries = this.entries();
    if (current) {
      const h = hashToken(current);
      const i = entries.findIndex((e) => e.token === h && e.user === name);
      if (i >= 0) {
        if (!sameGroups(entries[i]!.groups, groups)) {
          this.set(entries.map((x, j) => (j === i ? { ...x, groups: [...groups] } : x)));
          this.write();
        }
        return current;
      }
    }
    const token = randomBytes(24).toString('base64url');
    this.set([...entries.filter((e) => e.user !== name), { token: hashToken(token), user: name, uid: name, groups: [...groups] }]);
    this.write();
    return token;
  }
}

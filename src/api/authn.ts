// Authentication: bearer tokens against DATA/tokens.csv (hashed at rest: src/credentials/token-file.ts says
// why; re-read when another process adds users), client certificates (authn/x509.ts), and in-memory tokens
// for the server's own controllers.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hashToken } from '../credentials/token-file.js';
import { TokenStore } from '../credentials/token-store.js';
import type { User } from './authn/user.js';
import { userFromClientCertificate } from './authn/x509.js';
import { tokenFromProtocols } from './websocket-watch.js';

export type { User } from './authn/user.js';
export { userFromClientCertificate } from './authn/x509.js';

/** Every authenticated user is in this group (kube's AuthenticatedGroupAdder); RBAC binds the basics to it. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

interface Known {
  hash: Buffer;
  user: User;
}

function digest(token: string): Buffer {
  return Buffer.from(hashToken(token).slice('sha256:'.length), 'hex');
}

export class TokenAuthenticator {
  private readonly store: TokenStore;
  private known: Known[] = [];
  private knownGeneration = -1;
  /** The server's own controllers: never written anywhere. */
  private readonly ephemeral: Known[] = [];

  constructor(file: string) {
    this.store = new TokenStore(file);
  }

  /** See TokenStore.ensureUser: `current` is kept while it authenticates as `name`. */
  ensureUser(name: string, groups: string[], current?: string): string {
    return this.store.ensureUser(name, groups, current);
  }

  /** A token that authenticates `name` until this process exits; on no disk. */
  addEphemeralUser(name: string, groups: string[]): string {
    const token = randomBytes(24).toString('base64url');
    this.ephemeral.push({ hash: digest(token), user: { name, uid: name, groups: [...groups] } });
    return token;
  }

  /** The users' names, for the console's sign-in page (never their tokens; not nodes' and other system: identities). */
  userNames(): string[] {
    return [...new Set(this.store.entries().map((e) => e.user).filter((n) => !n.startsWith('system:')))].sort();
  }

  private table(): Known[] {
    const entries = this.store.entries();
    if (this.store.generation !== this.knownGeneration) {
      this.known = entries.map((e) => ({ hash: Buffer.from(e.token.slice('sha256:'.length), 'hex'), user: { name: e.user, uid: e.uid, groups: e.groups } }));
      this.knownGeneration = this.store.generation;
    }
    return this.known;
  }

  /** The user of an `Authorization: Bearer <token>` header. */
  authenticate(authorization: string | undefined): User | undefined {
    if (!authorization) return undefined;
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    return m ? this.authenticateToken(m[1]!) : undefined;
  }

  authenticateToken(token: string): User | undefined {
    if (token === '') return undefined;
    const given = digest(token);
    // Every entry is compared, each in constant time: neither where the match is nor its bytes show in the timing.
    let found: User | undefined;
    for (const k of [...this.table(), ...this.ephemeral]) {
      if (timingSafeEqual(k.hash, given) && !found) found = k.user;
    }
    return found;
  }
}

function withAuthenticatedGroup(u: User | undefined): User | undefined {
  return u === undefined || u.groups.includes(AUTHENTICATED_GROUP) ? u : { ...u, groups: [...u.groups, AUTHENTICATED_GROUP] };
}

/**
 * Who sent a request, as kube's union of authenticators decides: a verified client certificate, else the
 * bearer token; a browser's WebSocket cannot carry an Authorization header, so its token may come in a
 * subprotocol instead.
 */
export function authenticateRequest(tokens: TokenAuthenticator, req: IncomingMessage): User | undefined {
  const u = userFromClientCertificate(req.socket) ?? tokens.authenticate(req.headers.authorization)
    ?? (req.headers.upgrade ? tokens.authenticateToken(tokenFromProtocols(req.headers['sec-websocket-protocol']) ?? '') : undefined);
  return withAuthenticatedGroup(u);
}

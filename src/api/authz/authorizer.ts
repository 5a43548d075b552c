// The authorization seam of the API server: every authenticated request is asked here before it is served.
// Implementations (RBAC, the node authorizer) live beside it; `unionAuthorizer` asks each in turn, as
// kube-apiserver's --authorization-mode=Node,RBAC does.
import type { RequestAttributes } from '../request-attributes.js';

export type Decision = 'allow' | 'deny' | 'no-opinion';

export interface AuthorizationResult {
  decision: Decision;
  /** Why (for SubjectAccessReview's status.reason and the audit log). */
  reason: string;
}

export interface Authorizer {
  authorize(attrs: RequestAttributes): Promise<AuthorizationResult> | AuthorizationResult;
}

/**
 * The first allow or deny wins. When nobody has an opinion the answer is no-opinion with everyone's reasons,
 * as upstream's union has it: the server forbids anything not allowed, and a SubjectAccessReview tells
 * `denied` (an explicit deny) from not allowed.
 */
export function unionAuthorizer(...chain: Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      for (const a of chain) {
        const r = await a.authorize(attrs);
        if (r.decision !== 'no-opinion') return r;
        if (r.reason) reasons.push(r.reason);
      }
      return { decision: 'no-opinion', reason: reasons.join('\n') };
    },
  };
}

/** Members of `system:masters` may do anything (kube-apiserver's privileged group). */
export const mastersAuthorizer: Authorizer = {
  authorize: (attrs) => (attrs.user.groups.includes('system:masters')
    ? { decision: 'allow', reason: 'system:masters' }
    : { decision: 'no-opinion', reason: '' }),
};

/** Authenticated requests carry `system:authenticated` (added by kube-apiserver's authenticator union). */
export function withAuthenticatedGroup<T extends { groups: string[] }>(user: T): T {
  return user.groups.includes('system:authenticated') ? user : { ...user, groups: [...user.groups, 'system:authenticated'] };
}

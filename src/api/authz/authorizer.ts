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

/** The first allow or deny wins; nobody's opinion is a deny. */
export function unionAuthorizer(...chain: Authorizer[]): Authorizer {
  return {
    async authorize(attrs) {
      const reasons: string[] = [];
      for (const a of chain) {
        const r = await a.authorize(attrs);
        if (r.decision !== 'no-opinion') return r;
        if (r.reason) reasons.push(r.reason);
      }
      return { decision: 'deny', reason: reasons.join('; ') };
    },
  };
}

/** Members of `system:masters` may do anything (kube-apiserver's privileged group). */
export const mastersAuthorizer: Authorizer = {
  authorize: (attrs) => (attrs.user.groups.includes('system:masters')
    ? { decision: 'allow', reason: 'system:masters' }
    : { decision: 'no-opinion', reason: '' }),
};

// Field numbers of authorization.k8s.io/v1's reviews (k8s.io/api/authorization/v1/generated.proto): kubectl's
// typed client sends `kubectl auth can-i` and `--list` as protobuf.
import { objectMeta } from '../protobuf/core-messages.js';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from '../protobuf/envelope.js';
import type { MessageDesc } from '../protobuf/wire.js';

const resourceAttributes: MessageDesc = {
  1: { name: 'namespace', kind: 'string' },
  2: { name: 'verb', kind: 'string' },
  3: { name: 'group', kind: 'string' },
  4: { name: 'version', kind: 'string' },
  5: { name: 'resource', kind: 'string' },
  6: { name: 'subresource', kind: 'string' },
  7: { name: 'name', kind: 'string' },
};

const nonResourceAttributes: MessageDesc = {
  1: { name: 'path', kind: 'string' },
  2: { name: 'verb', kind: 'string' },
};

const selfSpec: MessageDesc = {
  1: { name: 'resourceAttributes', kind: 'message', message: resourceAttributes },
  2: { name: 'nonResourceAttributes', kind: 'message', message: nonResourceAttributes },
};

const subjectSpec: MessageDesc = {
  ...selfSpec,
  3: { name: 'user', kind: 'string' },
  4: { name: 'groups', kind: 'string', repeated: true },
  6: { name: 'uid', kind: 'string' },
};

const review = (spec: MessageDesc): MessageDesc => ({
  1: { name: 'metadata', kind: 'message', message: objectMeta },
  2: { name: 'spec', kind: 'message', message: spec },
});

/** Keyed by `<apiVersion>/<Kind>`, as the envelope names them. */
const MESSAGES: Record<string, MessageDesc> = {
  'authorization.k8s.io/v1/SelfSubjectAccessReview': review(selfSpec),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': review({ 1: { name: 'namespace', kind: 'string' } }),
  'authorization.k8s.io/v1/SubjectAccessReview': review(subjectSpec),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': review(subjectSpec),
};

/** A protobuf review body in its JSON form. */
export function decodeReview(buf: Buffer): Record<string, unknown> {
  return decodeProtobufObject(buf, MESSAGES, `application/json, application/yaml, ${PROTOBUF_CONTENT_TYPE}`);
}

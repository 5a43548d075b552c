// Field numbers of authorization.k8s.io/v1's reviews (k8s.io/api/authorization/v1/generated.proto): kubectl's
// typed client sends `kubectl auth can-i` and `--list` as protobuf.
import { badRequest, unsupportedMediaType } from '../../common/status-error.js';
import { objectMeta } from '../protobuf/core-messages.js';
import { decodeMessage, type MessageDesc } from '../protobuf/wire.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const envelope: MessageDesc = {
  1: { name: 'typeMeta', kind: 'message', message: { 1: { name: 'apiVersion', kind: 'string' }, 2: { name: 'kind', kind: 'string' } } },
  2: { name: 'raw', kind: 'bytes' },
};

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

const MESSAGES: Record<string, MessageDesc> = {
  SelfSubjectAccessReview: review(selfSpec),
  SelfSubjectRulesReview: review({ 1: { name: 'namespace', kind: 'string' } }),
  SubjectAccessReview: review(subjectSpec),
  LocalSubjectAccessReview: review(subjectSpec),
};

/** A protobuf review body in its JSON form. */
export function decodeReview(buf: Buffer): Record<string, unknown> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw badRequest('provided protobuf data is missing the k8s magic prefix');
  const env = decodeMessage(buf.subarray(4), envelope);
  const tm = (env['typeMeta'] ?? {}) as { apiVersion?: string; kind?: string };
  const desc = tm.apiVersion === 'authorization.k8s.io/v1' ? MESSAGES[tm.kind ?? ''] : undefined;
  if (!desc) throw unsupportedMediaType('the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
  const raw = Buffer.from(String(env['raw'] ?? ''), 'base64');
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...decodeMessage(raw, desc) };
}

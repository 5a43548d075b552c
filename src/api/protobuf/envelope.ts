// The Kubernetes protobuf envelope: magic `k8s\0`, then runtime.Unknown{typeMeta, raw, …}.
import { badRequest, unsupportedMediaType } from '../../common/status-error.js';
import { decodeMessage, type MessageDesc } from './wire.js';
import { coreMessages } from './core-messages.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const unknown: MessageDesc = {
  1: { name: 'typeMeta', kind: 'message', message: { 1: { name: 'apiVersion', kind: 'string' }, 2: { name: 'kind', kind: 'string' } } },
  2: { name: 'raw', kind: 'bytes' },
};

const DEFAULT_ACCEPTED = 'application/json, application/yaml';

/**
 * Decodes a protobuf request body into the object's JSON form. `messages` is keyed by `<apiVersion>/<Kind>`
 * as the envelope's TypeMeta names them; kinds without a descriptor get a 415 naming `accepted`.
 */
export function decodeProtobufObject(buf: Buffer, messages: Record<string, MessageDesc> = coreMessages, accepted = DEFAULT_ACCEPTED): Record<string, unknown> {
  if (buf.length < 4 || !buf.subarray(0, 4).equals(MAGIC)) throw badRequest('provided protobuf data is missing the k8s magic prefix');
  const env = decodeMessage(buf.subarray(4), unknown);
  const tm = (env.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const desc = messages[`${tm.apiVersion ?? ''}/${tm.kind ?? ''}`];
  if (!desc) {
    throw unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${accepted}`);
  }
  const raw = Buffer.from(String(env.raw ?? ''), 'base64');
  const obj = decodeMessage(raw, desc);
  return { apiVersion: tm.apiVersion, kind: tm.kind, ...obj };
}

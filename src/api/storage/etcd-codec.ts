// How objects are kept as etcd values. etcd assigns the revision only when the write commits, so the
// stored JSON cannot hold its own resourceVersion (Kubernetes sets it on decode for the same reason).
// The stored text puts metadata right after apiVersion and kind, so the first `"metadata":{` in it is
// the object's own; reads splice `"resourceVersion":"N"` in there, and listJson answers without parsing.
import type { KubeObject } from '../../common/object.js';

const META = '"metadata":{';

/** The stored text: apiVersion, kind, metadata (without resourceVersion), then the rest in their order. */
export function encodeObject(obj: KubeObject): string {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { resourceVersion: _rv, ...meta } = metadata;
  return JSON.stringify({ apiVersion, kind, metadata: meta, ...rest });
}

/** The stored text with metadata.resourceVersion set to rv. */
export function withResourceVersion(text: string, rv: number): string {
  const at = text.indexOf(META);
  if (at < 0) throw new Error('stored object has no metadata');
  const cut = at + META.length;
  const sep = text[cut] === '}' ? '' : ',';
  return `${text.slice(0, cut)}"resourceVersion":"${rv}"${sep}${text.slice(cut)}`;
}

export function decodeObject(text: string, rv: number): KubeObject {
  return JSON.parse(withResourceVersion(text, rv)) as KubeObject;
}

/** The first key after every key that starts with prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff: to the end of the keyspace.
  return Buffer.from([0]);
}

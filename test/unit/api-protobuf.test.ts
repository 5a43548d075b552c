// The protobuf bodies kubectl's typed clients send, built by hand from the wire format.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeProtobufObject } from '../../src/api/protobuf/envelope.js';

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
function field(num: number, payload: Buffer | string): Buffer {
  const p = typeof payload === 'string' ? Buffer.from(payload) : payload;
  return Buffer.concat([varint((num << 3) | 2), varint(p.length), p]);
}
function mapEntry(num: number, k: string, v: Buffer | string): Buffer {
  return field(num, Buffer.concat([field(1, k), field(2, v)]));
}
function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([field(1, apiVersion), field(2, kind)]);
  return Buffer.concat([Buffer.from('k8s\0'), field(1, typeMeta), field(2, raw)]);
}

describe('protobuf request bodies', () => {
  it('decodes a ConfigMap with labels and data, dropping zero values', () => {
    const meta = Buffer.concat([field(1, 'c1'), field(2, ''), field(3, 'ns1'), mapEntry(11, 'app', 'web')]);
    const raw = Buffer.concat([field(1, meta), mapEntry(2, 'a', 'b'), mapEntry(2, 'empty', '')]);
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'ConfigMap', raw)), {
      apiVersion: 'v1', kind: 'ConfigMap',
      metadata: { name: 'c1', namespace: 'ns1', labels: { app: 'web' } },
      data: { a: 'b', empty: '' },
    });
  });

  it('decodes Secret bytes as base64', () => {
    const raw = Buffer.concat([field(1, field(1, 's1')), mapEntry(2, 'k', Buffer.from([0, 1, 2, 255])), field(3, 'Opaque')]);
    assert.deepEqual(decodeProtobufObject(envelope('v1', 'Secret', raw)), {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's1' }, data: { k: 'AAEC/w==' }, type: 'Opaque',
    });
  });

  it('rejects a body without the magic, a truncated body, and kinds it cannot decode', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{"a":1}')), /missing the k8s magic prefix/);
    assert.throws(() => decodeProtobufObject(Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x0a, 0x50])])), /truncated/);
    assert.throws(() => decodeProtobufObject(envelope('apps/v1', 'Deployment', Buffer.alloc(0))), (e: Error & { code?: number }) => e.code === 415);
  });
});

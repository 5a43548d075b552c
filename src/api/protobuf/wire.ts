// Protocol-buffers wire format, reading only: what kubectl's typed clients send
// (`application/vnd.kubernetes.protobuf`) is decoded into the JSON shape of the same object.
import { badRequest } from '../../common/status-error.js';

export type FieldKind = 'string' | 'bytes' | 'bool' | 'int64' | 'int32' | 'time' | 'message';

export interface FieldDesc {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  /** For `message` fields. */
  message?: MessageDesc;
  /** map<string, string|bytes>: entries are messages with key = 1, value = 2. */
  map?: 'string' | 'bytes';
}

export type MessageDesc = Record<number, FieldDesc>;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer, readonly end = buf.length) {}

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw badRequest('protobuf: truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 70n) throw badRequest('protobuf: varint overflow');
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (len < 0 || this.pos + len > this.end) throw badRequest('protobuf: truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw badRequest(`protobuf: unsupported wire type ${wireType}`);
    if (this.pos > this.end) throw badRequest('protobuf: truncated field');
  }
}

const MAX_DEPTH = 32;

export function decodeMessage(buf: Buffer, desc: MessageDesc, depth = 0): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw badRequest('protobuf: message nested too deeply');
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < r.end) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    const f = desc[field];
    if (!f) {
      r.skip(wireType);
      continue;
    }
    let value: unknown;
    if (f.map) {
      const entry = decodeMessage(r.bytes(), { 1: { name: 'k', kind: 'string' }, 2: { name: 'v', kind: f.map } }, depth + 1);
      const m = (out[f.name] ??= {}) as Record<string, unknown>;
      m[String(entry.k ?? '')] = entry.v ?? (f.map === 'bytes' ? '' : '');
      continue;
    }
    switch (f.kind) {
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'bytes':
        value = r.bytes().toString('base64');
        break;
      case 'bool':
        value = r.varint() !== 0n;
        break;
      case 'int64':
      case 'int32':
        value = Number(BigInt.asIntN(64, r.varint()));
        break;
      case 'time': {
        const t = decodeMessage(r.bytes(), { 1: { name: 's', kind: 'int64' }, 2: { name: 'n', kind: 'int32' } }, depth + 1);
        value = new Date(Number(t.s ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
        break;
      }
      case 'message':
        value = decodeMessage(r.bytes(), f.message ?? {}, depth + 1);
        break;
    }
    if (f.repeated) ((out[f.name] ??= []) as unknown[]).push(value);
    // Go's generated marshallers write zero values that JSON would omit (omitempty): drop them.
    else if (value !== '' && value !== 0 && value !== false) out[f.name] = value;
  }
  return out;
}

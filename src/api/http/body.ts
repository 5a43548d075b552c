// Request bodies: bounded reads and parsing that never crashes on hostile input.
import type { IncomingMessage } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { StatusError, badRequest, requestEntityTooLarge } from '../../common/status-error.js';

/** kube-apiserver's default --max-request-body-bytes (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;
/** Deeper documents are rejected before any recursive code sees them (real objects stay far below). */
export const MAX_DEPTH = 100;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    return Promise.reject(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(requestEntityTooLarge(`Request entity too large: limit is ${limit}`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) {
        failed = true;
        reject(badRequest(`error reading request body: ${e.message}`));
      }
    });
  });
}

/** Iterative depth check, so a 1-million-level document cannot overflow a recursive walker later. */
export function checkDepth(value: unknown, max = MAX_DEPTH): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (d > max) throw badRequest(`the request body is nested deeper than the limit of ${max} levels`);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, d + 1]);
    }
  }
}

export function parseJson(buf: Buffer): unknown {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    throw badRequest(`json: ${(e as Error).message}`);
  }
  checkDepth(v);
  return v;
}

/** YAML (or JSON) bodies of apply patches; aliases are capped (alias bombs). */
export function parseYamlOrJson(buf: Buffer): unknown {
  const text = buf.toString('utf8');
  const t = text.trimStart();
  if (t.startsWith('{')) return parseJson(buf);
  let v: unknown;
  try {
    v = parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: false });
  } catch (e) {
    if (e instanceof StatusError) throw e;
    throw badRequest(`error decoding YAML: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  checkDepth(v);
  return v;
}

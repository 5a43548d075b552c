// Writing responses: JSON bodies, Status errors and Warning headers.
import type { ServerResponse } from 'node:http';
import { StatusError, internalError } from '../../common/status-error.js';

export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json', warnings: string[] = []): void {
  sendText(res, code, JSON.stringify(body), contentType, warnings);
}

/** A body that is already JSON text. */
export function sendText(res: ServerResponse, code: number, text: string, contentType = 'application/json', warnings: string[] = [], extra: Record<string, string> = {}): void {
  const headers: Record<string, string | string[]> = {
    ...extra,
    'Content-Type': contentType,
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-cache, private',
  };
  if (warnings.length > 0) headers.Warning = warnings.map(warningHeader);
  res.writeHead(code, headers);
  res.end(text);
}

/**
 * `299 - "text"`: a header value may carry only visible ASCII here (Node refuses the rest), so anything
 * else a client sent back to it (an unknown field named in Unicode, a control character) is \u-escaped.
 */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}`;
}

export function toStatusError(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return internalError(msg);
}

export function sendError(res: ServerResponse, e: unknown): void {
  const err = toStatusError(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // kube-apiserver sends Retry-After with 429s (and kubectl's client retries on it).
  const retry = err.details?.retryAfterSeconds;
  const extra: Record<string, string> = retry !== undefined && retry > 0 ? { 'Retry-After': String(retry) } : {};
  sendText(res, err.code, JSON.stringify(err.toStatus()), 'application/json', [], extra);
}

// Requests Node's HTTP parser refuses before any handler runs (a malformed request line, an unknown method,
// headers past --max-http-header-size, a broken chunked body): answered with a Kubernetes Status instead of
// Node's bare 400/431, then the connection is closed (the parser cannot resynchronise on it).
import type { Duplex } from 'node:stream';
import { StatusError, badRequest } from '../../common/status-error.js';

/** The status line and Status body for a parser error code (pure). */
export function clientErrorStatus(code: string | undefined): StatusError {
  if (code === 'HPE_HEADER_OVERFLOW') return new StatusError(431, 'RequestHeaderFieldsTooLarge', 'Request Header Fields Too Large');
  if (code === 'HPE_URI_OVERFLOW' || code === 'HPE_URI_TOO_LONG') return new StatusError(414, 'RequestURITooLong', 'Request-URI Too Long');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new StatusError(408, 'Timeout', 'Request Timeout');
  return badRequest(`malformed HTTP request${code ? ` (${code})` : ''}`);
}

const REASON_PHRASE: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (err.code === 'ECONNRESET')) {
    socket.destroy();
    return;
  }
  const e = clientErrorStatus(err.code);
  const body = JSON.stringify(e.toStatus());
  socket.end(`HTTP/1.1 ${e.code} ${REASON_PHRASE[e.code] ?? 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

// Watches over a WebSocket (`GET …?watch=true` with an Upgrade), as kube-apiserver serves them and the
// OpenShift console uses them: one event per text frame. Browsers open many of these at once, which a
// streaming HTTP/1.1 response per watch could not do (six connections per host). The ordinary HTTP watch
// code runs unchanged against a response object that forwards each event line as a frame.
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parsePath } from './request-info.js';
import { handleResource, type HandlerContext } from './resource-handler.js';
import { sendError } from './http/respond.js';

export const BEARER_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';

/** Picks the data subprotocol the client offered; the bearer-token one is never echoed back. */
function selectProtocol(protocols: Set<string>): string | false {
  for (const p of protocols) if (!p.startsWith(BEARER_PROTOCOL_PREFIX)) return p;
  return false;
}

export const websocketServer = new WebSocketServer({ noServer: true, handleProtocols: selectProtocol, maxPayload: 1024 * 1024 });

/** The bearer token carried in a WebSocket subprotocol, if any. */
export function tokenFromProtocols(header: string | undefined): string | undefined {
  for (const p of (header ?? '').split(',').map((x) => x.trim())) {
    if (p.startsWith(BEARER_PROTOCOL_PREFIX)) {
      const token = Buffer.from(p.slice(BEARER_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
      return token === '' ? undefined : token;
    }
  }
  return undefined;
}

export function isWatchUpgrade(url: URL): boolean {
  const w = url.searchParams.get('watch');
  return (w === 'true' || w === '1') && parsePath(url.pathname.replace(/\/+$/, '')).type === 'resource';
}

/** A ServerResponse stand-in: status and headers are kept, body writes become frames. */
class FrameResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableLength = 0;
  socket = { setNoDelay: (): void => undefined };
  private partial = '';

  constructor(private readonly ws: WebSocket) {
    super();
  }

  writeHead(code: number): this {
    this.statusCode = code;
    this.headersSent = true;
    return this;
  }

  setHeader(): this {
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  write(chunk: string | Buffer): boolean {
    if (this.statusCode !== 200) {
      // an error before the stream began: a Status, sent as an ERROR event as kube-apiserver does
      const text = chunk.toString();
      this.ws.send(`{"type":"ERROR","object":${text}}`);
      return true;
    }
    this.partial += chunk.toString();
    let nl: number;
    while ((nl = this.partial.indexOf('\n')) >= 0) {
      const line = this.partial.slice(0, nl);
      this.partial = this.partial.slice(nl + 1);
      if (line !== '') this.ws.send(line);
    }
    this.writableLength = this.ws.bufferedAmount;
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (chunk !== undefined && chunk.length > 0) this.write(chunk);
    this.ws.close(1000);
    return this;
  }

  destroy(): void {
    this.ws.terminate();
  }
}

export function handleWatchUpgrade(ctx: HandlerContext, url: URL, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  websocketServer.handleUpgrade(req, socket, head, (ws) => {
    const fakeReq = new EventEmitter() as IncomingMessage;
    Object.assign(fakeReq, { method: 'GET', headers: { accept: 'application/json' }, url: req.url });
    const res = new FrameResponse(ws);
    ws.on('close', () => fakeReq.emit('close'));
    ws.on('error', () => fakeReq.emit('close'));
    const parsed = parsePath(url.pathname.replace(/\/+$/, ''));
    if (parsed.type !== 'resource') return ws.close(1008);
    handleResource(ctx, parsed.path, url, fakeReq, res as unknown as ServerResponse).catch((e: unknown) => {
      sendError(res as unknown as ServerResponse, e);
    });
  });
}

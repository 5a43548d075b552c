// Serves the built web console (console/dist) at `/`: files from memory, gzip when the browser takes it,
// hashed assets cached for good, and index.html for every console route (the console routes in the browser).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  gzipped: Buffer | undefined;
  type: string;
  immutable: boolean;
}

/** Paths the API owns: never answered with the console's index.html. */
const API_PREFIXES = ['/api', '/apis', '/openapi', '/version', '/healthz', '/livez', '/readyz', '/console/config'];

export class ConsoleAssets {
  private readonly files = new Map<string, Asset>();

  constructor(readonly dir: string) {
    if (existsSync(join(dir, 'index.html'))) this.load(dir);
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  private load(dir: string): void {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        this.load(p);
        continue;
      }
      const body = readFileSync(p);
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      const compressible = /text|javascript|svg|json/.test(type) && body.length > 1024;
      const url = '/' + relative(this.dir, p).split('\\').join('/');
      this.files.set(url, { body, gzipped: compressible ? gzipSync(body, { level: 9 }) : undefined, type, immutable: url.startsWith('/assets/') });
    }
  }

  /** Whether this GET is the console's to answer: an asset, or a page a browser asks for. */
  owns(path: string, req: IncomingMessage): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (this.files.has(path)) return true;
    if (API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) return false;
    return path === '/' || (req.headers.accept ?? '').includes('text/html');
  }

  serve(path: string, req: IncomingMessage, res: ServerResponse): void {
    const asset = this.files.get(path) ?? this.files.get('/index.html');
    if (!asset) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The web console is not built: run `make build` (it runs `vite build console`).\n');
      return;
    }
    const gzip = asset.gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzipped! : asset.body;
    const headers: Record<string, string> = {
      'Content-Type': asset.type,
      'Content-Length': String(body.length),
      'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
    };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    if (asset.type.startsWith('text/html')) {
      headers['X-Frame-Options'] = 'DENY';
      headers['Content-Security-Policy'] = "default-src 'self'; connect-src 'self' wss: ws:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:";
    }
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

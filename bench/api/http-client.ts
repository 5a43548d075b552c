// A minimal JSON client on node:http(s): one keep-alive Agent per server so every request reuses one
// of the workers' connections and the benchmark measures request handling, not TCP/TLS setup.
import * as http from 'node:http';
import * as https from 'node:https';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';

export interface Reply {
  status: number;
  body: string;
}

export class BenchClient {
  readonly agent: http.Agent;
  private readonly tls: boolean;

  /** `ca`: the PEM to trust for an https url (verified like kubectl would, not skipped). */
  constructor(readonly url: URL, private readonly token: string, maxSockets: number, private readonly ca?: string) {
    this.tls = url.protocol === 'https:';
    this.agent = this.tls ? new https.Agent({ keepAlive: true, maxSockets, ...(ca ? { ca } : {}) }) : new http.Agent({ keepAlive: true, maxSockets });
  }

  private request(opts: RequestOptions, onResponse: (res: IncomingMessage) => void): ClientRequest {
    const o = { host: this.url.hostname, port: this.url.port, ...opts };
    return this.tls ? https.request({ ...o, ...(this.ca ? { ca: this.ca } : {}) }, onResponse) : http.request(o, onResponse);
  }

  headers(contentType?: string): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${this.token}` };
    if (contentType) h['Content-Type'] = contentType;
    return h;
  }

  send(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers = this.headers(body === undefined ? undefined : contentType);
      if (body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(body));
      const req = this.request({ agent: this.agent, method, path, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Sends and throws unless the status is the expected one; returns the body. */
  async expect(status: number, method: string, path: string, body?: string, contentType?: string): Promise<string> {
    const r = await this.send(method, path, body, contentType);
    if (r.status !== status) throw new Error(`${method} ${path}: ${r.status} (want ${status}) ${r.body.slice(0, 300)}`);
    return r.body;
  }

  /**
   * Opens a long-lived stream on its own connection (not from the pool, which the workers need),
   * resolving once the response headers arrive.
   */
  stream(path: string): Promise<{ req: ClientRequest; res: IncomingMessage }> {
    return new Promise((resolve, reject) => {
      const req = this.request({ agent: false, method: 'GET', path, headers: this.headers() }, (res) => {
        if (res.statusCode !== 200) {
          req.destroy();
          reject(new Error(`GET ${path}: ${res.statusCode ?? 0}`));
          return;
        }
        resolve({ req, res });
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

// Starts a real `virtnet serve` process on a free loopback port with a fresh data directory,
// and drives it with the real kubectl (fresh --cache-dir, so discovery is never stale).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tokenOfKubeconfig } from '../../src/credentials/kubeconfig.js';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/** kubectl on PATH, else the project's shared copy; fail loudly when neither exists. */
export function findKubectl(): string {
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  const onPath = which.stdout.trim();
  if (which.status === 0 && onPath) return onPath;
  const shared = resolve(repoRoot, '..', 'shared', 'tools', 'kubectl');
  if (existsSync(shared)) return shared;
  throw new Error('no kubectl: install one on PATH or provide ../shared/tools/kubectl');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class ServerProcess {
  url = '';
  kubeconfig = '';
  private child: ChildProcess | undefined;
  private readonly kubectlBin = findKubectl();
  readonly cacheDir: string;
  output = '';

  constructor(readonly dataDir: string) {
    this.cacheDir = join(dataDir, 'kube-cache');
  }

  extraArgs: string[] = [];

  static async start(dataDir = mkdtempSync(join(tmpdir(), 'vn-test-')), extraArgs: string[] = []): Promise<ServerProcess> {
    const s = new ServerProcess(dataDir);
    s.extraArgs = extraArgs;
    await s.launch();
    return s;
  }

  async launch(): Promise<void> {
    const bin = join(repoRoot, 'bin', 'virtnet.js');
    // A restart keeps the address, as a real server's would: clients resume against it.
    const listen = this.url ? `127.0.0.1:${new URL(this.url).port}` : '127.0.0.1:0';
    const child = spawn(process.execPath, [bin, 'serve', '--listen', listen, '--data', this.dataDir, ...this.extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${this.output}`)), 20_000);
      const onData = (d: Buffer): void => {
        this.output += d.toString();
        const m = /listening on (\S+)/.exec(this.output);
        if (m) {
          clearTimeout(timer);
          this.url = m[1]!;
          this.kubeconfig = join(this.dataDir, 'kubeconfig');
          resolveReady();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}:\n${this.output}`));
      });
    });
  }

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get token(): string {
    return tokenOfKubeconfig(this.kubeconfig) ?? '';
  }

  /** Runs kubectl against this server; `input` goes to stdin. */
  kubectl(args: string[], opts: { input?: string; env?: Record<string, string>; timeoutMs?: number } = {}): KubectlResult {
    const r = spawnSync(this.kubectlBin, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], {
      input: opts.input ?? '',
      encoding: 'utf8',
      timeout: opts.timeoutMs ?? 60_000,
      env: { ...process.env, KUBECONFIG: this.kubeconfig, ...opts.env },
    });
    return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** kubectl that must succeed; returns stdout. */
  kubectlOk(args: string[], opts: { input?: string; env?: Record<string, string> } = {}): string {
    const r = this.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Starts a long-running kubectl (get -w, wait) and collects its output. */
  kubectlAsync(args: string[]): { proc: ChildProcess; output: () => string; done: Promise<number> } {
    const proc = spawn(this.kubectlBin, ['--kubeconfig', this.kubeconfig, '--cache-dir', this.cacheDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const done = new Promise<number>((r) => proc.once('exit', (c) => r(c ?? -1)));
    return { proc, output: () => out, done };
  }

  writeFile(name: string, content: string): string {
    const p = join(this.dataDir, name);
    writeFileSync(p, content);
    return p;
  }

  private agent: Agent | undefined;

  /** The server's CA, for clients other than kubectl. */
  get ca(): string {
    return readFileSync(join(this.dataDir, 'pki', 'ca.crt'), 'utf8');
  }

  private httpsAgent(): Agent {
    this.agent ??= new Agent({ ca: this.ca, keepAlive: true, maxSockets: 64 });
    return this.agent;
  }

  /** Opens a request; resolves with the response head (body still streaming). */
  open(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}, auth = true): Promise<IncomingMessage> {
    return new Promise((resolveRes, reject) => {
      const h: Record<string, string> = { 'Content-Type': 'application/json', ...headers };
      if (auth) h.Authorization = `Bearer ${this.token}`;
      const req = httpsRequest(this.url + path, { method, headers: h, agent: this.httpsAgent() }, resolveRes);
      req.on('error', reject);
      req.end(body);
    });
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, auth = true): Promise<{ status: number; json: unknown; text: string; headers: IncomingMessage['headers'] }> {
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const res = await this.open(method, path, payload, headers, auth);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString();
    let json: unknown;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.statusCode ?? 0, json, text, headers: res.headers };
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    this.agent?.destroy();
    this.agent = undefined;
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
    return new Promise((r) => {
      c.once('exit', () => r());
      c.kill(signal);
    });
  }

  async stop(): Promise<void> {
    await this.kill('SIGTERM');
    // VIRTNET_KEEP_TEST_DATA=1 keeps the logs of a failed run for a look afterwards.
    if (process.env.VIRTNET_KEEP_TEST_DATA !== '1') rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export async function until<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

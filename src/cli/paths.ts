// Where virtnet keeps its state by default: VIRTNET_DATA, else `.virtnet/` in the current directory.
import { resolve } from 'node:path';

export function defaultDataDir(): string {
  return resolve(process.env.VIRTNET_DATA ?? '.virtnet');
}

export const DEFAULT_LISTEN = '127.0.0.1:6443';

export function parseListen(s: string): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(s);
  if (!m) throw new Error(`--listen must be HOST:PORT, got ${JSON.stringify(s)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new Error(`--listen port out of range: ${port}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

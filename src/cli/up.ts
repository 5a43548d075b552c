// `virtnet up` / `virtnet down`: start everything (today: the API server) with a banner, and stop it.
import { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startApiServer } from '../api/server.js';
import { defaultDataDir, parseListen, DEFAULT_LISTEN } from './paths.js';

function banner(url: string, kubeconfig: string, detached: boolean): string {
  return [
    '',
    '  virtnet is up',
    `  API server:  ${url}`,
    `  kubeconfig:  ${kubeconfig}`,
    `               export KUBECONFIG=${kubeconfig}; kubectl get namespaces`,
    `  console:     ${url}/  (placeholder until the web console lands)`,
    detached ? '  stop with:   make down   (or: virtnet down)' : '  stop with:   Ctrl-C   (or, from another terminal: make down)',
    '',
  ].join('\n');
}

function pidFile(data: string): string {
  return join(data, 'virtnet.pid');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningPid(data: string): number | undefined {
  const f = pidFile(data);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

async function waitForLine(log: string, pattern: RegExp, pid: number, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const m = pattern.exec(text);
    if (m) return m;
    if (!alive(pid)) throw new Error(`virtnet exited during start-up; see ${log}:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`virtnet did not become ready within ${timeoutMs / 1000}s; see ${log}`);
}

export function upCommand(): Command {
  return new Command('up')
    .description('start virtnet (API server) and print where to reach it')
    .option('--listen <host:port>', 'API address', DEFAULT_LISTEN)
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('-d, --detach', 'start in the background and return once ready')
    .action(async (o: { listen: string; data: string; detach?: boolean }) => {
      mkdirSync(o.data, { recursive: true });
      const existing = runningPid(o.data);
      if (existing) throw new Error(`virtnet is already running (pid ${existing}); stop it with: make down`);
      if (o.detach) {
        const log = join(o.data, 'virtnet.log');
        rmSync(log, { force: true });
        const out = openSync(log, 'a');
        const bin = fileURLToPath(new URL('../../../bin/virtnet.js', import.meta.url));
        const child = spawn(process.execPath, [bin, 'serve', '--listen', o.listen, '--data', o.data], {
          detached: true, stdio: ['ignore', out, out],
        });
        child.unref();
        writeFileSync(pidFile(o.data), String(child.pid));
        const m = await waitForLine(log, /listening on (\S+)/, child.pid!, 30_000);
        console.log(banner(m[1]!, join(o.data, 'kubeconfig'), true));
        return;
      }
      const { host, port } = parseListen(o.listen);
      const srv = await startApiServer({ dataDir: o.data, host, port });
      writeFileSync(pidFile(o.data), String(process.pid));
      console.log(banner(srv.url, srv.kubeconfigPath, false));
      const shutdown = (): void => {
        console.log('stopping virtnet…');
        srv.close().finally(() => {
          rmSync(pidFile(o.data), { force: true });
          process.exit(0);
        });
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    });
}

export function downCommand(): Command {
  return new Command('down')
    .description('stop a running virtnet')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .action(async (o: { data: string }) => {
      const pid = runningPid(o.data);
      if (!pid) {
        rmSync(pidFile(o.data), { force: true });
        console.log('virtnet is not running');
        return;
      }
      process.kill(pid, 'SIGTERM');
      const deadline = Date.now() + 15_000;
      while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(pidFile(o.data), { force: true });
      console.log(`virtnet stopped (pid ${pid})`);
    });
}

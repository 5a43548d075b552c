// `virtnet up` / `virtnet down`: the API server with its controllers, and the lab (nodes as network
// namespaces with their agents), with a banner saying where everything is; and stopping all of it.
import { Command, InvalidArgumentError } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readState, teardownLab } from '../lab/index.js';
import { isAlive } from '../lab/agent-state.js';
import { bringUpLab, labPlanFor } from './lab.js';
import { seedExamples } from './examples.js';
import { defaultDataDir, DEFAULT_LISTEN } from './paths.js';
import { usersSummary } from './lab.js';
import { ensureLabUsers, type LabUser } from './users.js';
import { tokenOfKubeconfig } from '../credentials/kubeconfig.js';

function banner(url: string, kubeconfig: string, detached: boolean, lab: string | undefined, users: readonly LabUser[]): string {
  const token = tokenOfKubeconfig(kubeconfig);
  return [
    '',
    '  virtnet is up',
    `  API server:  ${url}`,
    `  kubeconfig:  ${kubeconfig}`,
    `               export KUBECONFIG=${kubeconfig}; kubectl get nodes`,
    `  console:     ${url}/   (self-signed: the CA is in the kubeconfig; accept it in the browser)`,
    ...(token ? [`               sign in as admin: ${url}/dashboards#token=${encodeURIComponent(token)}`] : []),
    ...(lab ? [`  lab:         ${lab}`] : []),
    ...usersSummary(users),
    ...(url.startsWith('http://') ? ['  WARNING:     plain HTTP (--insecure-http): tokens travel in clear text, and kubectl sends none over it'] : []),
    detached ? '  stop with:   make down   (or: virtnet down)' : '  stop with:   Ctrl-C   (or, from another terminal: make down)',
    '',
  ].join('\n');
}

function count(v: string): number {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return Number(v);
}

function pidFile(data: string): string {
  return join(data, 'virtnet.pid');
}

function runningPid(data: string): number | undefined {
  const f = pidFile(data);
  if (!existsSync(f)) return undefined;
  const pid = Number(readFileSync(f, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

async function waitForLine(log: string, pattern: RegExp, pid: number, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const m = pattern.exec(text);
    if (m) return m;
    if (!isAlive(pid)) throw new Error(`virtnet exited during start-up; see ${log}:\n${text.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`virtnet did not become ready within ${timeoutMs / 1000}s; see ${log}`);
}

async function stopPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

export function upCommand(): Command {
  return new Command('up')
    .description('start virtnet: the API server with its controllers, and the lab of nodes (3 workers + 2 bare-metal)')
    .option('--listen <host:port>', 'API address', DEFAULT_LISTEN)
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('--nodes <n>', 'lab worker nodes', count, 3)
    .option('--baremetal <m>', 'lab bare-metal nodes', count, 2)
    .option('--no-lab', 'start the API server only')
    .option('-d, --detach', 'start in the background and return once ready')
    .option('--users <n>', 'lab users user1..userN, each with projects vmexamples-<user>(-udn) and DATA/users/<user>.kubeconfig', count, 1)
    .option('--insecure-http', 'serve the API as plain HTTP (local debugging only; see virtnet serve --help)')
    .action(async (o: { listen: string; data: string; nodes: number; baremetal: number; lab: boolean; detach?: boolean; users: number; insecureHttp?: boolean }) => {
      const data = resolve(o.data);
      mkdirSync(data, { recursive: true });
      const existing = runningPid(data);
      if (existing) throw new Error(`virtnet is already running (pid ${existing}); stop it with: make down`);
      const log = join(data, 'virtnet.log');
      rmSync(log, { force: true });
      const out = openSync(log, 'a');
      const bin = fileURLToPath(new URL('../../../bin/virtnet.js', import.meta.url));
      const server = spawn(process.execPath, [bin, 'serve', '--listen', o.listen, '--data', data, ...(o.insecureHttp ? ['--insecure-http'] : [])], {
        detached: Boolean(o.detach), stdio: ['ignore', out, out],
      });
      if (o.detach) server.unref();
      writeFileSync(pidFile(data), String(server.pid));
      const m = await waitForLine(log, /listening on (\S+)/, server.pid!, 30_000);
      let labLine: string | undefined;
      if (o.lab) {
        const plan = labPlanFor(data, o.nodes, o.baremetal);
        try {
          await bringUpLab(plan, true);
        } catch (e) {
          await stopPid(server.pid!);
          throw e;
        }
        // The examples go first: their project's absence is what marks a first start (examples.ts).
        // The client library speaks HTTPS only: over --insecure-http the examples are left out.
        const seeded = o.insecureHttp ? 'no example VMs (--insecure-http)' : await seedExamples(join(data, 'kubeconfig'));
        labLine = `${seeded ? `${seeded}; ` : ''}${plan.nodes.length} nodes (${plan.nodes.map((n) => n.name).join(', ')}) as network namespaces ${plan.prefix}*; virtnet lab status`;
      }
      // Users come last: a failure there leaves a working virtnet, reported.
      const users = await ensureLabUsers(data, o.users).catch((e: unknown) => {
        console.error(`lab users: ${(e as Error).message}`);
        return [] as LabUser[];
      });
      console.log(banner(m[1]!, join(data, 'kubeconfig'), Boolean(o.detach), labLine, users));
      if (o.detach) return;
      let stopping = false;
      const shutdown = (): void => {
        if (stopping) return;
        stopping = true;
        console.log('stopping virtnet…');
        void (async () => {
          if (readState(data)) await teardownLab(data).catch((e: unknown) => console.error(`lab down: ${(e as Error).message}`));
          if (isAlive(server.pid!)) await stopPid(server.pid!);
          rmSync(pidFile(data), { force: true });
          console.log('virtnet stopped');
          process.exit(0);
        })();
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      server.once('exit', (code) => {
        // Ctrl-C reaches the server too (same process group): the shutdown above carries on.
        if (stopping) return;
        console.error(`the API server exited (${code ?? 'signal'}); see ${log}`);
        process.exit(1);
      });
    });
}

export function downCommand(): Command {
  return new Command('down')
    .description('stop virtnet: remove the lab and stop the API server')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .action(async (o: { data: string }) => {
      const data = resolve(o.data);
      if (readState(data)) {
        await teardownLab(data);
        console.log('lab removed');
      }
      const pid = runningPid(data);
      if (!pid) {
        rmSync(pidFile(data), { force: true });
        console.log('virtnet is not running');
        return;
      }
      await stopPid(pid);
      rmSync(pidFile(data), { force: true });
      console.log(`virtnet stopped (pid ${pid})`);
    });
}

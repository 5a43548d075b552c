// Starts the server under test as a child process on a free loopback port with a fresh data dir,
// and makes sure it is gone afterwards (SIGTERM, then SIGKILL; SIGKILL on bench exit as a last resort).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type ServerKind = 'virtnet' | 'baseline';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface RunningServer {
  kind: ServerKind;
  url: URL;
  /** Bearer token; the baseline takes none but ignores the header. */
  token: string;
  /** PEM of the CA to trust when url is https. */
  ca: string | undefined;
  pid: number;
  /** CPU seconds (user + system) the server process has used so far; disk waits are not CPU. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const CLOCK_TICKS = ((): number => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime from /proc/PID/stat (fields 14 and 15; the command name may contain spaces, so split after ')'). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/**
 * `tls` asks the baseline to serve HTTPS too (virtnet decides for itself), so both pay the same
 * transport cost. Extra node flags (e.g. --cpu-prof) go to the server; profiles are written on its graceful exit.
 */
export async function startServer(kind: ServerKind, parentDir: string, tls: boolean, nodeFlags: readonly string[] = []): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(parentDir, `${kind}-`));
  const script = kind === 'virtnet'
    ? [join(repoRoot, 'bin', 'virtnet.js'), 'serve']
    : [fileURLToPath(new URL('./baseline-server.js', import.meta.url)), ...(tls ? ['--tls'] : [])];
  const child = spawn(process.execPath, [...nodeFlags, ...script, '--listen', '127.0.0.1:0', '--data', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));

  let output = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} did not start in 30 s:\n${output}`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /listening on (https?:\/\/\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.stderr!.on('data', (d: Buffer) => {
        output += d.toString();
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${kind} exited before listening:\n${output}`));
      });
    });
    const kubeconfig = join(dataDir, 'kubeconfig');
    const kc = existsSync(kubeconfig) ? readFileSync(kubeconfig, 'utf8') : '';
    const token = /token:\s*"?([^\s"]+)/.exec(kc)?.[1] ?? '';
    if (kind === 'virtnet' && !token) throw new Error(`no token in ${kubeconfig}`);
    const caData = /certificate-authority-data:\s*"?([^\s"]+)/.exec(kc)?.[1];
    const baselineCa = join(dataDir, 'tls.crt');
    const ca = caData ? Buffer.from(caData, 'base64').toString('utf8') : existsSync(baselineCa) ? readFileSync(baselineCa, 'utf8') : undefined;
    const pid = child.pid ?? -1;
    return { kind, url: new URL(url), token, ca, pid, cpuSeconds: () => cpuSecondsOf(pid), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

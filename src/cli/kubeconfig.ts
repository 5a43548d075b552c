// `virtnet kubeconfig`: where the admin kubeconfig is; with --user, a kubeconfig for another user (a token
// in DATA/tokens.csv, or with --cert a client certificate signed by the server's CA).
import { Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultDataDir } from './paths.js';
import { userKubeconfigPath, writeCertKubeconfig, writeTokenKubeconfig } from './users.js';

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function days(v: string): number {
  if (!/^-?\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number of days');
  return Number(v);
}

export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description('print the path of the admin kubeconfig; with --user, write a kubeconfig for that user and print its path')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .option('--user <name>', 'issue a kubeconfig for this user (kept: an existing token in --out that still works is reused)')
    .option('--group <name>', 'a group of the user (repeatable)', collect, [])
    .option('--cert', 'authenticate with a client certificate (CN = user, O = groups) instead of a token')
    .option('--days <n>', 'validity of the client certificate', days, 365)
    .option('--namespace <ns>', 'the context\'s namespace', 'default')
    .option('--out <file>', 'where to write it (default: DATA/users/<user>.kubeconfig)')
    .action((o: { data: string; user?: string; group: string[]; cert?: boolean; days: number; namespace: string; out?: string }) => {
      const data = resolve(o.data);
      if (o.user === undefined) {
        if (o.cert || o.group.length > 0 || o.out) throw new Error('--cert, --group and --out need --user');
        const p = join(data, 'kubeconfig');
        if (!existsSync(p)) throw new Error(`no kubeconfig at ${p}: start virtnet first (make up)`);
        console.log(p);
        return;
      }
      const out = resolve(o.out ?? userKubeconfigPath(data, o.user));
      console.log(o.cert
        ? writeCertKubeconfig(data, o.user, o.group, out, o.namespace, o.days)
        : writeTokenKubeconfig(data, o.user, o.group, out, o.namespace));
    });
}

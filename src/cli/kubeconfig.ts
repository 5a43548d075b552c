// `virtnet kubeconfig`: where the admin kubeconfig is.
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultDataDir } from './paths.js';

export function kubeconfigCommand(): Command {
  return new Command('kubeconfig')
    .description('print the path of the admin kubeconfig')
    .option('--data <dir>', 'state directory', defaultDataDir())
    .action((o: { data: string }) => {
      const p = join(o.data, 'kubeconfig');
      if (!existsSync(p)) throw new Error(`no kubeconfig at ${p}: start virtnet first (make up)`);
      console.log(p);
    });
}

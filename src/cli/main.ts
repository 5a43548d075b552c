// The `virtnet` command: one file per subcommand.
import { Command } from 'commander';
import { serveCommand } from './serve.js';
import { upCommand, downCommand } from './up.js';
import { kubeconfigCommand } from './kubeconfig.js';
import { labCommand } from './lab.js';
import { agentCommand } from './agent.js';
import { nmstateCommand } from './nmstate.js';
import { vmCommand } from './vm.js';
import { controllersCommand } from './controllers.js';

const program = new Command('virtnet')
  .description('Self-hosted VM networking with the APIs and workflows of OpenShift Virtualization')
  .version('0.1.0');

program.addCommand(serveCommand());
program.addCommand(upCommand());
program.addCommand(downCommand());
program.addCommand(kubeconfigCommand());
program.addCommand(labCommand());
program.addCommand(agentCommand());
program.addCommand(nmstateCommand());
program.addCommand(vmCommand());
program.addCommand(controllersCommand());

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

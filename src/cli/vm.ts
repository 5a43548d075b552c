// `virtnet vm start|stop|restart|console|exec`: virtctl's verbs. start/stop/restart call virt-api's
// subresources; console opens the serial console WebSocket; exec runs a command in the guest through the
// VM runtime on this host (the QEMU guest agent's guest-exec, or the netns VM's namespace).
import { Command } from 'commander';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { ApiClient, R, optionsFromKubeconfig } from '../client/index.js';
import type { KubeObject } from '../common/object.js';
import { defaultDataDir } from './paths.js';
import { runtimeFor } from '../runtime/index.js';

interface Common { namespace: string; data: string; kubeconfig?: string }

function client(o: Common): ApiClient {
  return new ApiClient(optionsFromKubeconfig(o.kubeconfig ?? join(o.data, 'kubeconfig'), 'virtnet-cli'));
}

function withCommon(c: Command): Command {
  return c.option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--data <dir>', 'virtnet state directory', defaultDataDir())
    .option('--kubeconfig <file>', 'kubeconfig (default: DATA/kubeconfig)');
}

function action(verb: 'start' | 'stop' | 'restart'): Command {
  return withCommon(new Command(verb).description(`${verb} a VirtualMachine`).argument('<vm>'))
    .action(async (vm: string, o: Common) => {
      const c = client(o);
      try {
        await c.raw('PUT', `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(o.namespace)}/virtualmachines/${encodeURIComponent(vm)}/${verb}`, {});
        console.log(`VM ${vm} was scheduled to ${verb}`);
      } finally {
        c.close();
      }
    });
}

async function runningVmi(c: ApiClient, ns: string, name: string): Promise<KubeObject> {
  const vmi = await c.get(R.vmi, ns, name);
  const phase = (vmi.status as { phase?: string } | undefined)?.phase;
  if (phase !== 'Running') throw new Error(`VMI ${ns}/${name} is not running (phase ${phase ?? 'unknown'})`);
  return vmi;
}

/** `virtnet vm migrate`: a VMIM for the VM's VMI (as virtctl migrate creates), then its phases until it ends. */
function migrateCommand(): Command {
  return withCommon(new Command('migrate').description('live-migrate a running VM to another node and wait for the outcome').argument('<vm>')
    .option('--timeout <s>', 'give up waiting after this many seconds', '120'))
    .action(async (vm: string, o: Common & { timeout: string }) => {
      const c = client(o);
      try {
        const vmim = await c.create(R.vmim, o.namespace, {
          apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration',
          metadata: { generateName: 'kubevirt-migrate-vm-', namespace: o.namespace }, spec: { vmiName: vm },
        });
        const name = vmim.metadata.name ?? '';
        console.log(`virtualmachineinstancemigration.kubevirt.io/${name} created`);
        const deadline = Date.now() + Number(o.timeout) * 1000;
        let last = '';
        for (;;) {
          const cur = await c.get(R.vmim, o.namespace, name);
          const st = (cur.status ?? {}) as { phase?: string; migrationState?: { sourceNode?: string; targetNode?: string; failureReason?: string } };
          if (st.phase && st.phase !== last) {
            last = st.phase;
            const where = st.migrationState?.targetNode ? ` (${st.migrationState.sourceNode ?? '?'} -> ${st.migrationState.targetNode})` : '';
            console.log(`${name}: ${st.phase}${where}`);
          }
          if (st.phase === 'Succeeded') return;
          if (st.phase === 'Failed') throw new Error(`migration ${name} failed: ${st.migrationState?.failureReason ?? 'unknown reason'}`);
          if (Date.now() > deadline) throw new Error(`migration ${name} still ${st.phase ?? 'new'} after ${o.timeout}s`);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        c.close();
      }
    });
}

function consoleCommand(): Command {
  return withCommon(new Command('console').description('connect to the serial console of a VM (Ctrl+] to leave)').argument('<vm>'))
    .action(async (vm: string, o: Common) => {
      const opts = optionsFromKubeconfig(o.kubeconfig ?? join(o.data, 'kubeconfig'), 'virtnet-cli');
      const c = new ApiClient(opts);
      await runningVmi(c, o.namespace, vm).finally(() => c.close());
      const url = `${opts.server.replace(/^http/, 'ws')}/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(o.namespace)}/virtualmachineinstances/${encodeURIComponent(vm)}/console`;
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${opts.token}` }, ...(opts.ca ? { ca: opts.ca } : {}) });
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => {
          process.stderr.write(`Successfully connected to ${vm} console. The escape sequence is ^]\n`);
          if (process.stdin.isTTY) process.stdin.setRawMode(true);
          process.stdin.on('data', (d: Buffer) => {
            if (d.includes(0x1d)) { ws.close(); return; }
            ws.send(d);
          });
          process.stdin.on('end', () => ws.close());
        });
        ws.on('message', (d: Buffer) => process.stdout.write(d));
        ws.on('close', () => resolve());
        ws.on('error', reject);
      }).finally(() => {
        if (process.stdin.isTTY) process.stdin.setRawMode(false);
        process.stdin.pause();
      });
    });
}

function execCommand(): Command {
  return withCommon(new Command('exec').description('run a command in the guest and print its output; exits with its code')
    .argument('<vm>').argument('<command...>').option('--timeout <s>', 'give up after this many seconds', '60'))
    .action(async (vm: string, argv: string[], o: Common & { timeout: string }) => {
      const c = client(o);
      const vmi = await runningVmi(c, o.namespace, vm).finally(() => c.close());
      const kind = vmi.metadata.annotations?.['virtnet.io/runtime'];
      const stateRoot = vmi.metadata.annotations?.['virtnet.io/runtime-state'];
      if ((kind !== 'qemu' && kind !== 'netns') || !stateRoot) throw new Error(`VMI ${o.namespace}/${vm} does not say which runtime runs it on this host`);
      const rt = runtimeFor(kind, { stateRoot, netnsPrefix: vmi.metadata.annotations?.['virtnet.io/runtime-prefix'] ?? 'vn-' });
      const r = await rt.exec((vmi.metadata.uid ?? '').toLowerCase(), argv, { timeoutMs: Number(o.timeout) * 1000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      process.exitCode = r.exitCode;
    });
}

export function vmCommand(): Command {
  return new Command('vm').description('VirtualMachine actions (virtctl): start, stop, restart, migrate, console, exec')
    .addCommand(action('start')).addCommand(action('stop')).addCommand(action('restart'))
    .addCommand(migrateCommand()).addCommand(consoleCommand()).addCommand(execCommand());
}

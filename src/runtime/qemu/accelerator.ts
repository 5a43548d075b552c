// KVM when it works, else TCG. "Works" is decided by booting the built-in guest under KVM and waiting for its
// first console line: on some hosts /dev/kvm opens but guests hang (nested virtualization without the needed
// support), which only a boot shows. The answer holds until the host reboots, so it is cached per boot_id.

import { spawn } from 'node:child_process';
import { constants, openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Accelerator, type BootImage, renderProbeArgv } from './qemu-argv.js';

export interface AcceleratorChoice {
  accelerator: Accelerator;
  /** Why: shown in logs and tests. */
  reason: string;
}

/** The line the built-in guest's /init prints first. */
export const BOOT_MARKER = 'virtnet-guest: init started';

// A working KVM reaches /init in well under a second; the margin is for a loaded host.
const PROBE_TIMEOUT_MS = 8_000;

function kvmOpens(): string | undefined {
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR));
    return undefined;
  } catch (e) {
    return `/dev/kvm cannot be opened (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
}

/** Boots the image under KVM; resolves true once the marker appears on the serial console. */
export function probeKvmBoot(image: BootImage, timeoutMs = PROBE_TIMEOUT_MS): Promise<{ booted: boolean; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('qemu-system-x86_64', renderProbeArgv(image, 'kvm'), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (booted: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve({ booted, output });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    const onData = (d: Buffer): void => {
      output += d.toString('utf8');
      if (output.includes(BOOT_MARKER)) finish(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      output += `\n${e.message}`;
      finish(false);
    });
    child.on('exit', () => setImmediate(() => finish(output.includes(BOOT_MARKER))));
  });
}

function lastLine(output: string): string {
  const line = output.trim().split('\n').pop()?.trim() ?? '';
  return line === '' ? ' (no console output)' : ` (last console line: ${line})`;
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

let inFlight: Promise<AcceleratorChoice> | undefined;

/**
 * The accelerator for this host: `VIRTNET_ACCEL=kvm|tcg` forces one; otherwise the cached probe result of
 * this boot, or a fresh probe (a few seconds, once per host boot).
 */
export function chooseAccelerator(cache: string, image: BootImage): Promise<AcceleratorChoice> {
  const forced = process.env['VIRTNET_ACCEL'];
  if (forced === 'kvm' || forced === 'tcg') return Promise.resolve({ accelerator: forced, reason: 'VIRTNET_ACCEL' });
  inFlight ??= decide(cache, image).finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

async function decide(cache: string, image: BootImage): Promise<AcceleratorChoice> {
  const noKvm = kvmOpens();
  if (noKvm !== undefined) return { accelerator: 'tcg', reason: noKvm };
  const file = join(cache, 'accel', `${bootId()}.json`);
  try {
    const cached = JSON.parse(await readFile(file, 'utf8')) as AcceleratorChoice;
    if (cached.accelerator === 'kvm' || cached.accelerator === 'tcg') return cached;
  } catch {
    // not probed yet in this boot
  }
  const started = Date.now();
  const probe = await probeKvmBoot(image);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const choice: AcceleratorChoice = probe.booted
    ? { accelerator: 'kvm', reason: `KVM boot probe reached /init in ${secs} s` }
    : { accelerator: 'tcg', reason: `KVM boot probe: the guest did not reach /init within ${secs} s${lastLine(probe.output)}` };
  await mkdir(join(cache, 'accel'), { recursive: true });
  await writeFile(file, `${JSON.stringify(choice)}\n`);
  return choice;
}

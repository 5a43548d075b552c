// QEMU's command line for a VmLaunch (pure). Machine `pc` (i440fx): under TCG it boots the built-in guest
// ~2.5 s sooner than q35 here, and its ACPI PCI hot plug on the root bus needs no pre-created root ports.
// Every control channel is a unix socket server in the VM's state directory: the serial console, QMP and
// the guest agent's virtio-serial port; none waits for a client.

import type { NicLaunch, VmLaunch } from '../runtime.js';

export type Accelerator = 'kvm' | 'tcg';

export interface VmFiles {
  consoleSock: string;
  qmpSock: string;
  qgaSock: string;
  pidFile: string;
  log: string;
  seedIso: string;
}

export interface BootImage {
  kernel: string;
  initrd: string;
}

export interface QemuArgvInput {
  launch: VmLaunch;
  files: VmFiles;
  accelerator: Accelerator;
  /** The built-in guest's kernel and initramfs (launch.disk.kind `builtin`). */
  image?: BootImage;
  /** Shown in `ps` as `-name guest=<name>`: carries the caller's prefix so leftovers are findable. */
  processName: string;
  /** Extra kernel command line for the built-in guest (e.g. `virtnet.debug`). */
  kernelArgs?: string;
  /** Live migration target: QEMU waits for the VM's state on this URI (`unix:<path>`) instead of booting. */
  incoming?: string;
}

/** The kernel command line of the built-in guest: serial console, quiet (the console is the user's screen). */
export const GUEST_KERNEL_ARGS = 'console=ttyS0 quiet';

/** The guest agent's port name: what qemu-ga (and the built-in guest) look for. */
export const QGA_PORT_NAME = 'org.qemu.guest_agent.0';

/** A QEMU option value: commas are doubled (QEMU's escape) so paths cannot inject options. */
export function optValue(v: string): string {
  return v.replace(/,/g, ',,');
}

function opts(fields: Array<[string, string | number | undefined]>): string {
  return fields.filter(([, v]) => v !== undefined).map(([k, v]) => (k === '' ? optValue(String(v)) : `${k}=${optValue(String(v))}`)).join(',');
}

const NIC_DRIVERS: Record<string, string> = {
  virtio: 'virtio-net-pci',
  e1000: 'e1000',
  e1000e: 'e1000e',
  rtl8139: 'rtl8139',
  pcnet: 'pcnet',
  ne2k_pci: 'ne2k_pci',
};

const QEMU_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,60}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** The netdev and device of one NIC, as QMP arguments (hot plug) and as `-netdev`/`-device` (cold plug). */
export interface NicDevices {
  netdev: { type: 'tap'; id: string; ifname: string; script: 'no'; downscript: 'no' };
  device: { driver: string; netdev: string; mac: string; id: string };
}

/** Device ids follow KubeVirt's domain XML (`ua-<interface name>`), so the NIC's name finds it again. */
export function nicDevices(nic: NicLaunch): NicDevices {
  const driver = NIC_DRIVERS[nic.model === '' ? 'virtio' : nic.model];
  if (driver === undefined) {
    throw new Error(`NIC ${nic.name}: model ${JSON.stringify(nic.model)} is not supported (supported: ${Object.keys(NIC_DRIVERS).join(', ')})`);
  }
  const id = `ua-${nic.name}`;
  if (!QEMU_ID.test(id)) throw new Error(`NIC name ${JSON.stringify(nic.name)}: want [A-Za-z0-9_.-], at most 58 characters`);
  if (!MAC.test(nic.mac)) throw new Error(`NIC ${nic.name}: MAC ${JSON.stringify(nic.mac)} is not lowercase colon form`);
  return {
    netdev: { type: 'tap', id: `hostnet-${nic.name}`, ifname: nic.hostIfName, script: 'no', downscript: 'no' },
    device: { driver, netdev: `hostnet-${nic.name}`, mac: nic.mac, id },
  };
}

const CIDR = /^[0-9a-fA-F.:]+\/\d{1,3}$/;
const IP = /^[0-9a-fA-F.:]+$/;

/**
 * How the built-in guest configures a NIC, as its netwatch reads it (`dhcp`, `none`, `static CIDR [GW]`).
 * Only the built-in guest honours it; a cloud image configures itself (DHCP, or cloud-init networkData).
 */
export function guestNicMode(nic: NicLaunch): string {
  switch (nic.ip.mode) {
    case 'dhcp': return 'dhcp';
    case 'none': return 'none';
    case 'static': {
      const { cidr, gateway } = nic.ip;
      if (!CIDR.test(cidr)) throw new Error(`NIC ${nic.name}: invalid static address ${JSON.stringify(cidr)}: want ADDRESS/PREFIX`);
      if (gateway !== undefined && !IP.test(gateway)) throw new Error(`NIC ${nic.name}: invalid gateway ${JSON.stringify(gateway)}`);
      return gateway === undefined ? `static ${cidr}` : `static ${cidr} ${gateway}`;
    }
  }
}

/** Kernel arguments giving the built-in guest the NICs' modes (`virtnet.nic=MAC,MODE[,CIDR[,GW]]`); DHCP is its default. */
export function guestNicKernelArgs(nics: readonly NicLaunch[]): string[] {
  return nics.map((n) => [n.mac, guestNicMode(n)] as const).filter(([, mode]) => mode !== 'dhcp')
    .map(([mac, mode]) => `virtnet.nic=${mac},${mode.replace(/ /g, ',')}`);
}

function nicArgs(nic: NicLaunch): string[] {
  const { netdev, device } = nicDevices(nic);
  return [
    '-netdev', opts([['', netdev.type], ['id', netdev.id], ['ifname', netdev.ifname], ['script', 'no'], ['downscript', 'no']]),
    '-device', opts([['', device.driver], ['netdev', device.netdev], ['mac', device.mac], ['id', device.id]]),
  ];
}

function socketChardev(id: string, path: string): string {
  return opts([['', 'socket'], ['id', id], ['path', path], ['server', 'on'], ['wait', 'off']]);
}

function acceleratorArgs(accel: Accelerator): string[] {
  // TCG: `max` gives the guest every feature QEMU can emulate (the kernel picks faster code paths).
  return accel === 'kvm' ? ['-accel', 'kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max'];
}

/** The full argv (without the executable) of a VM that daemonizes once its sockets and taps are open. */
export function renderQemuArgv(input: QemuArgvInput): string[] {
  const { launch, files } = input;
  if (!Number.isInteger(launch.memoryMiB) || launch.memoryMiB < 64) throw new Error(`memoryMiB ${launch.memoryMiB}: want an integer ≥ 64`);
  if (!Number.isInteger(launch.cpus) || launch.cpus < 1) throw new Error(`cpus ${launch.cpus}: want an integer ≥ 1`);
  const argv = [
    '-name', opts([['guest', input.processName], ['debug-threads', 'on']]),
    '-machine', 'pc',
    ...acceleratorArgs(input.accelerator),
    '-m', String(launch.memoryMiB),
    '-smp', String(launch.cpus),
    '-nodefaults', '-no-user-config', '-display', 'none',
    '-rtc', 'base=utc',
  ];
  // NICs come first so PCI enumeration (and the guest's eth0, eth1, … order) follows the launch's order.
  for (const nic of launch.nics) argv.push(...nicArgs(nic));
  argv.push(
    '-chardev', socketChardev('console', files.consoleSock),
    '-serial', 'chardev:console',
    '-chardev', socketChardev('qmp', files.qmpSock),
    '-mon', 'chardev=qmp,mode=control',
    '-device', 'virtio-serial-pci,id=vser0',
    '-chardev', socketChardev('qga0', files.qgaSock),
    '-device', opts([['', 'virtserialport'], ['bus', 'vser0.0'], ['chardev', 'qga0'], ['name', QGA_PORT_NAME]]),
    '-device', 'virtio-rng-pci',
  );
  if (launch.disk.kind === 'builtin') {
    if (input.image === undefined) throw new Error('builtin disk: the guest image (kernel, initrd) is required');
    const append = [GUEST_KERNEL_ARGS, ...guestNicKernelArgs(launch.nics), input.kernelArgs ?? ''].filter((a) => a !== '').join(' ');
    argv.push('-kernel', input.image.kernel, '-initrd', input.image.initrd, '-append', append);
  } else {
    if (launch.disk.path === undefined || launch.disk.path === '') throw new Error('qcow2 disk: path is required');
    argv.push('-drive', opts([['file', launch.disk.path], ['if', 'virtio'], ['format', 'qcow2'], ['discard', 'unmap']]));
  }
  // The NoCloud seed: a read-only virtio disk labelled cidata (both guests find it by label).
  argv.push('-drive', opts([['file', files.seedIso], ['if', 'virtio'], ['format', 'raw'], ['readonly', 'on']]));
  if (input.incoming !== undefined) {
    if (!/^unix:\/[^,]+$/.test(input.incoming)) throw new Error(`incoming ${JSON.stringify(input.incoming)}: want unix:/absolute/path`);
    argv.push('-incoming', input.incoming);
  }
  argv.push('-D', files.log, '-daemonize', '-pidfile', files.pidFile);
  return argv;
}

/** A throwaway boot of the built-in guest that powers off right after printing its first line (KVM probe). */
export function renderProbeArgv(image: BootImage, accel: Accelerator): string[] {
  return [
    '-machine', 'pc', ...acceleratorArgs(accel), '-m', '128', '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', 'stdio', '-no-reboot',
    '-kernel', image.kernel, '-initrd', image.initrd, '-append', `${GUEST_KERNEL_ARGS} virtnet.probe`,
  ];
}

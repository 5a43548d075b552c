// QEMU's command line for a VmLaunch: the whole argv of a two-NIC built-in guest, the qcow2 variant, NIC
// devices for hot plug, the guest's NIC modes on the kernel command line, escaping and refusals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  guestNicKernelArgs, guestNicMode, nicDevices, optValue, renderProbeArgv, renderQemuArgv,
} from '../../src/runtime/qemu/qemu-argv.js';
import type { VmFiles } from '../../src/runtime/qemu/qemu-argv.js';
import type { NicLaunch, VmLaunch } from '../../src/runtime/runtime.js';

const files: VmFiles = {
  consoleSock: '/s/vm1/console.sock', qmpSock: '/s/vm1/qmp.sock', qgaSock: '/s/vm1/qga.sock',
  pidFile: '/s/vm1/qemu.pid', log: '/s/vm1/qemu.log', seedIso: '/s/vm1/seed.iso',
};
const nic = (n: number, over: Partial<NicLaunch> = {}): NicLaunch => ({
  name: `nic${n}`, mac: `02:00:00:00:00:0${n}`, model: 'virtio', hostIfName: `vn-x-t${n}`, bridge: 'br0',
  ip: { mode: 'dhcp' }, ...over,
});
const launch = (over: Partial<VmLaunch> = {}): VmLaunch => ({
  id: 'vm1', hostNetns: 'vn-x-h', hostname: 'fedora01', nics: [nic(0), nic(1)], memoryMiB: 256, cpus: 1,
  disk: { kind: 'builtin' }, ...over,
});
const image = { kernel: '/c/vmlinux', initrd: '/c/initrd.img' };

describe('renderQemuArgv', () => {
  it('renders a built-in guest with two NICs (TCG)', () => {
    assert.deepEqual(renderQemuArgv({ launch: launch(), files, accelerator: 'tcg', image, processName: 'vn-x-vm1' }), [
      '-name', 'guest=vn-x-vm1,debug-threads=on',
      '-machine', 'pc', '-accel', 'tcg', '-cpu', 'max', '-m', '256', '-smp', '1',
      '-nodefaults', '-no-user-config', '-display', 'none', '-rtc', 'base=utc',
      '-netdev', 'tap,id=hostnet-nic0,ifname=vn-x-t0,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=hostnet-nic0,mac=02:00:00:00:00:00,id=ua-nic0',
      '-netdev', 'tap,id=hostnet-nic1,ifname=vn-x-t1,script=no,downscript=no',
      '-device', 'virtio-net-pci,netdev=hostnet-nic1,mac=02:00:00:00:00:01,id=ua-nic1',
      '-chardev', 'socket,id=console,path=/s/vm1/console.sock,server=on,wait=off',
      '-serial', 'chardev:console',
      '-chardev', 'socket,id=qmp,path=/s/vm1/qmp.sock,server=on,wait=off',
      '-mon', 'chardev=qmp,mode=control',
      '-device', 'virtio-serial-pci,id=vser0',
      '-chardev', 'socket,id=qga0,path=/s/vm1/qga.sock,server=on,wait=off',
      '-device', 'virtserialport,bus=vser0.0,chardev=qga0,name=org.qemu.guest_agent.0',
      '-device', 'virtio-rng-pci',
      '-kernel', '/c/vmlinux', '-initrd', '/c/initrd.img', '-append', 'console=ttyS0 quiet',
      '-drive', 'file=/s/vm1/seed.iso,if=virtio,format=raw,readonly=on',
      '-D', '/s/vm1/qemu.log', '-daemonize', '-pidfile', '/s/vm1/qemu.pid',
    ]);
  });

  it('uses the host CPU under KVM and boots a qcow2 disk with the same seed', () => {
    const argv = renderQemuArgv({
      launch: launch({ nics: [], memoryMiB: 1024, cpus: 2, disk: { kind: 'qcow2', path: '/d/a,b.qcow2' } }),
      files, accelerator: 'kvm', processName: 'p',
    });
    const at = (flag: string): string | undefined => argv[argv.indexOf(flag) + 1];
    assert.deepEqual([at('-accel'), at('-cpu'), at('-m'), at('-smp')], ['kvm', 'host', '1024', '2']);
    assert.equal(argv.includes('-kernel'), false);
    const drives = argv.filter((_, i) => argv[i - 1] === '-drive');
    assert.deepEqual(drives, [
      'file=/d/a,,b.qcow2,if=virtio,format=qcow2,discard=unmap',
      'file=/s/vm1/seed.iso,if=virtio,format=raw,readonly=on',
    ]);
    assert.equal(argv.includes('-netdev'), false);
  });

  it('passes static and none NIC modes to the built-in guest on its kernel command line', () => {
    const nics = [nic(0), nic(1, { ip: { mode: 'static', cidr: '10.1.0.5/16', gateway: '10.1.0.1' } }), nic(2, { ip: { mode: 'none' } })];
    const argv = renderQemuArgv({ launch: launch({ nics }), files, accelerator: 'tcg', image, processName: 'p', kernelArgs: 'virtnet.debug' });
    assert.equal(argv[argv.indexOf('-append') + 1],
      'console=ttyS0 quiet virtnet.nic=02:00:00:00:00:01,static,10.1.0.5/16,10.1.0.1 virtnet.nic=02:00:00:00:00:02,none virtnet.debug');
  });

  it('refuses what QEMU would misread or reject', () => {
    const r = (l: VmLaunch, withImage = true): string[] =>
      renderQemuArgv({ launch: l, files, accelerator: 'tcg', processName: 'p', ...(withImage ? { image } : {}) });
    assert.throws(() => r(launch(), false), /guest image/);
    assert.throws(() => r(launch({ disk: { kind: 'qcow2' } })), /path is required/);
    assert.throws(() => r(launch({ memoryMiB: 32 })), /memoryMiB/);
    assert.throws(() => r(launch({ cpus: 0 })), /cpus/);
    assert.throws(() => r(launch({ nics: [nic(0, { model: 'virtio-fancy' })] })), /model "virtio-fancy" is not supported/);
    assert.throws(() => r(launch({ nics: [nic(0, { mac: '02:00:00:00:00:0A' })] })), /lowercase colon form/);
    assert.throws(() => r(launch({ nics: [nic(0, { name: 'a,b' })] })), /NIC name/);
    assert.throws(() => r(launch({ nics: [nic(0, { ip: { mode: 'static', cidr: '10.0.0.1' } })] })), /invalid static address/);
  });
});

describe('NIC devices and modes', () => {
  it('gives hot plug the same netdev and device as the command line', () => {
    assert.deepEqual(nicDevices(nic(3, { name: 'flat', model: 'e1000' })), {
      netdev: { type: 'tap', id: 'hostnet-flat', ifname: 'vn-x-t3', script: 'no', downscript: 'no' },
      device: { driver: 'e1000', netdev: 'hostnet-flat', mac: '02:00:00:00:00:03', id: 'ua-flat' },
    });
    assert.equal(nicDevices(nic(0, { model: '' })).device.driver, 'virtio-net-pci');
  });

  it('maps IP modes to the guest\'s words', () => {
    const table: Array<[NicLaunch['ip'], string]> = [
      [{ mode: 'dhcp' }, 'dhcp'],
      [{ mode: 'none' }, 'none'],
      [{ mode: 'static', cidr: '192.0.2.10/24' }, 'static 192.0.2.10/24'],
      [{ mode: 'static', cidr: '2001:db8::5/64', gateway: '2001:db8::1' }, 'static 2001:db8::5/64 2001:db8::1'],
    ];
    for (const [ip, want] of table) assert.equal(guestNicMode(nic(0, { ip })), want);
    assert.deepEqual(guestNicKernelArgs([nic(0)]), []);
    assert.throws(() => guestNicMode(nic(0, { ip: { mode: 'static', cidr: '10.0.0.1/24', gateway: 'x y' } })), /invalid gateway/);
  });

  it('escapes commas in option values', () => {
    assert.equal(optValue('/a,b,,c'), '/a,,b,,,,c');
  });

  it('renders the KVM probe: serial on stdout, no reboot, the probe flag', () => {
    const argv = renderProbeArgv(image, 'kvm');
    assert.deepEqual(argv.slice(argv.indexOf('-serial'), argv.indexOf('-serial') + 3), ['-serial', 'stdio', '-no-reboot']);
    assert.equal(argv[argv.indexOf('-append') + 1], 'console=ttyS0 quiet virtnet.probe');
    assert.equal(argv[argv.indexOf('-accel') + 1], 'kvm');
  });
});

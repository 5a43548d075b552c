// The qemu runtime on the real kernel with real QEMU: one built-in-guest VM with two NICs on a bridge served
// by a real dnsmasq (test-network.ts) in a fresh namespace `vn-t<random>-host`. Asserts the world: dnsmasq's
// leases, what the guest agent reports, pings, the serial login, a hot-plugged NIC, and that stop() leaves
// no QEMU, tap or state behind. Boot figures (accelerator, time to DHCP, time to the guest agent) are
// printed as test diagnostics. Teardown in `after` kills whatever is left of the run even after a failure.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGuestImage } from '../../src/runtime/image/guest-image-builder.js';
import { QemuRuntime } from '../../src/runtime/qemu/qemu-runtime.js';
import type { GuestInterface, NicLaunch, VmLaunch } from '../../src/runtime/runtime.js';
import {
  createTestNetwork, destroyRun, hostLinks, isRoot, newRunId, pingFromHost, processesWith, readLeases,
} from './test-network.js';
import type { TestNetwork } from './test-network.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    await sleep(100);
  }
}

const ipv4 = (i: GuestInterface | undefined): string | undefined => i?.ipAddresses.find((a) => a.includes('.'));

/**
 * A scripted conversation on the serial console: each step waits for text, then types. Terminal control
 * sequences are ignored when matching (busybox ash asks for the cursor position, ESC [6n, after its prompt).
 */
function consoleDialog(path: string, steps: Array<[RegExp, string | undefined]>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let step = 0;
    let from = 0;
    const sock = createConnection(path);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`console: no ${String(steps[step]?.[0])} within ${timeoutMs} ms; it showed ${JSON.stringify(text)}`));
    }, timeoutMs);
    const advance = (): void => {
      while (step < steps.length) {
        const [expect, type] = steps[step]!;
        const m = expect.exec(text.slice(from).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
        if (!m) return;
        from = text.length;
        step += 1;
        if (type !== undefined) sock.write(type);
      }
      clearTimeout(timer);
      sock.destroy();
      resolve(text);
    };
    sock.on('connect', () => sock.write('\n'));
    sock.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      advance();
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe('qemu runtime (real QEMU, real dnsmasq)', { skip: isRoot ? false : 'needs root (network namespaces, taps)' }, () => {
  const RUN = newRunId();
  const BOOT_MS = 120_000; // TCG on a busy 2-core host; a boot takes seconds when the host is idle
  let dir = '';
  let net: TestNetwork | undefined;
  let rt: QemuRuntime;
  let vm: VmLaunch;
  let startedAt = 0;
  const nic = (n: number): NicLaunch => ({
    name: `nic${n}`, mac: `02:${RUN.slice(4, 6)}:${RUN.slice(6, 8)}:${RUN.slice(8, 10)}:00:0${n}`, model: 'virtio',
    hostIfName: `${RUN}t${n}`, bridge: net?.bridge ?? '', ip: { mode: 'dhcp' },
  });

  before(async () => {
    await ensureGuestImage({ log: (l) => console.log(`guest image: ${l}`) });
    dir = await mkdtemp(join(tmpdir(), `${RUN}-`));
    net = await createTestNetwork(RUN, dir);
    rt = new QemuRuntime({ stateRoot: join(dir, 'state'), netnsPrefix: `${RUN}-` });
    vm = {
      id: 'vm1', hostNetns: net.hostNetns, hostname: 'fedora01', nics: [nic(0), nic(1)], memoryMiB: 256, cpus: 1,
      disk: { kind: 'builtin' },
      cloudInit: { userData: '#cloud-config\nuser: cloud\npassword: "p4ss w0rd"\nchpasswd: { expire: False }\n' },
    };
  });

  after(async () => {
    await rt?.stop('vm1', { graceMs: 0 }).catch(() => undefined);
    await destroyRun(RUN, net);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('start() runs QEMU and reports the accelerator', async (t) => {
    const choice = await rt.accelerator();
    t.diagnostic(`accelerator: ${choice.accelerator} (${choice.reason})`);
    startedAt = Date.now();
    await rt.start(vm);
    t.diagnostic(`start() returned after ${Date.now() - startedAt} ms`);
    const s = await rt.state('vm1');
    assert.equal(s.running, true);
    assert.equal(s.accelerator, choice.accelerator);
    assert.deepEqual(await rt.list(), ['vm1']);
    await assert.rejects(rt.start(vm), /already exists/);
  });

  test('both NICs get a DHCP lease from dnsmasq and the guest agent reports those addresses', async (t) => {
    assert.ok(net);
    const macs = vm.nics.map((n) => n.mac);
    const leases = await waitFor('leases for both MACs', BOOT_MS, async () => {
      const all = await readLeases(net as TestNetwork);
      return macs.every((m) => all.some((l) => l.mac === m)) ? all : undefined;
    });
    t.diagnostic(`boot to both DHCP leases: ${Date.now() - startedAt} ms`);
    await waitFor('the guest agent', BOOT_MS, () => rt.guestInterfaces('vm1'));
    t.diagnostic(`boot to guest agent: ${Date.now() - startedAt} ms`);
    const ifs = await waitFor('addresses in guestInterfaces()', 30_000, async () => {
      const all = await rt.guestInterfaces('vm1');
      return macs.every((m) => ipv4(all.find((i) => i.mac === m)) !== undefined) ? all : undefined;
    });
    for (const m of macs) {
      assert.equal(ipv4(ifs.find((i) => i.mac === m)), leases.find((l) => l.mac === m)?.ip, `lease and guest agree on ${m}`);
    }
    assert.deepEqual(ifs.map((i) => i.name).sort(), ['eth0', 'eth1']);
    // dnsmasq gives a name to one lease only, so one of the two NICs' leases carries it.
    assert.ok(leases.some((l) => macs.includes(l.mac) && l.hostname === 'fedora01'), 'the guest sends its hostname');
    assert.ok(await pingFromHost(net, ipv4(ifs[0]) ?? ''), 'the guest answers a ping from the bridge');
  });

  test('exec() through the guest agent: exit codes, stdout, stderr, stdin', async () => {
    assert.ok(net);
    const ping = await rt.exec('vm1', ['ping', '-c', '1', '-W', '2', net.gateway]);
    assert.equal(ping.exitCode, 0, `ping the bridge: ${ping.stdout}${ping.stderr}`);
    const fail = await rt.exec('vm1', ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    assert.deepEqual(fail, { exitCode: 7, stdout: 'out\n', stderr: 'err\n' });
    const cat = await rt.exec('vm1', ['cat'], { input: 'über\n' });
    assert.deepEqual(cat, { exitCode: 0, stdout: 'über\n', stderr: '' });
    const missing = await rt.exec('vm1', ['no-such-command']);
    assert.equal(missing.exitCode, 127);
    assert.equal((await rt.exec('vm1', ['hostname'])).stdout, 'fedora01\n');
  });

  test('the serial console shows a login prompt and the cloud-init user logs in with its password', async () => {
    const text = await consoleDialog(rt.consoleSocket('vm1'), [
      [/fedora01 login: $/m, 'cloud\n'],
      [/Password: $/m, 'p4ss w0rd\n'],
      [/\$ $/m, 'id -un; ping -c 1 -W 2 $(ip route | awk \'/default/ {print $3; exit}\') >/dev/null && echo ping-ok\n'],
      [/ping-ok/, 'exit\n'],
      [/login: $/m, undefined],
    ], 30_000);
    assert.match(text, /^cloud\r?$/m, 'logged in as the cloud-init user');
  });

  test('a wrong password does not log in', async () => {
    const text = await consoleDialog(rt.consoleSocket('vm1'), [
      [/login: $/m, 'cloud\n'],
      [/Password: $/m, 'wrong\n'],
      [/Login incorrect/, undefined],
    ], 30_000);
    assert.match(text, /Login incorrect/);
  });

  test('a hot-plugged NIC appears in the guest and gets a DHCP address', async (t) => {
    assert.ok(net);
    const hot = nic(2);
    const plugged = Date.now();
    await rt.hotplugNic('vm1', hot);
    assert.ok((await hostLinks(net)).includes(hot.hostIfName), 'its tap exists');
    const ifs = await waitFor(`an address on ${hot.mac}`, 60_000, async () => {
      const all = await rt.guestInterfaces('vm1');
      return ipv4(all.find((i) => i.mac === hot.mac)) !== undefined ? all : undefined;
    });
    t.diagnostic(`hot plug to DHCP address: ${Date.now() - plugged} ms`);
    const lease = (await readLeases(net)).find((l) => l.mac === hot.mac);
    assert.equal(lease?.ip, ipv4(ifs.find((i) => i.mac === hot.mac)));
    await assert.rejects(rt.hotplugNic('vm1', hot), /share the name/);
  });

  test('refusals leave nothing behind: a missing bridge, a bad launch', async () => {
    assert.ok(net);
    const bad = (over: Partial<VmLaunch>): VmLaunch => ({ ...vm, id: 'bad', nics: [{ ...nic(5), bridge: `${RUN}nobr` }], ...over });
    await assert.rejects(rt.start(bad({})), /nobr/);
    await assert.rejects(rt.start(bad({ memoryMiB: 16 })), /memoryMiB/);
    await assert.rejects(rt.start(bad({ nics: [{ ...nic(5), model: 'ne2000-isa' }] })), /not supported/);
    assert.equal((await hostLinks(net)).includes(nic(5).hostIfName), false, 'no tap left');
    assert.deepEqual(await rt.list(), ['vm1']);
    assert.equal(existsSync(join(dir, 'state', 'bad')), false);
  });

  test('stop() powers the VM off and leaves no QEMU, tap or state directory', async () => {
    assert.ok(net);
    const stateDir = join(dir, 'state', 'vm1');
    assert.ok((await processesWith(stateDir)).length > 0, 'QEMU runs before stop()');
    await rt.stop('vm1', { graceMs: 10_000 });
    assert.deepEqual(await processesWith(stateDir), [], 'no QEMU left');
    assert.deepEqual(await processesWith(`${RUN}-vm1`), [], 'no process named after the VM left');
    const taps = [0, 1, 2].map((n) => nic(n).hostIfName);
    assert.deepEqual((await hostLinks(net)).filter((l) => taps.includes(l)), [], 'no tap left');
    assert.equal(existsSync(stateDir), false, 'state directory removed');
    assert.deepEqual(await rt.list(), []);
    assert.equal((await rt.state('vm1')).running, false);
    await rt.stop('vm1');
  });
});

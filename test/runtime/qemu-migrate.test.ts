// Live migration with the qemu runtime on the real kernel with real QEMU: two "nodes" (namespaces, each with a
// bridge, joined by a veth; dnsmasq on node A) and one QemuRuntime per node with its own stateRoot, as two node
// agents have. A built-in-guest VM boots on A, moves to B (prepareIncoming on B, migrate on A), and the
// world is checked: same MAC and IP in the guest, the lease unchanged, ping from node A across the veth,
// exec through the target's guest agent, nothing left of the source. Then a prepared target is aborted
// (the running VM untouched), and the VM moves back. Figures (migration time) are printed as diagnostics.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/agent/netns.js';
import { ensureGuestImage } from '../../src/runtime/image/guest-image-builder.js';
import { QemuRuntime } from '../../src/runtime/qemu/qemu-runtime.js';
import type { GuestInterface, NicLaunch, VmLaunch } from '../../src/runtime/runtime.js';
import { createTestNetwork, destroyRun, isRoot, newRunId, pingFromHost, readLeases } from './test-network.js';
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

async function links(netns: string): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show'], { netns });
  return r.stdout.split('\n').map((l) => (l.split(': ')[1] ?? '').split('@')[0] ?? '').filter((n) => n !== '');
}

describe('qemu runtime live migration (real QEMU, two node namespaces)', { skip: isRoot ? false : 'needs root (network namespaces, taps)' }, () => {
  const RUN = newRunId();
  const BOOT_MS = 120_000;
  const nodeB = `${RUN}-nodeb`;
  const bridgeB = `${RUN}bb`;
  let dir = '';
  let net: TestNetwork | undefined;
  let rtA: QemuRuntime;
  let rtB: QemuRuntime;
  let vm: VmLaunch;
  let ip = '';
  const mac = `02:${RUN.slice(4, 6)}:${RUN.slice(6, 8)}:${RUN.slice(8, 10)}:00:01`;
  const nicOn = (node: 'a' | 'b'): NicLaunch => ({
    name: 'default', mac, model: 'virtio', hostIfName: `${RUN}${node}0`,
    bridge: node === 'a' ? net?.bridge ?? '' : bridgeB, ip: { mode: 'dhcp' },
  });
  const targetOn = (node: 'a' | 'b'): { hostNetns: string; nics: NicLaunch[]; stateRoot: string } => ({
    hostNetns: node === 'a' ? net?.hostNetns ?? '' : nodeB, nics: [nicOn(node)], stateRoot: join(dir, node),
  });

  before(async () => {
    await ensureGuestImage({ log: (l) => console.log(`guest image: ${l}`) });
    dir = await mkdtemp(join(tmpdir(), `${RUN}-`));
    net = await createTestNetwork(RUN, dir);
    await run('ip', ['netns', 'add', nodeB]);
    await run('ip', ['-batch', '-'], {
      netns: nodeB, input: `link set lo up\nlink add ${bridgeB} up type bridge\n`,
    });
    await run('ip', ['link', 'add', `${RUN}va`, 'netns', net.hostNetns, 'type', 'veth', 'peer', 'name', `${RUN}vb`, 'netns', nodeB]);
    await run('ip', ['link', 'set', `${RUN}va`, 'master', net.bridge, 'up'], { netns: net.hostNetns });
    await run('ip', ['link', 'set', `${RUN}vb`, 'master', bridgeB, 'up'], { netns: nodeB });
    rtA = new QemuRuntime({ stateRoot: join(dir, 'a'), netnsPrefix: `${RUN}-` });
    rtB = new QemuRuntime({ stateRoot: join(dir, 'b'), netnsPrefix: `${RUN}-` });
    vm = { id: 'mig1', hostNetns: net.hostNetns, hostname: 'mig01', nics: [nicOn('a')], memoryMiB: 256, cpus: 1, disk: { kind: 'builtin' } };
  });

  after(async () => {
    for (const rt of [rtA, rtB]) await rt?.stop('mig1', { graceMs: 0 }).catch(() => undefined);
    await destroyRun(RUN, net);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('the VM boots on node A and gets its DHCP address', async (t) => {
    assert.ok(net);
    const t0 = Date.now();
    await rtA.start(vm);
    const ifs = await waitFor('a DHCP address in the guest', BOOT_MS, async () => {
      const all = await rtA.guestInterfaces('mig1');
      return ipv4(all.find((i) => i.mac === mac)) === undefined ? undefined : all;
    });
    ip = ipv4(ifs.find((i) => i.mac === mac)) ?? '';
    t.diagnostic(`boot to DHCP address: ${Date.now() - t0} ms (${ip})`);
    assert.equal((await readLeases(net)).find((l) => l.mac === mac)?.ip, ip);
  });

  test('migrate A → B: same MAC and IP, pings across the veth, exec on B, nothing left on A', async (t) => {
    assert.ok(net);
    const target = await rtB.prepareIncoming('mig1', targetOn('b'));
    assert.match(target.uri ?? '', /^unix:\/.*migrate\.sock$/);
    assert.ok((await links(nodeB)).includes(`${RUN}b0`), 'the target tap exists');
    const t0 = Date.now();
    await rtA.migrate('mig1', target);
    t.diagnostic(`migrate() A → B: ${Date.now() - t0} ms`);

    assert.deepEqual(await rtA.list(), []);
    assert.equal(existsSync(join(dir, 'a', 'mig1')), false, 'the source state dir is gone');
    assert.equal((await links(net.hostNetns)).includes(`${RUN}a0`), false, 'the source tap is gone');
    assert.deepEqual(await rtB.list(), ['mig1']);
    assert.equal((await rtB.state('mig1')).running, true);
    assert.ok(rtB.consoleSocket('mig1').startsWith(join(dir, 'b')));

    const pinged = await waitFor('a ping from node A to the VM on node B', 10_000, async () => (await pingFromHost(net as TestNetwork, ip) ? true : undefined));
    assert.ok(pinged);
    const addr = await rtB.exec('mig1', ['cat', '/sys/class/net/eth0/address']);
    assert.equal(addr.stdout.trim(), mac);
    const ifs = await rtB.guestInterfaces('mig1');
    assert.equal(ipv4(ifs.find((i) => i.mac === mac)), ip, 'the guest keeps its address');
    const out = await rtB.exec('mig1', ['ping', '-c', '1', '-W', '2', net.gateway]);
    assert.equal(out.exitCode, 0, `the guest reaches node A's bridge: ${out.stdout}${out.stderr}`);
    assert.equal((await readLeases(net)).filter((l) => l.mac === mac).length, 1);
  });

  test('abortIncoming removes a prepared target and leaves the running VM alone', async () => {
    assert.ok(net);
    await rtA.prepareIncoming('mig1', targetOn('a'));
    assert.ok((await links(net.hostNetns)).includes(`${RUN}a0`));
    await rtA.abortIncoming('mig1');
    assert.equal((await links(net.hostNetns)).includes(`${RUN}a0`), false, 'the prepared tap is gone');
    assert.equal(existsSync(join(dir, 'a', 'mig1')), false);
    // Called on the node where the VM now lives, abortIncoming touches nothing.
    await rtB.abortIncoming('mig1');
    assert.equal((await rtB.state('mig1')).running, true);
    assert.ok((await links(nodeB)).includes(`${RUN}b0`));
  });

  test('a target with a different MAC is refused and the VM runs on', async () => {
    const bad = { ...targetOn('a'), nics: [{ ...nicOn('a'), mac: '02:00:00:00:00:99' }] };
    const prepared = await rtA.prepareIncoming('mig1', bad);
    await assert.rejects(rtB.migrate('mig1', prepared), /MAC/);
    await rtA.abortIncoming('mig1');
    assert.equal((await rtB.state('mig1')).running, true);
  });

  test('migrate B → A: back home, still the same address', async (t) => {
    assert.ok(net);
    const t0 = Date.now();
    await rtB.migrate('mig1', await rtA.prepareIncoming('mig1', targetOn('a')));
    t.diagnostic(`migrate() B → A: ${Date.now() - t0} ms`);
    assert.deepEqual(await rtB.list(), []);
    assert.ok(await waitFor('a ping to the VM back on node A', 10_000, async () => (await pingFromHost(net as TestNetwork, ip) ? true : undefined)));
    assert.equal((await rtA.exec('mig1', ['hostname'])).stdout, 'mig01\n');
    await rtA.stop('mig1', { graceMs: 0 });
    assert.deepEqual(await rtA.list(), []);
  });
});

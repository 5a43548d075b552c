// The runtime contract (runtime-contract.ts) against the netns runtime, plus what only the netns runtime
// promises: guest names, links created in the caller's own namespace, a DHCP server that comes up late,
// refusals that leave a running VM alone.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, runJson } from '../../src/agent/netns.js';
import { NetnsRuntime } from '../../src/runtime/netns/netns-runtime.js';
import type { NicLaunch, VmLaunch } from '../../src/runtime/runtime.js';
import { runtimeContract } from './runtime-contract.js';
import { createTestNetwork, destroyRun, isRoot, newRunId, readLeases, startDnsmasq } from './test-network.js';
import type { TestNetwork } from './test-network.js';

runtimeContract('netns', (opts) => new NetnsRuntime(opts), { bootTimeoutMs: 10_000, consoleExpect: /# $/m });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the console shows within 5 s of connecting and typing a newline (first try, no retry). */
function consoleAnswer(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const sock = createConnection(path, () => sock.write('\n'));
    sock.on('data', (d: Buffer) => {
      text += d.toString();
      if (/# /.test(text)) {
        sock.destroy();
        resolve(text);
      }
    });
    sock.on('error', reject);
    setTimeout(() => {
      sock.destroy();
      resolve(text);
    }, 5_000).unref();
  });
}

interface Link { ifname: string; address?: string; operstate?: string; flags?: string[]; master?: string }

describe('netns runtime specifics', { skip: isRoot ? false : 'needs root (network namespaces)' }, () => {
  const RUN = newRunId();
  const rootBridge = `${RUN}rb`;
  let dir = '';
  let net: TestNetwork | undefined;
  let rt: NetnsRuntime;
  const nic = (n: string, mac: string, bridge: string, ip: NicLaunch['ip'] = { mode: 'dhcp' }): NicLaunch =>
    ({ name: n, mac, model: 'virtio', hostIfName: `${RUN}${n}`, bridge, ip });
  const launch = (id: string, hostNetns: string | undefined, nics: NicLaunch[]): VmLaunch =>
    ({ id, hostNetns, hostname: `host-${id}`, nics, memoryMiB: 64, cpus: 1, disk: { kind: 'builtin' } });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), `${RUN}-`));
    net = await createTestNetwork(RUN, dir, { dhcp: false });
    rt = new NetnsRuntime({ stateRoot: join(dir, 'state'), netnsPrefix: `${RUN}-` });
  });

  after(async () => {
    for (const id of ['late', 'root', 'dup']) await rt.stop(id, { graceMs: 0 }).catch(() => undefined);
    await run('ip', ['link', 'del', rootBridge], { allowFailure: true });
    await destroyRun(RUN, net);
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('a DHCP server that comes up after the VM still gives it an address', async () => {
    assert.ok(net);
    await rt.start(launch('late', net.hostNetns, [nic('l0', '02:00:5e:10:00:01', net.bridge)]));
    await sleep(1_500);
    await startDnsmasq(net);
    const deadline = Date.now() + 15_000;
    let ip: string | undefined;
    while (ip === undefined && Date.now() < deadline) {
      await sleep(100);
      ip = (await rt.guestInterfaces('late')).find((i) => i.name === 'eth0')?.ipAddresses[0];
    }
    assert.ok(ip !== undefined, 'eth0 got an address');
    assert.equal((await readLeases(net)).find((l) => l.mac === '02:00:5e:10:00:01')?.ip, ip);
    await rt.stop('late');
  });

  test('host side in the caller\'s namespace: veths on the bridge, guest names eth0…, MACs, lo up, hostname', async () => {
    await run('ip', ['link', 'add', rootBridge, 'up', 'type', 'bridge']);
    const nics = [
      nic('r0', '02:00:5e:10:01:00', rootBridge, { mode: 'static', cidr: '192.0.2.10/24' }),
      nic('r1', '02:00:5e:10:01:01', rootBridge, { mode: 'none' }),
    ];
    await rt.start(launch('root', undefined, nics));
    assert.match(await consoleAnswer(rt.consoleSocket('root')), /host-root# /, 'the console answers at once after start()');
    await rt.hotplugNic('root', nic('r2', '02:00:5e:10:01:02', rootBridge, { mode: 'none' }));
    const vmNetns = `${RUN}-vm-root`;
    const guest = await runJson<Link[]>('ip', ['link', 'show'], { netns: vmNetns });
    const byName = new Map(guest.map((l) => [l.ifname, l]));
    assert.equal(byName.get('lo')?.flags?.includes('UP'), true, 'lo is up');
    for (const [i, mac] of ['02:00:5e:10:01:00', '02:00:5e:10:01:01', '02:00:5e:10:01:02'].entries()) {
      const l = byName.get(`eth${i}`);
      assert.equal(l?.address, mac, `eth${i} has the NIC's MAC`);
      assert.equal(l?.flags?.includes('UP'), true, `eth${i} is up`);
    }
    const host = await runJson<Link[]>('ip', ['link', 'show', 'master', rootBridge]);
    assert.deepEqual(host.map((l) => l.ifname).sort(), [`${RUN}r0`, `${RUN}r1`, `${RUN}r2`]);
    assert.ok(host.every((l) => l.flags?.includes('UP')), 'host-side veths are up');
    const ifs = await rt.guestInterfaces('root');
    assert.deepEqual(ifs.find((i) => i.name === 'eth0')?.ipAddresses[0], '192.0.2.10');
    const r = await rt.exec('root', ['sh', '-c', 'echo "$HOSTNAME"']);
    assert.equal(r.stdout, 'host-root\n');
    assert.equal(await readFile(join(dir, 'state', 'root', 'hostname'), 'utf8'), 'host-root\n');
    await rt.stop('root');
    assert.deepEqual(await runJson<Link[]>('ip', ['link', 'show', 'master', rootBridge]), []);
    assert.equal(existsSync(`/run/netns/${vmNetns}`), false);
  });

  test('refusals: bad input creates nothing; starting a running id again leaves that VM alone', async () => {
    assert.ok(net);
    const good = nic('d0', '02:00:5e:10:02:00', net.bridge, { mode: 'static', cidr: '10.1.2.3/24' });
    await assert.rejects(rt.start(launch('Bad_Id', net.hostNetns, [good])), /invalid VM id/);
    await assert.rejects(rt.start(launch('bad', net.hostNetns, [{ ...good, mac: '02:00:5E:10:02:00' }])), /invalid MAC/);
    await assert.rejects(rt.start(launch('bad', net.hostNetns, [{ ...good, hostIfName: 'x y' }])), /invalid interface name/);
    await assert.rejects(rt.start(launch('bad', net.hostNetns, [{ ...good, ip: { mode: 'static', cidr: '10.1.2.3' } }])),
      /invalid static address/);
    await assert.rejects(rt.start(launch('bad', net.hostNetns, [good, { ...good, name: 'd1' }])), /host-side link name/);
    assert.deepEqual(await rt.list(), []);

    await rt.start(launch('dup', net.hostNetns, [good]));
    await assert.rejects(rt.start(launch('dup', net.hostNetns, [good])), /already exists/);
    assert.equal((await rt.state('dup')).running, true);
    const r = await rt.exec('dup', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    assert.match(r.stdout, /10\.1\.2\.3\/24/);
    await assert.rejects(rt.hotplugNic('dup', { ...good, name: 'd9' }), /host-side link name/);
    await assert.rejects(rt.exec('nope', ['true']), /not running/);
    await rt.stop('dup');
  });

  test('stop() after the launcher namespace is gone still removes the VM', async () => {
    assert.ok(net);
    const side = `${RUN}-side`;
    await run('ip', ['netns', 'add', side]);
    await run('ip', ['link', 'add', `${RUN}sb`, 'type', 'bridge'], { netns: side });
    await rt.start(launch('dup', side, [nic('s0', '02:00:5e:10:03:00', `${RUN}sb`, { mode: 'none' })]));
    await run('ip', ['netns', 'del', side]);
    await rt.stop('dup');
    assert.deepEqual(await rt.list(), []);
    assert.equal(existsSync(`/run/netns/${RUN}-vm-dup`), false);
  });
});

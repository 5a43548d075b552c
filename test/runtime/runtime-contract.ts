// The contract every VmRuntime passes (src/runtime/runtime.ts), asserted on the state of the world: a
// fresh launcher namespace with a bridge and a real dnsmasq (test-network.ts), two VMs started once and
// shared by the tests of the suite (a QEMU guest takes seconds to boot), then stopped, after which nothing
// of them may be left. Use: `runtimeContract('netns', (o) => new NetnsRuntime(o), { bootTimeoutMs: … })`
// from a `*.test.ts` file. Teardown in `after` removes everything of the run even when a test failed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/agent/netns.js';
import type { GuestInterface, NicLaunch, RuntimeOptions, VmLaunch, VmRuntime } from '../../src/runtime/runtime.js';
import {
  createTestNetwork, destroyRun, hostLinks, isRoot, namespacesWith, newRunId, pingFromHost, processesWith,
  readLeases,
} from './test-network.js';
import type { TestNetwork } from './test-network.js';

/** Terminal control sequences (CSI), which a terminal interprets instead of showing. */
const CSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

export interface ContractConfig {
  /** Longest time from start() until every DHCP NIC of a VM shows its address in guestInterfaces(). */
  bootTimeoutMs: number;
  /** What the console shows once a newline is typed (a shell prompt, a login prompt). */
  consoleExpect: RegExp;
  /** Launch fields the runtime needs; default: the built-in disk, 256 MiB, one CPU. */
  launch?: Partial<Pick<VmLaunch, 'memoryMiB' | 'cpus' | 'disk' | 'cloudInit'>>;
  /** A string: the runtime cannot apply `static` NICs itself, and that test skips with this reason. */
  staticIpUnsupported?: string;
  /** Passed to stop(). */
  graceMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value or `ms` pass; the last error (or `what`) is the failure. */
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
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${ms} ms waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
    }
    await sleep(100);
  }
}

const ipv4 = (i: GuestInterface | undefined): string | undefined => i?.ipAddresses.find((a) => a.includes('.'));

export function runtimeContract(name: string, make: (opts: RuntimeOptions) => VmRuntime, cfg: ContractConfig): void {
  const skip = isRoot ? false : 'needs root (network namespaces)';
  describe(`${name} runtime contract`, { skip }, () => {
    const RUN = newRunId();
    const macBase = `02:${RUN.slice(4, 6)}:${RUN.slice(6, 8)}:${RUN.slice(8, 10)}`;
    let dir = '';
    let net: TestNetwork | undefined;
    let opts: RuntimeOptions;
    let rt: VmRuntime;
    let rt2: VmRuntime | undefined;
    const addr = new Map<string, string>(); // MAC → IPv4 the guest reports

    const nic = (vm: number, n: number, ip: NicLaunch['ip'] = { mode: 'dhcp' }): NicLaunch => ({
      name: `nic${n}`, mac: `${macBase}:0${vm}:0${n}`, model: 'virtio', hostIfName: `${RUN}${'ab'[vm]}${n}`,
      bridge: net?.bridge ?? '', ip,
    });
    const launch = (id: string, vm: number, nics: NicLaunch[]): VmLaunch => ({
      id, hostNetns: net?.hostNetns, hostname: `vm-${id}`, nics, memoryMiB: 256, cpus: 1,
      disk: { kind: 'builtin' }, ...cfg.launch,
    });
    let vmA: VmLaunch;
    let vmB: VmLaunch;
    let hot: NicLaunch;
    const staticIp = (): string => net?.staticIp(5) ?? '';

    async function waitForAddresses(r: VmRuntime, id: string, macs: string[]): Promise<GuestInterface[]> {
      return waitFor(`DHCP addresses on ${macs.join(', ')} of VM ${id}`, cfg.bootTimeoutMs, async () => {
        const ifs = await r.guestInterfaces(id);
        return macs.every((m) => ipv4(ifs.find((i) => i.mac === m)) !== undefined) ? ifs : undefined;
      });
    }

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), `${RUN}-`));
      net = await createTestNetwork(RUN, dir);
      opts = { stateRoot: join(dir, 'state'), netnsPrefix: `${RUN}-` };
      rt = make(opts);
      vmA = launch('a', 0, [nic(0, 0), nic(0, 1)]);
      vmB = launch('b', 1, [nic(1, 0), nic(1, 1, cfg.staticIpUnsupported === undefined
        ? { mode: 'static', cidr: `${staticIp()}/16`, gateway: net.gateway } : { mode: 'dhcp' })]);
      hot = nic(0, 2);
    });

    after(async () => {
      for (const r of [rt, rt2]) {
        for (const id of ['a', 'b']) await r?.stop(id, { graceMs: 0 }).catch(() => undefined);
      }
      await destroyRun(RUN, net);
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    test('start() returns for two VMs and state() says running', async () => {
      await Promise.all([rt.start(vmA), rt.start(vmB)]);
      for (const id of ['a', 'b']) assert.equal((await rt.state(id)).running, true, `VM ${id} running`);
    });

    test('each DHCP NIC gets a lease from dnsmasq for its MAC, and guestInterfaces() reports that address', async () => {
      assert.ok(net);
      const macs = vmA.nics.map((n) => n.mac);
      const ifs = await waitForAddresses(rt, 'a', macs);
      const bIfs = await waitForAddresses(rt, 'b', [vmB.nics[0]?.mac ?? '']);
      const leases = await readLeases(net);
      for (const m of [...macs, vmB.nics[0]?.mac ?? '']) {
        const reported = ipv4([...ifs, ...bIfs].find((i) => i.mac === m));
        assert.ok(reported !== undefined, `guest reports an IPv4 address on ${m}`);
        const lease = leases.find((l) => l.mac === m);
        assert.equal(lease?.ip, reported, `dnsmasq's lease for ${m} is the address the guest reports`);
        addr.set(m, reported);
        assert.ok(await pingFromHost(net, reported), `${reported} (${m}) answers a ping from the bridge`);
      }
      assert.notEqual(addr.get(macs[0] ?? ''), addr.get(macs[1] ?? ''), 'two NICs, two addresses');
    });

    test('a static NIC has its address and answers', { skip: cfg.staticIpUnsupported ?? false }, async () => {
      assert.ok(net);
      const m = vmB.nics[1]?.mac ?? '';
      const ifs = await waitFor(`static address on ${m}`, cfg.bootTimeoutMs, async () => {
        const all = await rt.guestInterfaces('b');
        return ipv4(all.find((i) => i.mac === m)) !== undefined ? all : undefined;
      });
      assert.deepEqual(ifs.find((i) => i.mac === m)?.ipAddresses.filter((a) => a.includes('.')), [staticIp()]);
      assert.ok(await pingFromHost(net, staticIp()), `${staticIp()} answers a ping from the bridge`);
      assert.equal((await readLeases(net)).find((l) => l.mac === m), undefined, 'no DHCP lease for the static NIC');
    });

    test('exec() returns stdout, stderr, stdin and exit codes; a non-zero exit is a result', async () => {
      const ok = await rt.exec('a', ['echo', 'hello from a']);
      assert.deepEqual(ok, { exitCode: 0, stdout: 'hello from a\n', stderr: '' });
      const fail = await rt.exec('a', ['sh', '-c', 'echo oops >&2; exit 3']);
      assert.equal(fail.exitCode, 3);
      assert.match(fail.stderr, /oops/);
      const cat = await rt.exec('b', ['cat'], { input: 'typed in\n' });
      assert.deepEqual([cat.exitCode, cat.stdout], [0, 'typed in\n']);
    });

    test('the two VMs ping each other through the bridge', async () => {
      const ipA = addr.get(vmA.nics[0]?.mac ?? '');
      const ipB = addr.get(vmB.nics[0]?.mac ?? '');
      assert.ok(ipA !== undefined && ipB !== undefined, 'addresses known from the DHCP test');
      const ab = await rt.exec('a', ['ping', '-c', '1', '-W', '2', ipB]);
      assert.equal(ab.exitCode, 0, `a → b: ${ab.stdout}${ab.stderr}`);
      const ba = await rt.exec('b', ['ping', '-c', '1', '-W', '2', ipA]);
      assert.equal(ba.exitCode, 0, `b → a: ${ba.stdout}${ba.stderr}`);
    });

    test('the console socket answers', async () => {
      const path = rt.consoleSocket('a');
      const seen = await new Promise<string>((resolve, reject) => {
        let text = '';
        const sock = createConnection(path);
        const timer = setTimeout(() => {
          sock.destroy();
          reject(new Error(`console ${path} showed no ${String(cfg.consoleExpect)} in 15 s; it showed ${JSON.stringify(text)}`));
        }, 15_000);
        sock.on('connect', () => sock.write('\n'));
        sock.on('data', (d: Buffer) => {
          text += d.toString('utf8');
          // busybox ash on a pty may follow its prompt with a cursor-position query (ESC [6n), which a terminal
          // answers and never shows: match what a person would see
          if (cfg.consoleExpect.test(text.replace(CSI, ''))) {
            clearTimeout(timer);
            sock.destroy();
            resolve(text);
          }
        });
        sock.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
      assert.match(seen.replace(CSI, ''), cfg.consoleExpect);
    });

    test('hotplugNic() adds a NIC that gets a DHCP address', async () => {
      assert.ok(net);
      await rt.hotplugNic('a', hot);
      const ifs = await waitForAddresses(rt, 'a', [hot.mac]);
      const ip = ipv4(ifs.find((i) => i.mac === hot.mac));
      const lease = await waitFor(`a lease for ${hot.mac}`, 5_000,
        async () => (await readLeases(net as TestNetwork)).find((l) => l.mac === hot.mac));
      assert.equal(lease.ip, ip);
      assert.ok((await hostLinks(net)).includes(hot.hostIfName), 'the hot-plugged host-side link exists');
    });

    test('list() and state() agree', async () => {
      assert.deepEqual((await rt.list()).sort(), ['a', 'b']);
      for (const id of await rt.list()) assert.equal((await rt.state(id)).running, true);
      assert.equal((await rt.state('never-started')).running, false);
    });

    test('a second runtime instance over the same stateRoot re-adopts the running VMs', async () => {
      rt2 = make(opts);
      assert.deepEqual((await rt2.list()).sort(), ['a', 'b']);
      assert.equal((await rt2.state('a')).running, true);
      const r = await rt2.exec('b', ['echo', 'adopted']);
      assert.deepEqual([r.exitCode, r.stdout], [0, 'adopted\n']);
      const ifs = await rt2.guestInterfaces('a');
      for (const m of [...vmA.nics.map((n) => n.mac), hot.mac]) {
        assert.equal(ipv4(ifs.find((i) => i.mac === m)), addr.get(m) ?? ipv4(ifs.find((i) => i.mac === m)));
      }
      assert.equal(rt2.consoleSocket('a'), rt.consoleSocket('a'));
    });

    test('stop() leaves no namespace, host-side link, process or state of the VMs; it is idempotent', async () => {
      assert.ok(net && rt2);
      const links = [...vmA.nics, ...vmB.nics, hot].map((n) => n.hostIfName);
      const vmNamespaces = (await namespacesWith(`${RUN}-`)).filter((n) => n !== net?.hostNetns);
      const dnsmasqPid = net.dnsmasq?.pid;
      // The VMs' processes: whatever names the state root, runs in a VM namespace, or runs in the
      // launcher namespace besides dnsmasq (QEMU does).
      const before = new Set(await processesWith(opts.stateRoot));
      for (const ns of [...vmNamespaces, net.hostNetns]) for (const p of await processesIn(ns)) before.add(p);
      if (dnsmasqPid !== undefined) before.delete(dnsmasqPid);
      assert.ok(before.size > 0, 'the VMs had processes to stop');

      await rt2.stop('a', { graceMs: cfg.graceMs ?? 2_000 }); // the adopting instance can stop what it did not start
      await rt.stop('b', { graceMs: cfg.graceMs ?? 2_000 });

      const leftLinks = (await hostLinks(net)).filter((l) => links.includes(l));
      assert.deepEqual(leftLinks, [], 'host-side links removed');
      assert.deepEqual((await namespacesWith(`${RUN}-`)).filter((n) => n !== net?.hostNetns), [], 'VM namespaces removed');
      const alive = [...before].filter((p) => processAlive(p));
      assert.deepEqual(alive, [], 'the VMs\' processes are gone');
      assert.deepEqual(await processesWith(opts.stateRoot), [], 'no process refers to the state root');
      for (const id of ['a', 'b']) {
        await assert.rejects(stat(join(opts.stateRoot, id)), { code: 'ENOENT' }, `state dir of ${id} removed`);
        assert.equal((await rt.state(id)).running, false);
      }
      assert.deepEqual(await rt.list(), []);
      assert.deepEqual(await rt2.list(), []);
      await rt.stop('a');
      await rt2.stop('b');
      await rt.stop('never-started');
    });
  });
}

async function processesIn(netns: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', netns], { allowFailure: true });
  return r.stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number);
}

/** Alive and not a zombie. */
function processAlive(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

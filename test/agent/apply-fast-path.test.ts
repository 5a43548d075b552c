// The apply's fast path on the real kernel: the executor's verification dumps in the same `ip -batch`
// process as the last steps, the netlink monitor's subscription and generation, the kept current state
// (dropped on any kernel change, on our own changes, when the monitor stops) and an apply that starts from
// it. Namespaces are `vn-t<pid>-f…`, removed in `after` even when a test fails.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { applyNetworkState } from '../../src/agent/apply-network-state.js';
import { readCurrentState, type CurrentState, type IpLink } from '../../src/agent/nmstate/current-state.js';
import { StepError, execute, startBatch } from '../../src/agent/nmstate/executor.js';
import { CurrentStateCache, type FreshStateSource } from '../../src/agent/nmstate/fresh-state.js';
import { watchNetlink, type NetlinkMonitor } from '../../src/agent/nmstate/netlink-monitor.js';
import type { PlanStep } from '../../src/agent/nmstate/plan-step.js';

const RUN = `vn-t${process.pid}`;
const NS_EX = `${RUN}-fex`;
const NS_C = `${RUN}-fc`;
const NS_AP = `${RUN}-fap`;
const ALL_NS = [NS_EX, NS_C, NS_AP];
const skip = process.getuid?.() === 0 ? false : 'needs root (network namespaces)';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ourNamespaces(): string[] {
  return ip('netns', 'list').split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => ALL_NS.includes(n));
}

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const names = (s: CurrentState): string[] => s.interfaces.map((i) => i.name);

describe('apply fast path', { skip }, () => {
  const monitors: NetlinkMonitor[] = [];
  const watch = (ns: string): NetlinkMonitor => {
    const m = watchNetlink(ns);
    monitors.push(m);
    return m;
  };
  before(() => {
    for (const ns of ALL_NS) ip('netns', 'add', ns);
  });
  after(async () => {
    for (const m of monitors) await m.close();
    for (const ns of ourNamespaces()) ip('netns', 'del', ns);
  });

  describe('executor: verification dumps after the last steps', () => {
    const step = (why: string, ...args: string[]): PlanStep => ({ cmd: 'ip', args, why });

    it('returns the link and address dumps taken by the batch that ran the steps', async () => {
      const steps = [
        step('create', 'link', 'add', 'vn-fb0', 'type', 'bridge', 'stp_state', '0'),
        step('address', 'addr', 'replace', '192.0.2.1/24', 'dev', 'vn-fb0'),
        step('up', 'link', 'set', 'dev', 'vn-fb0', 'up'),
      ];
      const res = await execute(steps, NS_EX, { trailingDumps: ['link show', 'addr show'] });
      assert.equal(res.done.length, 3);
      assert.equal(res.dumps?.length, 2);
      const links = res.dumps?.[0] as IpLink[];
      const br = links.find((l) => l.ifname === 'vn-fb0');
      assert.equal(br?.linkinfo?.info_kind, 'bridge', 'dumped with -details');
      assert.ok(br?.flags?.includes('UP'), 'dumped after the last step');
      const addrs = res.dumps?.[1] as { ifname: string; addr_info?: { local: string }[] }[];
      assert.ok(addrs.find((a) => a.ifname === 'vn-fb0')?.addr_info?.some((a) => a.local === '192.0.2.1'));
    });

    it('a single last ip step still carries the dumps; none when a non-ip step comes last', async () => {
      const one = await execute([step('mtu', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1400')], NS_EX, { trailingDumps: ['link show'] });
      assert.equal((one.dumps?.[0] as IpLink[]).find((l) => l.ifname === 'vn-fb0')?.mtu, 1400);
      const tail = await execute([
        step('mtu', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1450'),
        step('mtu', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1500'),
        { cmd: 'sysctl', args: ['-w', 'net.ipv4.conf.vn-fb0.forwarding=1'], why: 'forwarding' },
      ], NS_EX, { trailingDumps: ['link show'] });
      assert.equal(tail.done.length, 3);
      assert.equal(tail.dumps, undefined);
    });

    it('a failing step still fails alone, with its own error, and no dumps are taken', async () => {
      const steps = [
        step('mtu', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1300'),
        step('attach a missing link', 'link', 'set', 'dev', 'vn-nothere', 'master', 'vn-fb0'),
        step('never', 'link', 'add', 'vn-fnever', 'type', 'bridge'),
      ];
      await assert.rejects(execute(steps, NS_EX, { trailingDumps: ['link show'] }), (e: unknown) => {
        assert.ok(e instanceof StepError);
        assert.equal(e.index, 1);
        assert.deepEqual(e.done, [steps[0]]);
        assert.deepEqual(e.argv, ['ip', '-n', NS_EX, 'link', 'set', 'dev', 'vn-nothere', 'master', 'vn-fb0']);
        return true;
      });
      assert.equal(ip('-n', NS_EX, '-o', 'link', 'show').includes('vn-fnever'), false);
    });

    it('a step with a leading option runs on its own, and the steps around it still run', async () => {
      const res = await execute([
        step('a', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1500'),
        step('b', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1480'),
        { cmd: 'ip', args: ['-4', 'addr', 'flush', 'dev', 'vn-fb0'], why: 'flush' },
        step('c', 'link', 'set', 'dev', 'vn-fb0', 'mtu', '1490'),
      ], NS_EX, { trailingDumps: ['link show', 'addr show'] });
      assert.equal(res.done.length, 4);
      assert.equal((res.dumps?.[0] as IpLink[]).find((l) => l.ifname === 'vn-fb0')?.mtu, 1490);
      const addrs = res.dumps?.[1] as { ifname: string; addr_info?: { family: string }[] }[];
      assert.equal(addrs.find((a) => a.ifname === 'vn-fb0')?.addr_info?.some((a) => a.family === 'inet'), false);
    });

    it('a batch started ahead runs the first ip steps; one never used exits when closed', async () => {
      const early = startBatch(NS_EX);
      const res = await execute([
        step('a', 'link', 'add', 'vn-fe0', 'type', 'bridge'),
        { cmd: 'sysctl', args: ['-w', 'net.ipv4.conf.vn-fe0.forwarding=1'], why: 'forwarding' },
        step('b', 'link', 'set', 'dev', 'vn-fe0', 'up'),
      ], NS_EX, { early, trailingDumps: ['link show'] });
      assert.equal(res.done.length, 3);
      assert.equal(early.available, false);
      assert.equal((await early.result).code, 0);
      assert.ok((res.dumps?.[0] as IpLink[]).find((l) => l.ifname === 'vn-fe0')?.flags?.includes('UP'));
      const unused = startBatch(NS_EX);
      unused.close();
      assert.deepEqual(await unused.result, { stdout: '', stderr: '', code: 0 });
    });
  });

  describe('netlink monitor and the kept state', () => {
    it('the monitor reports its subscription, and every change bumps its generation', async () => {
      const m = watch(NS_C);
      assert.equal(await m.subscribed, true);
      const g = m.generation;
      ip('-n', NS_C, 'link', 'add', 'vn-fc0', 'type', 'bridge');
      await until('a generation bump', () => m.generation > g);
    });

    it('keeps a read until a kernel change comes in', async () => {
      const m = watch(NS_C);
      const cache = new CurrentStateCache(() => readCurrentState(NS_C));
      assert.equal(await cache.fresh(), undefined, 'nothing kept before a read');
      await cache.attach(m);
      const s = await cache.read();
      assert.equal(await cache.fresh(), s);
      assert.ok(Object.isFrozen(s) && Object.isFrozen(s.interfaces[0]), 'the kept state is shared: frozen');
      ip('-n', NS_C, 'link', 'add', 'vn-fc1', 'type', 'bridge');
      await until('the kept state to be dropped', async () => (await cache.fresh()) === undefined);
      const again = await cache.read();
      assert.ok(names(again).includes('vn-fc1'));
      assert.equal(await cache.fresh(), again);
    });

    it('keeps nothing read while a change of ours runs, nor what was kept before it', async () => {
      const m = watch(NS_C);
      const cache = new CurrentStateCache(() => readCurrentState(NS_C));
      await cache.attach(m);
      await cache.read();
      await cache.changing(async () => {
        assert.equal(await cache.fresh(), undefined);
        await cache.read();
        assert.equal(await cache.fresh(), undefined, 'a read during the change is not kept');
      });
      assert.equal(await cache.fresh(), undefined);
    });

    it('keeps nothing once the monitor has stopped', async () => {
      const m = watch(NS_C);
      const cache = new CurrentStateCache(() => readCurrentState(NS_C));
      await cache.attach(m);
      await cache.read();
      assert.notEqual(await cache.fresh(), undefined);
      await m.close();
      assert.equal(await cache.fresh(), undefined);
      await cache.read();
      assert.equal(await cache.fresh(), undefined);
    });
  });

  describe('applyNetworkState from the kept state', () => {
    it('applies, verifies from the dumps and drops the kept state; rolls back to the kept checkpoint', async () => {
      ip('-n', NS_AP, 'link', 'add', 'vn-fp0', 'type', 'veth', 'peer', 'name', 'vn-fq0');
      const m = watch(NS_AP);
      const cache = new CurrentStateCache(() => readCurrentState(NS_AP));
      await cache.attach(m);
      await cache.read();
      let used = 0;
      const states: FreshStateSource = {
        fresh: async () => {
          const s = await cache.fresh();
          if (s) used++;
          return s;
        },
        changing: (fn) => cache.changing(fn),
      };
      const desired = {
        interfaces: [{ name: 'vn-fbr', type: 'linux-bridge', state: 'up', bridge: { options: { stp: { enabled: false } }, port: [{ name: 'vn-fp0' }] } }],
      };
      const out = await applyNetworkState(desired, { netns: NS_AP, states, verifyIntervalMs: 100 });
      assert.equal(out.ok, true, out.error);
      assert.equal(used, 1, 'started from the kept state');
      const links = JSON.parse(ip('-n', NS_AP, '-json', 'link', 'show')) as { ifname: string; master?: string }[];
      assert.equal(links.find((l) => l.ifname === 'vn-fp0')?.master, 'vn-fbr');
      assert.equal(await cache.fresh(), undefined, 'our own apply drops the kept state');

      // A desired state the kernel refuses halfway (a veth's MTU above its maximum): the apply rolls back
      // to the checkpoint taken from the kept state, removing the bridge it had already created.
      await until('the notices of the apply to come in', async () => {
        await cache.read();
        return (await cache.fresh()) !== undefined;
      });
      const bad = await applyNetworkState({
        interfaces: [
          { name: 'vn-fbr2', type: 'linux-bridge', state: 'up' },
          { name: 'vn-fq0', type: 'veth', mtu: 70000 },
        ],
      }, { netns: NS_AP, states, verifyIntervalMs: 100, verifyRetries: 1 });
      assert.equal(bad.ok, false);
      assert.equal(bad.rolledBack, true);
      assert.match(bad.error ?? '', /mtu 70000/);
      assert.equal(used, 2);
      const now = names(await readCurrentState(NS_AP));
      assert.equal(now.includes('vn-fbr2'), false, 'rolled back');
      assert.ok(now.includes('vn-fbr'));
    });

    it('verifies with a full read when routes are part of the desired state', async () => {
      const out = await applyNetworkState({
        interfaces: [{ name: 'vn-fq0', type: 'veth', state: 'up', ipv4: { enabled: true, address: [{ ip: '192.0.2.9', 'prefix-length': 24 }] } }],
        routes: { config: [{ destination: '198.51.100.0/24', 'next-hop-interface': 'vn-fq0', 'next-hop-address': '192.0.2.1' }] },
      }, { netns: NS_AP, verifyIntervalMs: 100 });
      assert.equal(out.ok, true, out.error);
      const routes = JSON.parse(ip('-n', NS_AP, '-json', 'route', 'show')) as { dst: string }[];
      assert.ok(routes.some((r) => r.dst === '198.51.100.0/24'));
    });
  });
});

it('teardown leaves no vn-t<pid>-f… namespace behind', { skip }, () => {
  assert.deepEqual(ourNamespaces(), []);
});

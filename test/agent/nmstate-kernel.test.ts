// The agent's kernel-facing parts on the real kernel: current-state reading, the plan executor, capability
// probes and the netlink monitor. Everything happens in namespaces named `vn-t<pid>-…` with links named
// `vn-t<pid>…`, all removed in `after` even when a test fails; the last test asserts nothing is left.
// Set VN_CAPTURE_FIXTURES=1 to (re)write test/fixtures/iproute2/bridge-veth/ from the topology built here.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError, run } from '../../src/agent/netns.js';
import { captureIproute2, fromIproute2, readCurrentState } from '../../src/agent/nmstate/current-state.js';
import type { CurrentInterface } from '../../src/agent/nmstate/current-state.js';
import { NotSupportedError, StepError, execute, findDhcpClient, findExecutable, removeDns, writeDns }
  from '../../src/agent/nmstate/executor.js';
import type { PlanStep } from '../../src/agent/nmstate/plan-step.js';
import { detectCapabilities, probeCapabilities } from '../../src/agent/nmstate/capabilities.js';
import { watchNetlink } from '../../src/agent/nmstate/netlink-monitor.js';

const RUN = `vn-t${process.pid}`;
const NS_A = `${RUN}-a`; // topology read by current-state
const NS_B = `${RUN}-b`; // holds the far end of a veth
const NS_EX = `${RUN}-ex`; // executor
const NS_PR = `${RUN}-pr`; // direct capability probes
const ALL_NS = [NS_A, NS_B, NS_EX, NS_PR];
const link = (suffix: string): string => {
  const n = `${RUN}${suffix}`;
  assert.ok(n.length <= 15, `interface name ${n} too long`);
  return n;
};
const BR = link('b0');
const P0 = link('p0');
const Q0 = link('q0');
const VX = link('x0');
const E0 = link('e0');
const E1 = link('e1');

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root (network namespaces)';

/** Direct iproute2 call (independent of the code under test), with a timeout and stderr in the error. */
function sh(args: string[], opts: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync('ip', args, { timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail === true) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${err.stderr ?? err.message}`);
  }
}
const ipn = (ns: string, ...args: string[]): string => sh(['-n', ns, ...args]);
const ipJson = <T>(ns: string, ...args: string[]): T => JSON.parse(ipn(ns, '-json', ...args)) as T;

function ourNamespaces(): string[] {
  return sh(['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`${RUN}-`) || n.startsWith(`vn-cap-${process.pid}`));
}

async function cleanup(): Promise<void> {
  for (const ns of ALL_NS) {
    sh(['netns', 'del', ns], { allowFail: true });
    await removeDns(ns).catch(() => undefined);
  }
}

function buildTopology(): void {
  for (const ns of [NS_A, NS_B]) sh(['netns', 'add', ns]);
  ipn(NS_A, 'link', 'set', 'lo', 'up');
  ipn(NS_A, 'link', 'add', BR, 'type', 'bridge', 'stp_state', '1', 'forward_delay', '400', 'hello_time', '300',
    'max_age', '1200', 'priority', '4096', 'ageing_time', '6000');
  ipn(NS_A, 'link', 'add', P0, 'type', 'veth', 'peer', 'name', Q0);
  ipn(NS_A, 'link', 'set', P0, 'master', BR);
  sh(['-n', NS_A, 'link', 'set', 'dev', P0, 'type', 'bridge_slave', 'cost', '7', 'priority', '16']);
  ipn(NS_A, 'link', 'add', E0, 'type', 'veth', 'peer', 'name', E1, 'netns', NS_B);
  for (const l of [BR, P0, Q0]) ipn(NS_A, 'link', 'set', l, 'up');
  ipn(NS_A, 'link', 'set', Q0, 'mtu', '1400');
  ipn(NS_A, 'addr', 'add', '10.77.0.1/24', 'dev', BR);
  ipn(NS_A, 'addr', 'add', 'fd77::1/64', 'dev', BR, 'nodad');
  ipn(NS_A, 'addr', 'add', '10.78.0.2/24', 'dev', Q0);
  ipn(NS_A, 'link', 'add', VX, 'type', 'vxlan', 'id', '42', 'remote', '10.77.0.9', 'local', '10.77.0.1',
    'dstport', '4789', 'dev', BR);
  ipn(NS_A, 'route', 'add', 'default', 'via', '10.77.0.254', 'dev', BR);
  ipn(NS_A, 'route', 'add', '10.88.0.0/16', 'via', '10.77.0.2', 'dev', BR, 'table', '100', 'proto', 'static');
  ipn(NS_A, 'route', 'add', '10.99.0.0/16', 'dev', BR, 'metric', '50');
  ipn(NS_A, '-6', 'route', 'add', 'default', 'via', 'fd77::fe', 'dev', BR);
  ipn(NS_A, 'rule', 'add', 'from', '10.77.0.0/24', 'table', '100', 'priority', '1000');
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const byName = (ifaces: CurrentInterface[], name: string): CurrentInterface => {
  const i = ifaces.find((x) => x.name === name);
  assert.ok(i, `interface ${name} missing from ${ifaces.map((x) => x.name).join(', ')}`);
  return i;
};

describe('agent on the real kernel', { skip }, () => {
  before(async () => {
    await cleanup();
    buildTopology();
    await writeDns(NS_A, { server: ['10.77.0.53', 'fd77::53'], search: ['lab.example'], options: ['ndots:2'] });
  });
  after(cleanup);

  describe('netns.run', () => {
    it('runs ip in the namespace and other commands under ip netns exec', async () => {
      const r = await run('ip', ['-o', 'link', 'show', BR], { netns: NS_A });
      assert.match(r.stdout, new RegExp(BR));
      const s = await run('sysctl', ['-n', 'net.ipv4.ip_forward'], { netns: NS_A });
      assert.equal(s.stdout.trim(), '0');
      const cat = await run('cat', [], { netns: NS_A, input: 'through stdin' });
      assert.equal(cat.stdout, 'through stdin');
    });

    it('errors carry the command line and stderr', async () => {
      await assert.rejects(run('ip', ['link', 'set', 'vn-nonexistent', 'up'], { netns: NS_A }), (e: unknown) => {
        assert.ok(e instanceof CommandError);
        assert.equal(e.failure, 'exit');
        assert.deepEqual(e.argv.slice(0, 3), ['ip', '-n', NS_A]);
        assert.match(e.message, new RegExp(`^ip -n ${NS_A} link set vn-nonexistent up: exit status \\d+: .*vn-nonexistent`));
        assert.match(e.stderr, /vn-nonexistent/);
        return true;
      });
    });

    it('kills a command at its timeout', async () => {
      const t0 = Date.now();
      await assert.rejects(run('sleep', ['5'], { netns: NS_A, timeoutMs: 200 }), (e: unknown) => {
        assert.ok(e instanceof CommandError);
        assert.equal(e.failure, 'timeout');
        assert.match(e.message, new RegExp(`ip netns exec ${NS_A} sleep 5: timed out after 200 ms`));
        return true;
      });
      assert.ok(Date.now() - t0 < 3000);
    });

    it('names a missing program', async () => {
      await assert.rejects(run('vn-no-such-program', []), /vn-no-such-program is not installed/);
    });
  });

  describe('current state', () => {
    it('reports interfaces in nmstate shape', async () => {
      const st = await readCurrentState(NS_A);
      const br = byName(st.interfaces, BR);
      assert.equal(br.type, 'linux-bridge');
      assert.equal(br.state, 'up');
      assert.match(br['mac-address'] ?? '', /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/);
      assert.deepEqual(br.bridge?.options.stp,
        { enabled: true, 'forward-delay': 4, 'hello-time': 3, 'max-age': 12, priority: 4096 });
      assert.equal(br.bridge?.options['mac-ageing-time'], 60);
      assert.equal(br.bridge?.options['multicast-snooping'], true);
      assert.equal(br.bridge?.options['group-forward-mask'], 0);
      assert.deepEqual(br.bridge?.port, [{ name: P0, 'stp-hairpin-mode': false, 'stp-path-cost': 7, 'stp-priority': 16 }]);
      assert.deepEqual(br.ipv4, { enabled: true, dhcp: false, address: [{ ip: '10.77.0.1', 'prefix-length': 24 }] });
      // the link-local address is not listed
      assert.deepEqual(br.ipv6, { enabled: true, dhcp: false, autoconf: false,
        address: [{ ip: 'fd77::1', 'prefix-length': 64 }] });

      const p0 = byName(st.interfaces, P0);
      assert.equal(p0.type, 'veth');
      assert.equal(p0.controller, BR);
      assert.deepEqual(p0.veth, { peer: Q0 });
      assert.equal(p0.ipv4, undefined, 'a port has no IP section');
      const q0 = byName(st.interfaces, Q0);
      assert.equal(q0.mtu, 1400);
      assert.deepEqual(q0.ipv4?.address, [{ ip: '10.78.0.2', 'prefix-length': 24 }]);
      assert.equal(q0.controller, undefined);
      // the peer lives in another namespace: its name is unknown here
      assert.equal(byName(st.interfaces, E0).veth, undefined);
      assert.equal(byName(st.interfaces, E0).state, 'down');

      const vx = byName(st.interfaces, VX);
      assert.equal(vx.type, 'vxlan');
      assert.deepEqual(vx.vxlan, { id: 42, 'base-iface': BR, 'destination-port': 4789, remote: '10.77.0.9',
        local: '10.77.0.1', learning: true });
      const lo = byName(st.interfaces, 'lo');
      assert.equal(lo.type, 'loopback');
      assert.deepEqual(lo.ipv4?.address, [{ ip: '127.0.0.1', 'prefix-length': 8 }]);
      assert.deepEqual(lo.ipv6?.address, [{ ip: '::1', 'prefix-length': 128 }]);
    });

    it('reports routes, route rules and DNS', async () => {
      const st = await readCurrentState(NS_A);
      const def4 = { destination: '0.0.0.0/0', 'next-hop-interface': BR, 'next-hop-address': '10.77.0.254',
        'table-id': 254 };
      const tbl = { destination: '10.88.0.0/16', 'next-hop-interface': BR, 'next-hop-address': '10.77.0.2',
        'table-id': 100 };
      const met = { destination: '10.99.0.0/16', 'next-hop-interface': BR, 'next-hop-address': '0.0.0.0',
        metric: 50, 'table-id': 254 };
      const def6 = { destination: '::/0', 'next-hop-interface': BR, 'next-hop-address': 'fd77::fe', metric: 1024,
        'table-id': 254 };
      for (const want of [def4, tbl, met, def6]) {
        assert.ok(st.routes.running.some((r) => JSON.stringify(r) === JSON.stringify(want)),
          `running lacks ${JSON.stringify(want)}: ${JSON.stringify(st.routes.running)}`);
        assert.ok(st.routes.config.some((r) => JSON.stringify(r) === JSON.stringify(want)), 'config lacks it');
      }
      // kernel routes (connected subnets, local table, fe80::/64) are not part of nmstate's routes
      assert.ok(!st.routes.running.some((r) => r.destination === '10.77.0.0/24' || r['table-id'] === 255));
      assert.equal(st.routes.running.length, 4);
      assert.deepEqual(st['route-rules'].config,
        [{ family: 'ipv4', 'ip-from': '10.77.0.0/24', priority: 1000, 'route-table': 100 }]);
      const dns = { server: ['10.77.0.53', 'fd77::53'], search: ['lab.example'], options: ['ndots:2'] };
      assert.deepEqual(st['dns-resolver'], { running: dns, config: dns });
    });

    it('sees DNS written by writeDns from inside the namespace', async () => {
      const r = await run('cat', ['/etc/resolv.conf'], { netns: NS_A });
      assert.equal(r.stdout, 'options ndots:2\nsearch lab.example\nnameserver 10.77.0.53\nnameserver fd77::53\n');
    });

    it('captures fixtures when asked', { skip: process.env['VN_CAPTURE_FIXTURES'] !== '1' ? 'fixture capture runs only with VN_CAPTURE_FIXTURES=1' : false }, async () => {
      const samples = await captureIproute2(NS_A);
      const dir = fileURLToPath(new URL('../../../test/fixtures/iproute2/bridge-veth/', import.meta.url));
      await mkdir(dir, { recursive: true });
      for (const [k, v] of Object.entries(samples)) {
        await writeFile(`${dir}${k}.${k === 'resolvConf' ? 'txt' : 'json'}`,
          k === 'resolvConf' ? String(v) : `${JSON.stringify(v, null, 2)}\n`);
      }
      await writeFile(`${dir}expected.json`, `${JSON.stringify(fromIproute2(samples), null, 2)}\n`);
    });
  });

  describe('executor', () => {
    const B1 = link('b1');
    const P1 = link('p1');
    const Q1 = link('q1');
    before(() => sh(['netns', 'add', NS_EX]));

    it('runs a plan: a bridge with STP off and a port', async () => {
      const steps: PlanStep[] = [
        { cmd: 'ip', args: ['link', 'add', B1, 'type', 'bridge', 'stp_state', '0'], why: `create bridge ${B1}` },
        { cmd: 'ip', args: ['link', 'add', P1, 'type', 'veth', 'peer', 'name', Q1], why: `create veth ${P1}` },
        { cmd: 'ip', args: ['link', 'set', P1, 'master', B1], why: `attach ${P1} to ${B1}` },
        { cmd: 'ip', args: ['link', 'set', B1, 'up'], why: `bring ${B1} up` },
        { cmd: 'ip', args: ['link', 'set', P1, 'up'], why: `bring ${P1} up` },
        { cmd: 'ip', args: ['addr', 'add', '192.0.2.1/24', 'dev', B1], why: `address ${B1}` },
        { cmd: 'bridge', args: ['link', 'set', 'dev', P1, 'cost', '9'], why: `port cost of ${P1}` },
        { cmd: 'sysctl', args: ['-w', `net.ipv4.conf.${B1}.forwarding=1`], why: `forwarding on ${B1}` },
      ];
      const progress: string[] = [];
      const res = await execute(steps, NS_EX, { timeoutMs: 5000,
        onProgress: (p) => progress.push(`${p.phase} ${p.index + 1}/${p.total}`) });
      assert.equal(res.done.length, steps.length);
      assert.deepEqual(progress.slice(0, 2), ['start 1/8', 'done 1/8']);

      type L = { ifname: string; master?: string; flags: string[];
        linkinfo?: { info_kind: string; info_data?: { stp_state: number }; info_slave_data?: { cost: number } } };
      const [br] = ipJson<L[]>(NS_EX, '-details', 'link', 'show', B1);
      assert.equal(br?.linkinfo?.info_kind, 'bridge');
      assert.equal(br?.linkinfo?.info_data?.stp_state, 0);
      assert.ok(br?.flags.includes('UP'));
      const [port] = ipJson<L[]>(NS_EX, '-details', 'link', 'show', P1);
      assert.equal(port?.master, B1);
      assert.equal(port?.linkinfo?.info_slave_data?.cost, 9);
      const addrs = ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(NS_EX, 'addr', 'show', B1);
      assert.deepEqual(addrs[0]?.addr_info.filter((a) => a.local === '192.0.2.1').map((a) => a.prefixlen), [24]);
      const fwd = execFileSync('ip', ['netns', 'exec', NS_EX, 'cat', `/proc/sys/net/ipv4/conf/${B1}/forwarding`],
        { timeout: 5000, encoding: 'utf8' });
      assert.equal(fwd.trim(), '1');
    });

    it('stops at the first failure with the step, command line and stderr', async () => {
      const never = link('n1');
      const steps: PlanStep[] = [
        { cmd: 'ip', args: ['link', 'set', B1, 'mtu', '1400'], why: `set mtu of ${B1}` },
        { cmd: 'ip', args: ['link', 'set', 'vn-missing0', 'master', B1], why: 'attach vn-missing0 to the bridge' },
        { cmd: 'ip', args: ['link', 'add', never, 'type', 'bridge'], why: 'never runs' },
      ];
      await assert.rejects(execute(steps, NS_EX), (e: unknown) => {
        assert.ok(e instanceof StepError);
        assert.equal(e.index, 1);
        assert.equal(e.step, steps[1]);
        assert.deepEqual(e.done, [steps[0]]);
        assert.deepEqual(e.argv, ['ip', '-n', NS_EX, 'link', 'set', 'vn-missing0', 'master', B1]);
        assert.match(e.stderr, /vn-missing0/);
        assert.match(e.message, new RegExp(`^step 2 \\(attach vn-missing0 to the bridge\\) failed: ip -n ${NS_EX} ` +
          `link set vn-missing0 master ${B1}: exit status 1: .*vn-missing0`));
        return true;
      });
      assert.equal(ipn(NS_EX, '-o', 'link', 'show').includes(never), false, 'the step after the failure ran');
    });

    it('fails a dhcp step clearly when no DHCP client is installed', async () => {
      await assert.rejects(execute([{ cmd: 'dhcp', args: ['start', B1], why: `DHCP on ${B1}` }], NS_EX,
        { dhcpClient: null }), (e: unknown) => {
        assert.ok(e instanceof StepError);
        assert.ok(e.cause instanceof NotSupportedError);
        assert.match(e.message, /DHCP on .*neither udhcpc \(busybox\) nor dhclient \(isc-dhcp-client\) is installed/);
        return true;
      });
    });

    it('starts and stops a DHCP client that gets a lease from a server in another namespace', async (t) => {
      const client = await findDhcpClient();
      const busybox = await findExecutable('busybox');
      if (client === undefined || busybox === undefined) {
        t.skip('needs a DHCP client and busybox udhcpd');
        return;
      }
      const D0 = link('d0');
      const D1 = link('d1');
      const tmp = await mkdtemp(join(tmpdir(), `${RUN}-dhcp-`));
      let server: ChildProcess | undefined;
      try {
        ipn(NS_EX, 'link', 'add', D0, 'type', 'veth', 'peer', 'name', D1, 'netns', NS_B);
        ipn(NS_B, 'addr', 'add', '10.66.0.1/24', 'dev', D1);
        ipn(NS_B, 'link', 'set', D1, 'up');
        ipn(NS_EX, 'link', 'set', D0, 'up');
        await writeFile(join(tmp, 'udhcpd.conf'), [`start 10.66.0.100`, 'end 10.66.0.110', `interface ${D1}`,
          `lease_file ${join(tmp, 'leases')}`, `pidfile ${join(tmp, 'udhcpd.pid')}`, 'option subnet 255.255.255.0',
          'option router 10.66.0.1', 'option lease 600', ''].join('\n'));
        server = spawn('ip', ['netns', 'exec', NS_B, busybox, 'udhcpd', '-f', join(tmp, 'udhcpd.conf')],
          { stdio: 'ignore' });
        const runDir = join(tmp, 'run');
        await execute([{ cmd: 'dhcp', args: ['start', D0, 'ipv4'], why: `DHCP on ${D0}` }], NS_EX,
          { runDir, dhcpTimeoutMs: 20_000 });
        const st = await readCurrentState(NS_EX);
        const d0 = byName(st.interfaces, D0);
        assert.equal(d0.ipv4?.dhcp, true, JSON.stringify(d0.ipv4));
        assert.match(d0.ipv4?.address?.[0]?.ip ?? '', /^10\.66\.0\.1(0\d|10)$/);
        assert.equal(d0.ipv4?.address?.[0]?.['prefix-length'], 24);
        assert.ok(st.routes.running.some((r) => r.destination === '0.0.0.0/0' && r['next-hop-address'] === '10.66.0.1'),
          'no default route from the lease');
        assert.ok(!st.routes.config.some((r) => r.destination === '0.0.0.0/0'), 'a DHCP route is not config');
        const pidFile = (await readdir(runDir)).find((f) => f.endsWith('.pid'));
        assert.ok(pidFile !== undefined);
        const pid = Number((await readFile(join(runDir, pidFile), 'utf8')).trim());
        await execute([{ cmd: 'dhcp', args: ['stop', D0, 'ipv4'], why: `stop DHCP on ${D0}` }], NS_EX, { runDir });
        await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } }, 3000);
      } finally {
        server?.kill('SIGKILL');
        // The client, if a failure left it running, is found by its pid file.
        await execute([{ cmd: 'dhcp', args: ['stop', D0], why: 'cleanup' }], NS_EX, { runDir: join(tmp, 'run') })
          .catch(() => undefined);
        await rm(tmp, { recursive: true, force: true });
      }
    });

    it('fails an nft step clearly when nft is missing', async (t) => {
      if (await findExecutable('nft') !== undefined) {
        t.skip('nft is installed here');
        return;
      }
      await assert.rejects(execute([{ cmd: 'nft', args: ['list', 'ruleset'], why: 'list rules' }], NS_EX),
        (e: unknown) => e instanceof StepError && e.cause instanceof NotSupportedError &&
          /nft \(nftables\) is not installed/.test(e.message));
    });
  });

  describe('capabilities', () => {
    before(() => sh(['netns', 'add', NS_PR]));

    /** An independent probe: can `ip link add … type T` succeed in our own namespace? */
    function direct(name: string, args: string[]): boolean {
      try {
        execFileSync('ip', ['-n', NS_PR, 'link', 'add', ...args], { timeout: 5000, stdio: 'pipe' });
        sh(['-n', NS_PR, 'link', 'del', name], { allowFail: true });
        return true;
      } catch {
        return false;
      }
    }

    it('agrees with direct ip link add probes and explains what is missing', async () => {
      const caps = await detectCapabilities();
      const base = link('cv');
      ipn(NS_PR, 'link', 'add', base, 'type', 'veth', 'peer', 'name', link('cw'));
      const expect: Record<string, boolean> = {
        bridge: direct(link('c1'), [link('c1'), 'type', 'bridge']),
        veth: true,
        vxlan: direct(link('c2'), [link('c2'), 'type', 'vxlan', 'id', '7', 'dstport', '4789']),
        vlan: direct(link('c3'), ['link', base, 'name', link('c3'), 'type', 'vlan', 'id', '7']),
        bond: direct(link('c4'), [link('c4'), 'type', 'bond']),
        dummy: direct(link('c5'), [link('c5'), 'type', 'dummy']),
        bridgeVlanFiltering: direct(link('c6'), [link('c6'), 'type', 'bridge', 'vlan_filtering', '1']),
      };
      for (const [k, v] of Object.entries(expect)) {
        assert.equal(caps[k as keyof typeof expect & keyof typeof caps], v, `capability ${k}`);
        assert.equal(caps.missing.some((m) => m.type === k), !v, `missing list and ${k} disagree`);
      }
      const vlan = caps.missing.find((m) => m.type === 'vlan');
      if (vlan !== undefined) {
        assert.match(vlan.reason,
          /^the kernel has no 802\.1Q VLAN support \(ip link add link vn-cap-v0 name vn-cap-vl type vlan id 10: .+\)$/);
      }
      console.log(`capabilities: ${JSON.stringify(caps)}`);
      assert.equal(await detectCapabilities(), caps, 'cached per process');
      assert.deepEqual(ourNamespaces().filter((n) => n.startsWith('vn-cap-')), [], 'scratch namespace left behind');
    });

    it('a fresh probe gives the same answer', async () => {
      const a = await detectCapabilities();
      const b = await probeCapabilities();
      assert.deepEqual(b, a);
    });
  });

  describe('netlink monitor', () => {
    it('fires after ip link set … up, within 2 s, and close() leaves no process', async () => {
      const mon = watchNetlink(NS_A);
      try {
        await mon.started;
        assert.equal(await mon.subscribed, true, '`ip monitor` subscribed');
        let fired = 0;
        mon.on('changed', () => { fired++; });
        const changed = new Promise<number>((resolve) => mon.once('changed', () => resolve(Date.now())));
        ipn(NS_A, 'link', 'set', E0, 'up');
        const t0 = Date.now();
        const t1 = await Promise.race([changed, new Promise<number>((r) => setTimeout(() => r(-1), 2000))]);
        assert.notEqual(t1, -1, 'no changed event within 2 s');
        assert.ok(t1 - t0 <= 1000, `changed after ${t1 - t0} ms`);
        // a burst of changes gives few events (debounced), not one per netlink message
        for (let i = 0; i < 5; i++) ipn(NS_A, 'link', 'set', E0, i % 2 === 0 ? 'down' : 'up');
        await new Promise((r) => setTimeout(r, 400));
        assert.ok(fired >= 2 && fired <= 4, `fired ${fired} times`);
      } finally {
        const pid = mon.pid;
        await mon.close();
        assert.equal(mon.running, false);
        assert.ok(pid !== undefined);
        assert.throws(() => process.kill(pid, 0), /ESRCH/, 'ip monitor still running');
      }
    });
  });
});

it('teardown leaves no vn-t<pid> namespace or resolv.conf behind', { skip }, () => {
  assert.deepEqual(ourNamespaces(), []);
  for (const ns of ALL_NS) assert.equal(existsSync(`/etc/netns/${ns}`), false, `/etc/netns/${ns} left behind`);
});

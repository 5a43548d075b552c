// The lab on the real kernel: 2 workers + 1 bare-metal node, routed control plane, flat network with DHCP,
// and a `down` that leaves nothing behind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { applyLab, labStatus, ping, planLab, teardownLab } from '../../src/lab/index.js';
import type { LabPlan } from '../../src/lab/index.js';
import { dhcpLease, leftovers, NOTHING, scratchDataDir, testLabId } from './lab-support.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

function ipJson<T>(args: string[]): T {
  return JSON.parse(execFileSync('ip', ['-json', ...args], { encoding: 'utf8', timeout: 10_000 })) as T;
}

describe('lab on the kernel', { skip }, () => {
  const id = testLabId('k');
  let dataDir = '';
  let plan: LabPlan;

  before(async () => {
    dataDir = scratchDataDir(id);
    plan = planLab({ id, workers: 2, baremetal: 1, dataDir });
    await applyLab(plan);
  });

  after(async () => {
    await teardownLab(dataDir, { id }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates the namespaces and records them', () => {
    const names = ipJson<{ name: string }[]>(['netns', 'list']).map((n) => n.name);
    for (const n of plan.namespaces) assert.ok(names.includes(n.name), `${n.name} exists`);
    const state = JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8')) as { phase: string; namespaces: string[] };
    assert.equal(state.phase, 'ready');
    assert.deepEqual(state.namespaces, plan.namespaces.map((n) => n.name));
  });

  it('lets a worker reach the router on-link and the control plane and internet host through it', async () => {
    const w = `vn-${id}-worker-1`;
    assert.ok(await ping(w, '10.89.0.1'), 'router');
    assert.ok(await ping(w, '10.89.1.10'), 'control plane');
    assert.ok(await ping(w, '198.18.0.10'), 'internet host');
    const [route] = ipJson<{ gateway?: string; dev: string }[]>(['-n', w, 'route', 'get', '10.89.1.10']);
    assert.equal(route?.gateway, '10.89.0.1', 'the control plane is off-link: reached via the router');
  });

  it('gives the bare-metal node br-flat with eth1 as its port', () => {
    const ls = ipJson<{ ifname: string; master?: string; operstate: string; linkinfo?: { info_kind: string } }[]>(
      ['-d', '-n', `vn-${id}-metal-0`, 'link', 'show']);
    const br = ls.find((l) => l.ifname === 'br-flat');
    assert.equal(br?.linkinfo?.info_kind, 'bridge');
    assert.equal(ls.find((l) => l.ifname === 'eth1')?.master, 'br-flat');
    assert.equal(ls.find((l) => l.ifname === 'eth1')?.operstate, 'UP');
    const worker = ipJson<{ ifname: string }[]>(['-n', `vn-${id}-worker-0`, 'link', 'show']).map((l) => l.ifname);
    assert.ok(!worker.includes('br-flat') && !worker.includes('eth1'), 'workers are not on the flat network');
  });

  it('serves DHCP on the flat network from dnsmasq', () => {
    const ip = dhcpLease(id);
    const [a, b, c] = ip.split('.').map(Number) as [number, number, number];
    assert.ok(a === 192 && b === 168 && c >= 64 && c <= 127, `${ip} is in 192.168.64.0/18`);
    const leases = readFileSync(join(dataDir, `vn-${id}-flat.leases`), 'utf8');
    assert.ok(leases.includes(` ${ip} `), `lease file records ${ip}`);
  });

  it('reports status: everything present, dnsmasq alive, nodes reachable', async () => {
    const s = await labStatus(dataDir);
    assert.ok(s);
    assert.ok(s.namespaces.every((n) => n.exists));
    assert.deepEqual(s.processes.map((p) => [p.name, p.alive]), [['dnsmasq', true]]);
    assert.deepEqual(s.nodes.map((n) => [n.name, n.eth0, n.reach]), [
      ['worker-0', ['10.89.0.10/24'], { router: true, controlPlane: true, internet: true }],
      ['worker-1', ['10.89.0.11/24'], { router: true, controlPlane: true, internet: true }],
      ['metal-0', ['10.89.0.12/24'], { router: true, controlPlane: true, internet: true }],
    ]);
    assert.deepEqual(s.nodes[2]?.flatBridge, { exists: true, ports: ['eth1'] });
  });

  it('applies again without change (idempotent)', async () => {
    const before = readFileSync(join(dataDir, `vn-${id}-dnsmasq.pid`), 'utf8');
    await applyLab(plan);
    assert.equal(readFileSync(join(dataDir, `vn-${id}-dnsmasq.pid`), 'utf8'), before, 'dnsmasq not restarted');
    assert.ok(await ping(`vn-${id}-metal-0`, '10.89.1.10'));
  });

  it('down removes every namespace, process, link and file of the lab', async () => {
    const r = await teardownLab(dataDir);
    assert.ok(r);
    assert.ok(r.namespaces.includes(`vn-${id}-dhcp`), 'the scratch namespace carried the prefix and went too');
    assert.deepEqual(leftovers(id), NOTHING);
    assert.equal(existsSync(join(dataDir, 'lab.json')), false);
    assert.equal(existsSync(join(dataDir, `vn-${id}-flat.leases`)), false);
    assert.equal(await labStatus(dataDir), undefined);
  });
});

// `virtnet nmstate` on the real kernel, run as the CLI a user runs (`node bin/virtnet.js nmstate …`) against a
// namespace `vn-t<pid>-n0` holding a veth pair. Links are checked with `ip -n … -j link` directly, not
// through our code. The namespace, the data directory and any checkpoint watcher are removed in `after`.

import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'bin/virtnet.js');
const RUN = `vn-t${process.pid}`;
const NS = `${RUN}-n0`;
const VA = `${RUN}a`;
const VB = `${RUN}b`;
const BR = 'br1';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root (network namespaces)';

let DATA = '';

function ip(args: string[], allowFail = false): string {
  try {
    return execFileSync('ip', args, { timeout: 10_000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${err.stderr ?? err.message}`);
  }
}

interface Link { ifname: string; master?: string; flags?: string[] }
const links = (): Link[] => JSON.parse(ip(['-n', NS, '-j', 'link', 'show'])) as Link[];
const link = (name: string): Link | undefined => links().find((l) => l.ifname === name);

interface CliResult { code: number; stdout: string; stderr: string; out: string }

function cli(args: string[], input?: string): CliResult {
  const r = spawnSync(process.execPath, [BIN, 'nmstate', ...args], {
    encoding: 'utf8', timeout: 60_000, cwd: DATA, ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, out: `${r.stdout}${r.stderr}` };
}
const onNs = (...args: string[]): string[] => [...args, '--netns', NS, '--data', DATA];

function desiredFile(name: string, yaml: string): string {
  const f = join(DATA, name);
  writeFileSync(f, yaml);
  return f;
}

const BRIDGE_YAML = `interfaces:
- name: ${BR}
  type: linux-bridge
  state: up
  bridge:
    options:
      stp:
        enabled: false
    port:
    - name: ${VA}
`;

const checkpointFile = (): string => join(DATA, `checkpoint-${NS}.json`);

/** Pids of watchers this test started (pid files in our data dir, checked against their command line). */
function ourWatchers(): number[] {
  if (DATA === '' || !existsSync(DATA)) return [];
  const pids: number[] = [];
  for (const f of readdirSync(DATA).filter((n) => n.endsWith('.watcher.pid'))) {
    const pid = Number(readFileSync(join(DATA, f), 'utf8').trim());
    if (Number.isSafeInteger(pid) && pid > 1 && watcherAlive(pid)) pids.push(pid);
  }
  return pids;
}

function watcherAlive(pid: number): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('_expire') && argv.some((a) => a.startsWith(DATA));
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Back to the starting topology: no bridge, no checkpoint, no watcher. */
function reset(): void {
  for (const pid of ourWatchers()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (DATA !== '' && existsSync(DATA)) {
    for (const f of readdirSync(DATA).filter((n) => n.startsWith('checkpoint-'))) rmSync(join(DATA, f), { force: true });
  }
  ip(['-n', NS, 'link', 'del', BR], true);
}

describe('virtnet nmstate CLI on the real kernel', { skip, timeout: 180_000 }, () => {
  before(() => {
    assert.ok(existsSync(join(ROOT, 'dist/src/cli/nmstate.js')), 'build first: npx tsc -p tsconfig.json');
    DATA = mkdtempSync(join(tmpdir(), `${RUN}-nmstate-`));
    ip(['netns', 'del', NS], true);
    ip(['netns', 'add', NS]);
    ip(['-n', NS, 'link', 'add', VA, 'type', 'veth', 'peer', 'name', VB]);
  });
  afterEach(reset);
  after(() => {
    reset();
    ip(['netns', 'del', NS], true);
    if (DATA !== '') rmSync(DATA, { recursive: true, force: true });
  });

  describe('show', () => {
    it('prints the namespace\'s state as nmstate YAML, with the veth', () => {
      const r = cli(onNs('show'));
      assert.equal(r.code, 0, r.out);
      const st = parseYaml(r.stdout) as { interfaces: { name: string; type: string; veth?: { peer: string } }[] };
      assert.deepEqual(Object.keys(st), ['dns-resolver', 'route-rules', 'routes', 'interfaces']);
      const va = st.interfaces.find((i) => i.name === VA);
      assert.equal(va?.type, 'veth');
      assert.equal(va?.veth?.peer, VB);
      assert.match(r.stdout, /^interfaces:\n- name: lo\n/m, 'lists are not indented under their key (as nmstatectl)');
    });

    it('--json and an interface filter', () => {
      const r = cli(onNs('show', `${RUN}*`, '--json'));
      assert.equal(r.code, 0, r.out);
      const st = JSON.parse(r.stdout) as { interfaces: { name: string }[] };
      assert.deepEqual(st.interfaces.map((i) => i.name).sort(), [VA, VB]);
    });

    it('resolves --node through the lab state in --data', () => {
      const lab = join(DATA, 'lab');
      rmSync(lab, { recursive: true, force: true });
      execFileSync('mkdir', ['-p', lab]);
      writeFileSync(join(lab, 'lab.json'), JSON.stringify({
        version: 1, id: 'nmcli', prefix: 'vn-nmcli', dataDir: lab, workers: 1, baremetal: 0, phase: 'ready',
        createdAt: new Date().toISOString(), namespaces: [NS], processes: [], files: [],
        nodes: [{ name: 'worker-0', role: 'worker', netns: NS, address: '192.0.2.10', gateway: '192.0.2.1', labels: {} }],
      }));
      const ok = cli(['show', '--node', 'worker-0', '--data', lab]);
      assert.equal(ok.code, 0, ok.out);
      assert.match(ok.stdout, new RegExp(`name: ${VA}`));
      const unknown = cli(['show', '--node', 'worker-9', '--data', lab]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /unknown node "worker-9" in lab nmcli .*nodes: worker-0/);
      rmSync(lab, { recursive: true, force: true });
    });

    it('says what is missing: lab state, namespace, node or netns', () => {
      const noLab = cli(['show', '--node', 'worker-0', '--data', join(DATA, 'nowhere')]);
      assert.equal(noLab.code, 1);
      assert.match(noLab.stderr, /no lab state at .*nowhere\/lab\.json/);
      const noNs = cli(['show', '--netns', `${RUN}-missing`, '--data', DATA]);
      assert.equal(noNs.code, 1);
      assert.match(noNs.stderr, new RegExp(`network namespace ${RUN}-missing does not exist`));
      const neither = cli(['show']);
      assert.equal(neither.code, 1);
      assert.match(neither.stderr, /give --node NAME .* or --netns NS/);
    });
  });

  describe('apply', () => {
    it('--dry-run prints the plan and changes nothing', () => {
      const r = cli(onNs('apply', '--dry-run', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, /^ip link add br1 type bridge/m);
      assert.match(r.stdout, new RegExp(`^ip link set dev ${VA} master br1$`, 'm'));
      assert.equal(link(BR), undefined);
      assert.equal(existsSync(checkpointFile()), false);
    });

    it('creates the bridge with its port', () => {
      const r = cli(onNs('apply', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      assert.ok(link(BR), `bridge missing: ${r.out}`);
      assert.equal(link(VA)?.master, BR);
      assert.equal(existsSync(checkpointFile()), false, 'no checkpoint without --no-commit');
      assert.match(r.stdout, new RegExp(`name: ${BR}`), 'prints the applied desired state');
    });

    it('reads the desired state from stdin with -', () => {
      const r = cli(onNs('apply', '-'), BRIDGE_YAML);
      assert.equal(r.code, 0, r.out);
      assert.equal(link(VA)?.master, BR);
    });

    it('an invalid desired state: InvalidArgument, exit 1, nothing changed', () => {
      const bad = BRIDGE_YAML.replace('enabled: false', 'enabled: true\n        hello-time: 99');
      const before = links().map((l) => l.ifname).sort();
      const r = cli(onNs('apply', desiredFile('bad.yaml', bad)));
      assert.equal(r.code, 1, r.out);
      assert.match(r.stderr, /^InvalidArgument: Desired STP hello time 99 is not in the range of \[1,10\]/m);
      assert.deepEqual(links().map((l) => l.ifname).sort(), before);
      assert.equal(link(BR), undefined);
    });

    it('a file that does not exist', () => {
      const r = cli(onNs('apply', join(DATA, 'nope.yaml')));
      assert.equal(r.code, 1);
      assert.match(r.stderr, /cannot read .*nope\.yaml/);
    });
  });

  describe('checkpoints (--no-commit)', () => {
    it('commit and rollback without a checkpoint: nmstate\'s error', () => {
      for (const verb of ['commit', 'rollback']) {
        const r = cli(onNs(verb));
        assert.equal(r.code, 1, r.out);
        assert.match(r.stderr, /^NotFound: Not active checkpoints/m);
      }
    });

    it('--no-commit then rollback: the bridge is gone, and so is the checkpoint and its watcher', async () => {
      const r = cli(onNs('apply', '--no-commit', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, new RegExp(`Checkpoint: ${checkpointFile().replace(/[.]/g, '\\.')} \\(rolls back in 60 s unless committed\\)`));
      assert.ok(link(BR));
      assert.ok(existsSync(checkpointFile()));
      const watchers = ourWatchers();
      assert.equal(watchers.length, 1, 'one watcher runs');
      const rb = cli(onNs('rollback'));
      assert.equal(rb.code, 0, rb.out);
      assert.equal(link(BR), undefined);
      assert.equal(link(VA)?.master, undefined);
      assert.equal(existsSync(checkpointFile()), false);
      await waitFor(() => !watcherAlive(watchers[0]!), 5000, 'watcher stops');
    });

    it('--no-commit --timeout 2 and nobody commits: rolled back automatically', async () => {
      const r = cli(onNs('apply', '--no-commit', '--timeout', '2', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      assert.match(r.stdout, /rolls back in 2 s unless committed/);
      assert.ok(link(BR));
      await waitFor(() => link(BR) === undefined, 15_000, 'automatic rollback');
      await waitFor(() => !existsSync(checkpointFile()), 5000, 'checkpoint removed');
      await waitFor(() => ourWatchers().length === 0, 5000, 'watcher exits');
      assert.match(readFileSync(join(DATA, `checkpoint-${NS}.log`), 'utf8'), /expired: rolling back/);
      const c = cli(onNs('commit'));
      assert.equal(c.code, 1, 'nothing left to commit');
    });

    it('--no-commit --timeout 2 then commit: the bridge stays after the timeout', async () => {
      const r = cli(onNs('apply', '--no-commit', '--timeout', '2', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      const watchers = ourWatchers();
      const c = cli(onNs('commit'));
      assert.equal(c.code, 0, c.out);
      assert.equal(existsSync(checkpointFile()), false);
      for (const pid of watchers) await waitFor(() => !watcherAlive(pid), 5000, 'watcher stops on commit');
      await sleep(3500);
      assert.ok(link(BR), 'still there after the timeout');
      assert.equal(link(VA)?.master, BR);
    });

    it('a second apply while a checkpoint is active is refused', () => {
      const r = cli(onNs('apply', '--no-commit', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(r.code, 0, r.out);
      const again = cli(onNs('apply', '--dry-run', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(again.code, 0, 'dry-run is allowed');
      const second = cli(onNs('apply', desiredFile('br.yaml', BRIDGE_YAML)));
      assert.equal(second.code, 1);
      assert.match(second.stderr, /^CheckpointConflict: a checkpoint is active/m);
      assert.equal(cli(onNs('commit')).code, 0);
    });

    it('an apply that fails leaves no checkpoint behind', () => {
      // Port that does not exist: nmstate's InvalidArgument before anything changes.
      const r = cli(onNs('apply', '--no-commit', desiredFile('badport.yaml', BRIDGE_YAML.replace(VA, `${RUN}zz`))));
      assert.equal(r.code, 1, r.out);
      assert.equal(existsSync(checkpointFile()), false);
      assert.equal(link(BR), undefined);
    });
  });

  it('leaves no watcher of ours running', () => {
    reset();
    assert.deepEqual(ourWatchers(), []);
  });
});

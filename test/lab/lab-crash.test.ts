// Crash safety: a `lab up` killed with SIGKILL half-way, or a lab whose state file is lost, is still
// removed completely by `lab down`.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { teardownAll, teardownLab } from '../../src/lab/index.js';
import { leftovers, NOTHING, scratchDataDir, testLabId } from './lab-support.js';

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;
const cli = fileURLToPath(new URL('../../src/cli/lab.js', import.meta.url));
const script = `const { labCommand } = await import(${JSON.stringify(cli)}); await labCommand().parseAsync(process.argv.slice(1), { from: 'user' });`;

function labCli(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('lab crash safety', { skip }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c().catch(() => undefined);
  });

  function scratch(tag: string): { id: string; dataDir: string } {
    const id = testLabId(tag);
    const dataDir = scratchDataDir(id);
    cleanups.push(async () => {
      await teardownLab(dataDir, { id });
      rmSync(dataDir, { recursive: true, force: true });
    });
    return { id, dataDir };
  }

  it('down removes everything after `lab up` is SIGKILLed midway', async () => {
    const { id, dataDir } = scratch('m');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script,
      'up', '--no-agents', '--nodes', '2', '--baremetal', '1', '--data', dataDir, '--id', id], { stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    // Kill as soon as the first namespace exists: the lab is then half-built.
    const deadline = Date.now() + 20_000;
    while (!existsSync(`/run/netns/vn-${id}-fabric`) && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    child.kill('SIGKILL');
    await exited;
    assert.ok(existsSync(join(dataDir, 'lab.json')), 'state was recorded before the first namespace');
    await new Promise((r) => setTimeout(r, 100)); // an orphaned `ip` child may still finish its call
    assert.notDeepEqual(leftovers(id), NOTHING, 'the killed up left something to clean');

    const down = labCli(['down', '--data', dataDir]);
    assert.equal(down.status, 0, down.out);
    assert.deepEqual(leftovers(id), NOTHING);
    assert.equal(existsSync(join(dataDir, 'lab.json')), false);
  });

  it('down --id removes a finished lab whose state file is gone', async () => {
    const { id, dataDir } = scratch('s');
    const up = labCli(['up', '--no-agents', '--nodes', '2', '--baremetal', '1', '--data', dataDir, '--id', id]);
    assert.equal(up.status, 0, up.out);
    const pid = Number(readFileSync(join(dataDir, `vn-${id}-dnsmasq.pid`), 'utf8'));
    assert.ok(existsSync(`/proc/${pid}`), 'dnsmasq outlives `lab up`');
    rmSync(join(dataDir, 'lab.json'));

    const down = labCli(['down', '--data', dataDir, '--id', id]);
    assert.equal(down.status, 0, down.out);
    assert.deepEqual(leftovers(id), NOTHING);
  });

  it('teardownAll(prefix) also stops a daemon whose namespace was already deleted', async () => {
    const { id, dataDir } = scratch('p');
    const up = labCli(['up', '--no-agents', '--nodes', '1', '--baremetal', '1', '--data', dataDir, '--id', id]);
    assert.equal(up.status, 0, up.out);
    spawnSync('ip', ['netns', 'del', `vn-${id}-fabric`]); // dnsmasq keeps the namespace alive, unnamed
    const r = await teardownAll(`vn-${id}-`);
    assert.ok(r.stopped.length >= 1, 'dnsmasq found by its files, which carry the prefix');
    assert.deepEqual(leftovers(id), NOTHING);
  });

  it('refuses a prefix that is not a lab prefix', async () => {
    for (const p of ['', 'vn-', 'vn-*-', 'eth', 'vn-abc']) {
      await assert.rejects(teardownAll(p), /refusing/);
    }
  });
});

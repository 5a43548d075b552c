// A checkpoint claimed by a process that then died (an agent killed while restoring it) is put back, so that
// the next agent restores it again; claims of live processes, and a checkpoint active again, are left alone.
// The policy an agent's checkpoint records survives the file. Files only, no kernel.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckpointError, checkpointPath, claimCheckpoint, newCheckpoint, readCheckpoint, reclaimAbandoned, writeCheckpoint,
} from '../../src/agent/checkpoint.js';

const REVERT = { interfaces: [{ name: 'br0', type: 'linux-bridge', state: 'absent' }] } as never;
let dir = '';
let n = 0;
let live: ChildProcess | undefined;
let deadPid = 0;

function claimedAs(path: string, pid: number): string {
  const claimed = `${path}.claimed-${pid}-abcd1234`;
  const cp = newCheckpoint(path.replace(/^.*checkpoint-|\.json$/g, ''), REVERT, 60, new Date(0), 'metal-0', { name: 'p', generation: 2 });
  writeFileSync(claimed, JSON.stringify(cp));
  return claimed;
}

describe('abandoned checkpoint claims', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `vn-t${process.pid}-cpr-`));
    live = spawn('sleep', ['30'], { stdio: 'ignore' });
    const gone = spawnSync('true');
    deadPid = gone.pid ?? 0;
  });
  after(() => {
    live?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const path = (): string => checkpointPath(dir, `vn-t${process.pid}-r${n++}`);

  it('a dead claimant\'s checkpoint is put back, and claimed anew', () => {
    const p = path();
    const claimed = claimedAs(p, deadPid);
    assert.equal(reclaimAbandoned(p), true);
    assert.equal(existsSync(claimed), false);
    assert.deepEqual(readCheckpoint(p)?.policy, { name: 'p', generation: 2 });
    assert.equal(claimCheckpoint(p)?.checkpoint.node, 'metal-0');
  });

  it('a live claimant keeps its claim', () => {
    const p = path();
    const claimed = claimedAs(p, live!.pid!);
    assert.equal(reclaimAbandoned(p), false);
    assert.equal(existsSync(claimed), true);
    assert.equal(existsSync(p), false);
  });

  it('a checkpoint active again is never replaced', () => {
    const p = path();
    const claimed = claimedAs(p, deadPid);
    const cp = newCheckpoint('x', REVERT, 60, new Date(0), 'metal-0', { name: 'newer', generation: 3 });
    writeCheckpoint(p, cp);
    assert.equal(reclaimAbandoned(p), false);
    assert.equal(readCheckpoint(p)?.id, cp.id);
    assert.equal(existsSync(claimed), true, 'left for inspection');
  });

  it('nothing to do without a claim, or without the directory', () => {
    assert.equal(reclaimAbandoned(path()), false);
    assert.equal(reclaimAbandoned(join(dir, 'missing', 'checkpoint-x.json')), false);
    assert.ok(readdirSync(dir).every((f) => !f.endsWith('.tmp')));
  });

  it('a checkpoint whose policy record is malformed is refused', () => {
    const p = path();
    writeFileSync(p, JSON.stringify({ ...newCheckpoint('x', REVERT, 60, new Date(0)), policy: { name: 'p', generation: 'two' } }));
    assert.throws(() => readCheckpoint(p), CheckpointError);
  });
});

// The checkpoint file behind `virtnet nmstate apply --no-commit` (src/agent/checkpoint.ts), without a kernel:
// one active checkpoint per namespace, exactly one party acts on it (claim by rename), and the watcher's
// decisions (committed / expired / replaced / failed rollback) with a fake clock.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CheckpointError, checkpointPath, claimCheckpoint, discard, newCheckpoint, readCheckpoint, release, stopWatcher,
  watchCheckpoint, watcherPidPath, writeCheckpoint,
} from '../../src/agent/checkpoint.js';
import type { Checkpoint } from '../../src/agent/checkpoint.js';

const REVERT = { interfaces: [{ name: 'br1', type: 'linux-bridge', state: 'absent' }] } as const;
let dir = '';
let n = 0;

function fresh(timeoutSeconds = 60, now = new Date(0)): { path: string; cp: Checkpoint } {
  const netns = `vn-t${process.pid}-c${n++}`;
  const path = checkpointPath(dir, netns);
  const cp = newCheckpoint(netns, structuredClone(REVERT) as never, timeoutSeconds, now, 'worker-0');
  writeCheckpoint(path, cp);
  return { path, cp };
}

describe('checkpoint file', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `vn-t${process.pid}-cp-`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is written once per namespace and read back', () => {
    const { path, cp } = fresh(5, new Date('2026-01-01T00:00:00Z'));
    assert.equal(path, join(dir, `checkpoint-${cp.netns}.json`));
    assert.deepEqual(readCheckpoint(path), cp);
    assert.equal(cp.expiresAt, '2026-01-01T00:00:05.000Z');
    assert.throws(() => writeCheckpoint(path, cp), (e: unknown) => e instanceof CheckpointError &&
      /^CheckpointConflict: a checkpoint is already active/.test(e.message));
    assert.equal(readCheckpoint(join(dir, 'none.json')), undefined);
  });

  it('rejects a namespace name that is not one', () => {
    assert.throws(() => checkpointPath(dir, '../etc'), /invalid network namespace name/);
  });

  it('is claimed by exactly one party; a claim for another id puts it back', () => {
    const { path, cp } = fresh();
    assert.equal(claimCheckpoint(path, 'another-id'), undefined);
    assert.ok(existsSync(path), 'put back');
    const a = claimCheckpoint(path, cp.id);
    assert.ok(a);
    assert.equal(existsSync(path), false);
    assert.equal(claimCheckpoint(path), undefined, 'second claimant sees no checkpoint');
    release(a);
    assert.deepEqual(readCheckpoint(path), cp, 'released: active again');
    const b = claimCheckpoint(path);
    assert.ok(b);
    discard(b);
    assert.equal(existsSync(path), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes(cp.netns)), [], 'no claimed file left');
  });

  it('a garbage file is an error, not a checkpoint', () => {
    const path = join(dir, 'checkpoint-garbage.json');
    writeFileSync(path, '{"version":2}');
    assert.throws(() => readCheckpoint(path), /is not a virtnet checkpoint/);
  });

  it('stopWatcher never signals a process that is not the watcher of this checkpoint', async () => {
    const { path } = fresh();
    writeFileSync(watcherPidPath(path), `${process.pid}\n`);
    assert.equal(await stopWatcher(path), undefined); // we are alive, and still here
    assert.equal(existsSync(watcherPidPath(path)), false);
    assert.equal(await stopWatcher(path), undefined, 'no pid file');
  });
});

describe('watchCheckpoint', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `vn-t${process.pid}-cpw-`));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('rolls back once at expiry and removes the checkpoint', async () => {
    const { path, cp } = fresh(2, new Date(1000));
    let clock = 1000;
    const calls: string[] = [];
    const res = await watchCheckpoint(path, cp.id, {
      pollMs: 1,
      now: () => (clock += 500),
      rollback: (c) => {
        calls.push(c.id);
        assert.equal(existsSync(path), false, 'claimed while rolling back');
        return Promise.resolve(undefined);
      },
    });
    assert.equal(res, 'rolled-back');
    assert.deepEqual(calls, [cp.id]);
    assert.ok(clock >= 3000, 'not before expiry');
    assert.equal(existsSync(path), false);
  });

  it('does nothing when the checkpoint is committed before expiry', async () => {
    const { path, cp } = fresh(60, new Date());
    setTimeout(() => rmSync(path), 30);
    let rolledBack = false;
    const res = await watchCheckpoint(path, cp.id, {
      pollMs: 5,
      rollback: () => {
        rolledBack = true;
        return Promise.resolve(undefined);
      },
    });
    assert.equal(res, 'committed');
    assert.equal(rolledBack, false);
  });

  it('leaves a newer checkpoint of the same namespace alone', async () => {
    const { path, cp } = fresh(0, new Date(0));
    rmSync(path);
    const newer = { ...cp, id: 'newer' };
    writeCheckpoint(path, newer);
    const res = await watchCheckpoint(path, cp.id, { pollMs: 1, rollback: () => Promise.resolve('must not run') });
    assert.equal(res, 'committed');
    assert.deepEqual(readCheckpoint(path), newer);
  });

  it('waits while another live process holds the checkpoint for a moment (e.g. setting its expiry)', async () => {
    const { path, cp } = fresh(0, new Date(0));
    const held = `${path}.claimed-${process.ppid}-test`; // a live process that is not us
    renameSync(path, held);
    setTimeout(() => renameSync(held, path), 80);
    const res = await watchCheckpoint(path, cp.id, { pollMs: 5, rollback: () => Promise.resolve(undefined) });
    assert.equal(res, 'rolled-back', 'did not take the missing file for a commit');
  });

  it('ignores the claim of a process that is gone', async () => {
    const { path, cp } = fresh(0, new Date(0));
    renameSync(path, `${path}.claimed-999999999-stale`);
    const res = await watchCheckpoint(path, cp.id, { pollMs: 5, rollback: () => Promise.resolve(undefined) });
    assert.equal(res, 'committed');
  });

  it('keeps the checkpoint when the rollback fails', async () => {
    const { path, cp } = fresh(0, new Date(0));
    const res = await watchCheckpoint(path, cp.id, { pollMs: 1, rollback: () => Promise.resolve('boom') });
    assert.equal(res, 'rollback-failed');
    assert.deepEqual(readCheckpoint(path), cp);
  });
});

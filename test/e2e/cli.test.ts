// `virtnet up -d`, `virtnet kubeconfig`, `virtnet down`: what `make up` / `make down` run.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, findKubectl } from '../support/server-process.js';

const data = mkdtempSync(join(tmpdir(), 'vn-cli-'));
const virtnet = (args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'bin', 'virtnet.js'), ...args], { encoding: 'utf8', timeout: 60_000 });

describe('virtnet CLI', () => {
  after(() => {
    virtnet(['down', '--data', data]);
    rmSync(data, { recursive: true, force: true });
  });

  it('up -d starts the server, prints the banner, and down stops it', () => {
    const up = virtnet(['up', '-d', '--listen', '127.0.0.1:0', '--data', data, '--nodes', '1', '--baremetal', '1']);
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /lab:\s+project vmexamples-user1 with VMs fedora01, fedora02 \(stopped\); 2 nodes \(worker-0, metal-0\)/);
    assert.match(up.stdout, /API server:\s+https:\/\/127\.0\.0\.1:\d+/);
    assert.match(up.stdout, new RegExp(`kubeconfig:\\s+${join(data, 'kubeconfig')}`));
    assert.match(up.stdout, /stop with:\s+make down/);
    const again = virtnet(['up', '-d', '--listen', '127.0.0.1:0', '--data', data]);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /already running/);

    const kc = virtnet(['kubeconfig', '--data', data]);
    assert.equal(kc.stdout.trim(), join(data, 'kubeconfig'));
    const k = spawnSync(findKubectl(), ['--kubeconfig', kc.stdout.trim(), '--cache-dir', join(data, 'cache'), 'get', 'ns', 'default', '-o', 'name'], { encoding: 'utf8' });
    assert.equal(k.stdout, 'namespace/default\n', k.stderr);

    const labId = (JSON.parse(readFileSync(join(data, 'lab.json'), 'utf8')) as { id: string }).id;
    const nodes = spawnSync(findKubectl(), ['--kubeconfig', kc.stdout.trim(), '--cache-dir', join(data, 'cache'), 'wait', '--for=condition=Ready', 'node/worker-0', 'node/metal-0', '--timeout=30s'], { encoding: 'utf8' });
    assert.equal(nodes.status, 0, nodes.stderr);
    const pid = Number(readFileSync(join(data, 'virtnet.pid'), 'utf8'));
    const down = virtnet(['down', '--data', data]);
    assert.equal(down.status, 0, down.stderr);
    assert.match(down.stdout, /lab removed/);
    assert.match(down.stdout, /virtnet stopped/);
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`vn-${labId}-`));
    assert.deepEqual(left, [], 'no lab namespace left');
    assert.throws(() => process.kill(pid, 0), 'the server process is gone');
    assert.equal(existsSync(join(data, 'virtnet.pid')), false);
    assert.match(virtnet(['down', '--data', data]).stdout, /not running/);
  });

  it('explains a bad --listen and a missing kubeconfig', () => {
    const bad = virtnet(['serve', '--listen', 'nonsense', '--data', data]);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /--listen must be HOST:PORT/);
    const none = virtnet(['kubeconfig', '--data', join(data, 'nowhere')]);
    assert.notEqual(none.status, 0);
    assert.match(none.stderr, /no kubeconfig at .*start virtnet first/);
  });
});

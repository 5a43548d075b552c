import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditLog, rotationRenames } from '../../src/api/audit/audit-log.js';
import type { AuditEvent } from '../../src/api/audit/audit-sink.js';

const event = (i: number): AuditEvent => ({
  requestReceivedTimestamp: '2026-01-01T00:00:00.000Z', stageTimestamp: '2026-01-01T00:00:00.001Z',
  user: 'admin', groups: ['system:masters'], sourceIP: '127.0.0.1', userAgent: 'test', verb: 'create',
  requestURI: `/api/v1/namespaces/default/configmaps?i=${i}`, apiGroup: '', resource: 'configmaps', subresource: '',
  namespace: 'default', name: `cm-${i}`, code: 201,
});

describe('audit log', () => {
  const dirs: string[] = [];
  const tmp = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'vn-taudit-'));
    dirs.push(d);
    return d;
  };
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('plans renames oldest first', () => {
    assert.deepEqual(rotationRenames('a', 3), [{ from: 'a.2', to: 'a.3' }, { from: 'a.1', to: 'a.2' }, { from: 'a', to: 'a.1' }]);
    assert.deepEqual(rotationRenames('a', 1), [{ from: 'a', to: 'a.1' }]);
    assert.deepEqual(rotationRenames('a', 0), []);
  });

  it('rotates by size, keeps at most maxBackups old files, and loses no line of the newest files', async () => {
    const dir = tmp();
    const lineBytes = JSON.stringify(event(100)).length + 1;
    const log = openAuditLog(dir, { maxBytes: lineBytes * 10, maxBackups: 3 });
    for (let i = 100; i < 200; i++) log.record(event(i));
    await log.close();
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['audit.log', 'audit.log.1', 'audit.log.2', 'audit.log.3']);
    for (const f of files) assert.ok(statSync(join(dir, f)).size <= lineBytes * 10, `${f} within maxBytes`);
    const names = ['audit.log.3', 'audit.log.2', 'audit.log.1', 'audit.log']
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').trim().split('\n'))
      .map((l) => (JSON.parse(l) as AuditEvent).name);
    assert.equal(names.length, 40);
    assert.deepEqual(names, Array.from({ length: 40 }, (_, k) => `cm-${160 + k}`), 'the newest 40 events, in order');
  });

  it('appends to an existing file and counts its size', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'audit.log'), 'x'.repeat(900) + '\n');
    const log = openAuditLog(dir, { maxBytes: 1000, maxBackups: 2 });
    log.record(event(1));
    await log.close();
    assert.equal(readFileSync(join(dir, 'audit.log.1'), 'utf8'), 'x'.repeat(900) + '\n');
    assert.equal((JSON.parse(readFileSync(join(dir, 'audit.log'), 'utf8')) as AuditEvent).name, 'cm-1');
  });

  it('with maxBackups 0 starts the file over', async () => {
    const dir = tmp();
    const lineBytes = JSON.stringify(event(10)).length + 1;
    const log = openAuditLog(dir, { maxBytes: lineBytes * 2, maxBackups: 0 });
    for (let i = 10; i < 15; i++) log.record(event(i));
    await log.close();
    assert.deepEqual(readdirSync(dir), ['audit.log']);
    assert.equal(readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').length, 1);
  });

  it('drops and counts lines when the writer falls behind, never throwing, and writes the count', async () => {
    const dir = tmp();
    const lineBytes = JSON.stringify(event(1000)).length + 1;
    const log = openAuditLog(dir, { maxQueuedBytes: lineBytes * 5 });
    // All recorded in one tick: the writer took the first line and waits for the disk; 5 more fit in the queue.
    for (let i = 1000; i < 1100; i++) log.record(event(i));
    assert.equal(log.dropped, 94);
    await log.close();
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.filter((l) => l['verb'] === 'create').length, 6);
    assert.deepEqual(lines.filter((l) => l['kind'] === 'AuditEventsDropped').map((l) => l['count']), [94]);
  });
});

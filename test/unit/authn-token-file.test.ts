// The token file (DATA/tokens.csv): CSV splitting, parsing, rendering, hashing and the migration of plain-text
// tokens; the token store's keep-or-rotate rule on a file in a temporary directory.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hashToken, isHashed, migrateEntries, parseTokenFile, renderTokenFile, splitCsvLine, validIdentityName,
} from '../../src/credentials/token-file.js';
import { TokenStore } from '../../src/credentials/token-store.js';

describe('token file format', () => {
  it('splits CSV lines with quoted fields', () => {
    const table: [string, string[] | undefined][] = [
      ['a,b,c', ['a', 'b', 'c']],
      ['a,b,c,"g1,g2"', ['a', 'b', 'c', 'g1,g2']],
      ['a,b,,""', ['a', 'b', '', '']],
      ['"x""y",b', ['x"y', 'b']],
      ['a,"unterminated', undefined],
      ['a,"q"x', undefined],
      ['a,b"c', undefined],
    ];
    for (const [line, want] of table) assert.deepEqual(splitCsvLine(line), want, line);
  });

  it('hashes to sha256:<64 hex>, the same token to the same hash', () => {
    assert.equal(hashToken('abc'), 'sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.ok(isHashed(hashToken('x')));
    for (const f of ['abc', 'sha256:', `sha256:${'A'.repeat(64)}`, `sha256:${'a'.repeat(63)}`]) assert.equal(isHashed(f), false, f);
  });

  it('parses entries (uid and groups optional, kube\'s layout) and reports bad lines by number', () => {
    const h = hashToken('t1');
    const { entries, errors } = parseTokenFile([
      '# comment', '', `${h},admin,admin,"system:masters"`, 'plain,bob', 'plain2,carol,c-uid,"a, b"', 'only-one-field',
      'sha256:zz,eve', 'x,y,z,"g",extra', 'a,"b',
    ].join('\n'));
    assert.deepEqual(entries, [
      { token: h, user: 'admin', uid: 'admin', groups: ['system:masters'] },
      { token: 'plain', user: 'bob', uid: 'bob', groups: [] },
      { token: 'plain2', user: 'carol', uid: 'c-uid', groups: ['a', 'b'] },
    ]);
    assert.deepEqual(errors.map((e) => e.line), [6, 7, 8, 9]);
  });

  it('renders what it parses back, with no plain-text token after migration', () => {
    const parsed = parseTokenFile('tok-1,admin,admin,"system:masters"\ntok-2,u,u,"g1,g2"\n').entries;
    const m = migrateEntries(parsed);
    assert.equal(m.changed, true);
    const text = renderTokenFile(m.entries);
    assert.ok(!text.includes('tok-1') && !text.includes('tok-2'), text);
    assert.deepEqual(parseTokenFile(text).entries, m.entries);
    assert.equal(m.entries[0]!.token, hashToken('tok-1'));
    assert.equal(migrateEntries(m.entries).changed, false);
  });

  it('accepts only names that need no quoting in the file or escaping in a certificate subject', () => {
    for (const ok of ['admin', 'user1', 'system:node:worker-0', 'a.b@c', 'system:masters']) assert.ok(validIdentityName(ok), ok);
    for (const bad of ['', 'a,b', 'a"b', 'a/b', 'a b', 'a\nb', ':x', 'x'.repeat(300), 'CN=x+O=y']) assert.ok(!validIdentityName(bad), bad);
  });
});

describe('token store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vn-tunit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('migrates a plain-text file on open (0600, hashed) and keeps authenticating its tokens', () => {
    const file = join(dir, 'migrate.csv');
    writeFileSync(file, 'old-token,admin,admin,"system:masters"\n');
    const s = new TokenStore(file);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes('old-token'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(s.entries()[0]!.token, hashToken('old-token'));
    // the existing kubeconfig's token is kept
    assert.equal(s.ensureUser('admin', ['system:masters'], 'old-token'), 'old-token');
  });

  it('keeps a token that still authenticates (updating groups), rotates one that does not', () => {
    const file = join(dir, 'rotate.csv');
    const s = new TokenStore(file);
    const t1 = s.ensureUser('u', ['g']);
    assert.equal(s.ensureUser('u', ['g'], t1), t1);
    assert.equal(s.ensureUser('u', ['g', 'h'], t1), t1);
    assert.deepEqual(s.entries().find((e) => e.user === 'u')!.groups, ['g', 'h']);
    const t2 = s.ensureUser('u', ['g'], 'not-the-token');
    assert.notEqual(t2, t1);
    assert.deepEqual(s.entries().filter((e) => e.user === 'u').map((e) => e.token), [hashToken(t2)]);
    // another user's token does not count as this user's
    const other = s.ensureUser('v', []);
    assert.notEqual(s.ensureUser('u', [], other), other);
  });

  it('sees what another writer added (the CLI while the server runs)', () => {
    const file = join(dir, 'shared.csv');
    const server = new TokenStore(file);
    new TokenStore(file).ensureUser('late', []);
    assert.deepEqual(server.entries().map((e) => e.user), ['late']);
  });

  it('refuses names the file cannot hold', () => {
    const s = new TokenStore(join(dir, 'names.csv'));
    assert.throws(() => s.ensureUser('a,b', []), /invalid user name/);
    assert.throws(() => s.ensureUser('ok', ['bad"group']), /invalid group name/);
  });
});

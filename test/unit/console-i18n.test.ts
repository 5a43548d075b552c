// Every English text the console translates (t('…') literals, and the navigation labels) has its Japanese,
// and no Japanese entry is left without a use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/server-process.js';

const src = join(repoRoot, 'console', 'src');

function files(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(ts|tsx)$/.test(n)) out.push(p);
  }
  return out;
}

/** Reads a string literal's text ('…' or "…", with backslash escapes) from a regex capture. */
function unquote(q: string): string {
  return q.slice(1, -1).replace(/\\(.)/g, '$1');
}

const LITERAL = String.raw`('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")`;

function usedKeys(): Map<string, string> {
  const used = new Map<string, string>();
  for (const f of files(src)) {
    if (f.includes(`${join('src', 'i18n')}`)) continue;
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(new RegExp(String.raw`\bt\(\s*${LITERAL}`, 'g'))) used.set(unquote(m[1]!), f);
    // labels that are translated where they are rendered: nav entries and `tKey('…')`-marked constants
    if (f.endsWith(join('app', 'nav.ts'))) for (const m of text.matchAll(new RegExp(String.raw`label: ${LITERAL}`, 'g'))) used.set(unquote(m[1]!), f);
    for (const m of text.matchAll(new RegExp(String.raw`\btKey\(\s*${LITERAL}`, 'g'))) used.set(unquote(m[1]!), f);
  }
  return used;
}

function japanese(): Map<string, string> {
  const ja = new Map<string, string>();
  for (const f of files(join(src, 'i18n')).filter((x) => /ja-[a-z]+\.ts$/.test(x))) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(new RegExp(String.raw`^\s*${LITERAL}:\s*${LITERAL},?\s*$`, 'gm'))) {
      const key = unquote(m[1]!);
      assert.ok(!ja.has(key), `${key} is translated twice (${f})`);
      ja.set(key, unquote(m[2]!));
    }
  }
  return ja;
}

test('console i18n: every translated English text has a Japanese entry', () => {
  const ja = japanese();
  const missing = [...usedKeys()].filter(([k]) => !ja.has(k)).map(([k, f]) => `${k}  (${f.slice(repoRoot.length + 1)})`);
  assert.deepEqual(missing, [], `add these to console/src/i18n/ja-<area>.ts:\n${missing.join('\n')}`);
});

test('console i18n: no Japanese entry is unused', () => {
  const used = usedKeys();
  const unused = [...japanese().keys()].filter((k) => !used.has(k));
  assert.deepEqual(unused, []);
});

test('console i18n: interpolations match between English and Japanese', () => {
  for (const [k, v] of japanese()) {
    const vars = (s: string): string[] => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
    assert.deepEqual(vars(v), vars(k), `${k} → ${v}`);
  }
});

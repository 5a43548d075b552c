// The Import YAML parser of the console (pure): documents, AsciiDoc fences, errors per document.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImport } from '../../console/src/models/import-yaml.js';

const cases: { name: string; text: string; fences: number; docs: { kind?: string; name?: string; error?: RegExp }[] }[] = [
  { name: 'one object', text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n', fences: 0, docs: [{ kind: 'ConfigMap', name: 'a' }] },
  {
    name: "the guide's fenced VM (---- before and after)",
    text: '----\napiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: fedora-udn\n----\n',
    fences: 2, docs: [{ kind: 'VirtualMachine', name: 'fedora-udn' }],
  },
  {
    name: 'several documents, empty ones ignored',
    text: '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n',
    fences: 0, docs: [{ kind: 'Namespace', name: 'x' }, { kind: 'ConfigMap', name: 'y' }],
  },
  { name: 'no kind', text: 'apiVersion: v1\nmetadata:\n  name: a\n', fences: 0, docs: [{ error: /kind is required/ }] },
  { name: 'a list is not an object', text: '- a\n- b\n', fences: 0, docs: [{ error: /mapping/ }] },
  { name: 'broken YAML', text: 'apiVersion: v1\nkind: [\n', fences: 0, docs: [{ error: /./ }] },
  { name: 'a --- separator is not a fence', text: 'apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n', fences: 0, docs: [{ kind: 'A' }, { kind: 'B' }] },
];

for (const c of cases) {
  test(`parseImport: ${c.name}`, () => {
    const r = parseImport(c.text);
    assert.equal(r.strippedFences, c.fences);
    assert.equal(r.docs.length, c.docs.length);
    c.docs.forEach((want, i) => {
      const got = r.docs[i]!;
      if (want.kind) assert.equal(got.object?.kind, want.kind);
      if (want.name) assert.equal(got.object?.metadata?.name, want.name);
      if (want.error) assert.match(got.error ?? '', want.error);
      else assert.equal(got.error, undefined);
    });
  });
}

test('parseImport: an alias bomb is refused, not expanded', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
  const r = parseImport(`apiVersion: v1\nkind: ConfigMap\n${bomb.join('\n')}\n`);
  assert.match(r.docs[0]?.error ?? '', /alias|Excessive/i);
});

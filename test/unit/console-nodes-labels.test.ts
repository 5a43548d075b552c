// The "Edit labels" editor and the Nodes list helpers (pure). Label errors are the API server's own
// words: each case is checked against src/common/names.ts, which the server validates with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelKeyErrors, labelValueErrors, labelsPatch, parseLabel, withLabel, withoutLabel, formatLabel } from '../../console/src/models/node-labels.js';
import { instanceType, nodeAddresses, nodeRoles, nodeStatus } from '../../console/src/models/node-summary.js';
import { isQualifiedName, isValidLabelValue } from '../../src/common/names.js';

const parseCases: { text: string; key?: string; value?: string; error?: RegExp }[] = [
  { text: 'node-type=baremtal', key: 'node-type', value: 'baremtal' },
  { text: '  node-type=baremetal  ', key: 'node-type', value: 'baremetal' },
  { text: 'example.com/role=db', key: 'example.com/role', value: 'db' },
  { text: 'flag', key: 'flag', value: '' },
  { text: 'k=', key: 'k', value: '' },
  { text: 'a=b=c', error: /Invalid value: "b=c": a valid label must be an empty string or consist of alphanumeric characters/ },
  { text: 'node type=x', error: /Invalid value: "node type": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character/ },
  { text: '-bad=x', error: /name part must consist/ },
  { text: 'k=-v', error: /Invalid value: "-v": a valid label must be an empty string/ },
  { text: 'Bad_Prefix/k=v', error: /prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/ },
  { text: 'a/b/c=v', error: /a qualified name must consist of .* with an optional DNS subdomain prefix and '\/'/ },
  { text: `k=${'v'.repeat(64)}`, error: /must be no more than 63 characters/ },
  { text: `${'k'.repeat(64)}=v`, error: /name part must be no more than 63 characters/ },
  { text: '=v', error: /name part must be non-empty/ },
  { text: '   ', error: /Required value/ },
];

for (const c of parseCases) {
  test(`parseLabel ${JSON.stringify(c.text)}`, () => {
    const r = parseLabel(c.text);
    if (c.error) {
      assert.equal(r.ok, false);
      if (!r.ok) assert.match(r.errors.join('\n'), c.error);
    } else {
      assert.deepEqual(r, { ok: true, key: c.key, value: c.value });
    }
  });
}

test('label errors are word for word the server\'s', () => {
  const keys = ['node-type', 'node type', '-x', 'x-', 'a/b/c', '/x', 'x/', 'Bad_Prefix/k', 'example.com/ok', 'k'.repeat(64), `${'p'.repeat(254)}/k`, 'ünï'];
  for (const k of keys) assert.deepEqual(labelKeyErrors(k), isQualifiedName(k), k);
  const values = ['', 'baremtal', '-v', 'v-', 'a b', 'a=b', 'v'.repeat(63), 'v'.repeat(64), 'ü'];
  for (const v of values) assert.deepEqual(labelValueErrors(v), isValidLabelValue(v), v);
});

test('labelsPatch: added, changed, removed (null), unchanged omitted', () => {
  const before = { 'kubernetes.io/os': 'linux', a: '1', gone: 'x' };
  let after = withLabel(before, 'node-type', 'baremtal');
  after = withLabel(after, 'a', '2');
  after = withoutLabel(after, 'gone');
  assert.deepEqual(labelsPatch(before, after), { metadata: { labels: { gone: null, 'node-type': 'baremtal', a: '2' } } });
  assert.equal(labelsPatch(before, { ...before }), undefined);
  assert.deepEqual(before, { 'kubernetes.io/os': 'linux', a: '1', gone: 'x' }, 'the input is not changed');
});

test('formatLabel: a bare key for an empty value', () => {
  assert.equal(formatLabel('a', ''), 'a');
  assert.equal(formatLabel('a', 'b'), 'a=b');
});

test('node summary: status, roles, instance type, addresses', () => {
  const n = {
    metadata: { name: 'metal-0', labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/master': '', 'node.kubernetes.io/instance-type': 'c5n.metal' } },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] },
  };
  assert.equal(nodeStatus(n), 'Ready');
  assert.deepEqual(nodeRoles(n), ['master', 'worker']);
  assert.equal(instanceType(n), 'c5n.metal');
  assert.deepEqual(nodeAddresses(n), [{ type: 'InternalIP', address: '10.0.0.2' }]);
  const bare = { metadata: { name: 'x' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } };
  assert.equal(nodeStatus(bare), 'NotReady');
  assert.deepEqual(nodeRoles(bare), []);
  assert.equal(instanceType(bare), undefined);
  assert.equal(nodeStatus({ metadata: { name: 'y' } }), 'NotReady');
});

// Near-miss labels of an NNCP's nodeSelector (pure): the guide's `baremtal` typo and its relatives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, isClose, matchingNodes, nearMisses, type NodeLabels } from '../../console/src/models/nncp-near-miss.js';

const node = (name: string, labels: Record<string, string>): NodeLabels => ({ name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels } });
const guide = [node('metal-0', { 'node-type': 'baremtal' }), node('metal-1', { 'node-type': 'baremtal' }), node('worker-0', {}), node('worker-1', {})];

test('editDistance: table', () => {
  for (const [a, b, d] of [['baremetal', 'baremtal', 1], ['', 'abc', 3], ['ab', 'ba', 1], ['kitten', 'sitting', 3], ['same', 'same', 0]] as const) {
    assert.equal(editDistance(a, b), d, `${a} ${b}`);
  }
});

test('isClose: table', () => {
  for (const [got, want, close] of [['baremtal', 'baremetal', true], ['Baremetal', 'baremetal', true], ['baremetal', 'baremetal', false], ['bm', 'baremetal', false], ['worker', 'workre', true], ['a', 'b', false], ['abc', 'abd', true], ['bare-metal-x', 'baremetal', false]] as const) {
    assert.equal(isClose(got, want), close, `${got} vs ${want}`);
  }
});

const cases: { name: string; selector: Record<string, string>; nodes: NodeLabels[]; want: string[] }[] = [
  { name: "the guide's typo: two nodes have node-type=baremtal", selector: { 'node-type': 'baremetal' }, nodes: guide, want: ['value node-type=baremtal metal-0,metal-1'] },
  { name: 'a close key with the same value', selector: { 'node-type': 'baremetal' }, nodes: [node('m', { 'node_type': 'baremetal' })], want: ['key node_type=baremetal m'] },
  { name: 'nothing close, key on no node: absent', selector: { zone: 'a' }, nodes: guide, want: ['absent zone= '] },
  { name: 'nothing close, but the key exists: nothing to say', selector: { 'node-type': 'gpu' }, nodes: guide, want: [] },
  { name: 'matching nodes are not near misses', selector: { 'node-type': 'baremetal' }, nodes: [node('a', { 'node-type': 'baremetal' }), node('b', { 'node-type': 'Baremetal' })], want: ['value node-type=Baremetal b'] },
  { name: 'empty selector', selector: {}, nodes: guide, want: [] },
  { name: 'larger group first', selector: { 'node-type': 'baremetal' }, nodes: [node('x', { 'node-type': 'baremetl' }), ...guide], want: ['value node-type=baremtal metal-0,metal-1', 'value node-type=baremetl x'] },
];
for (const c of cases) {
  test(`nearMisses: ${c.name}`, () => {
    const got = nearMisses(c.selector, c.nodes).map((m) => `${m.kind} ${m.labelKey}=${m.labelValue} ${m.nodes.join(',')}`);
    assert.deepEqual(got, c.want);
  });
}

test('matchingNodes: equality on every entry; empty selects all', () => {
  assert.deepEqual(matchingNodes({ 'node-type': 'baremtal' }, guide), ['metal-0', 'metal-1']);
  assert.deepEqual(matchingNodes({ 'node-type': 'baremtal', 'kubernetes.io/hostname': 'metal-1' }, guide), ['metal-1']);
  assert.deepEqual(matchingNodes({}, guide).length, 4);
  assert.deepEqual(matchingNodes({ 'node-type': 'baremetal' }, guide), []);
});

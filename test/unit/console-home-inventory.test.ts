// The Overview's inventory counting (pure): nodes not ready, VMIs starting, enactments progressing and
// NMState handlers still to come make "in progress", 0 once the cluster settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countInventory, handlersPending, nmstateHealth, nodeReady, type InventoryInput, type Obj } from '../../console/src/models/inventory-counts.js';

const node = (name: string, ready: string | undefined, labels: Record<string, string> = { 'kubernetes.io/os': 'linux' }): Obj => ({
  metadata: { name, labels },
  status: ready === undefined ? {} : { conditions: [{ type: 'Ready', status: ready }] },
});
const withPhase = (name: string, phase?: string, deleting = false): Obj => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
  status: phase === undefined ? {} : { phase },
});
const nnce = (name: string, progressing: boolean): Obj => ({ metadata: { name }, status: { conditions: [{ type: 'Progressing', status: progressing ? 'True' : 'False' }] } });
const nmstate = (name: string, created: string, spec?: unknown, conds?: { type: string; status: string }[]): Obj => ({
  metadata: { name, creationTimestamp: created }, spec, status: conds ? { conditions: conds } : undefined,
});
const named = (name: string): Obj => ({ metadata: { name } });

test('nodeReady: only Ready=True', () => {
  for (const [st, want] of [['True', true], ['False', false], ['Unknown', false], [undefined, false]] as const) {
    assert.equal(nodeReady(node('n', st)), want, String(st));
  }
});

const empty: InventoryInput = { nodes: [], vms: [], vmis: [], pods: [], nnces: [], nmstates: [], nnss: [] };

const cases: { name: string; input: Partial<InventoryInput>; want: Partial<ReturnType<typeof countInventory>> }[] = [
  { name: 'empty cluster', input: {}, want: { nodes: 0, nodesNotReady: 0, inProgress: 0 } },
  {
    name: 'nodes: Unknown and False both count as not ready',
    input: { nodes: [node('a', 'True'), node('b', 'Unknown'), node('c', 'False'), node('d', undefined)] },
    want: { nodes: 4, nodesNotReady: 3, inProgress: 0 },
  },
  {
    name: 'VMIs before Running are starting; Running, Failed and deleting ones are not',
    input: { vmis: [withPhase('a', 'Pending'), withPhase('b', 'Scheduling'), withPhase('c', 'Scheduled'), withPhase('d', 'Running'), withPhase('e', 'Failed'), withPhase('f', 'Pending', true), withPhase('g')] },
    want: { vmis: 7, vmisStarting: 4, inProgress: 4 },
  },
  {
    name: 'pods Pending are starting',
    input: { pods: [withPhase('a', 'Pending'), withPhase('b', 'Running'), withPhase('c', 'Succeeded')] },
    want: { pods: 3, podsStarting: 1, inProgress: 1 },
  },
  { name: 'enactments Progressing=True', input: { nnces: [nnce('a', true), nnce('b', false)] }, want: { enactmentsProgressing: 1, inProgress: 1 } },
  {
    name: 'NMState created: every linux node without a NodeNetworkState is a handler to come',
    input: { nodes: [node('m0', 'True'), node('m1', 'True'), node('w', 'True', {})], nmstates: [nmstate('nmstate', '2025-01-01T00:00:00Z')], nnss: [named('m0')] },
    want: { handlersPending: 1, inProgress: 1 },
  },
  {
    name: 'every handler reported: nothing in progress',
    input: { nodes: [node('m0', 'True'), node('m1', 'True')], nmstates: [nmstate('nmstate', '2025-01-01T00:00:00Z')], nnss: [named('m0'), named('m1')], vms: [named('vm')] },
    want: { handlersPending: 0, inProgress: 0, vms: 1 },
  },
  {
    name: 'no NMState: no handler is expected',
    input: { nodes: [node('m0', 'True')] },
    want: { handlersPending: 0, inProgress: 0 },
  },
];

for (const c of cases) {
  test(`countInventory: ${c.name}`, () => {
    const got = countInventory({ ...empty, ...c.input });
    for (const [k, v] of Object.entries(c.want)) assert.equal(got[k as keyof typeof got], v, k);
  });
}

test('handlersPending: the oldest instance counts, with its nodeSelector', () => {
  const nodes = [node('a', 'True', { 'kubernetes.io/os': 'linux', 'node-type': 'baremetal' }), node('b', 'True')];
  const insts = [
    nmstate('second', '2025-01-02T00:00:00Z'),
    nmstate('first', '2025-01-01T00:00:00Z', { nodeSelector: { 'node-type': 'baremetal' } }),
  ];
  assert.deepEqual(handlersPending(insts, nodes, []), ['a']);
  assert.deepEqual(handlersPending(insts, nodes, [named('a')]), []);
});

test('nmstateHealth: NotInstalled, Progressing, Available, Degraded', () => {
  assert.equal(nmstateHealth([]), 'NotInstalled');
  assert.equal(nmstateHealth([nmstate('n', 't')]), 'Progressing');
  assert.equal(nmstateHealth([nmstate('n', 't', undefined, [{ type: 'Available', status: 'False' }, { type: 'Progressing', status: 'True' }])]), 'Progressing');
  assert.equal(nmstateHealth([nmstate('n', 't', undefined, [{ type: 'Available', status: 'True' }, { type: 'Degraded', status: 'False' }])]), 'Available');
  assert.equal(nmstateHealth([nmstate('n', 't', undefined, [{ type: 'Available', status: 'True' }, { type: 'Degraded', status: 'True' }])]), 'Degraded');
});

// The NNCP list's states (pure): a policy's from its conditions, an enactment's from its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enactmentState, enactmentSummary, enactmentsOf, nodeOfEnactment, policyState, type Cond } from '../../console/src/models/nncp-status.js';

const obj = (name: string, conds: [string, string, string?][], labels?: Record<string, string>) => ({
  metadata: { name, ...(labels ? { labels } : {}) },
  status: { conditions: conds.map(([type, status, reason]): Cond => ({ type, status, ...(reason ? { reason } : {}) })) },
});

const policyCases: { name: string; conds: [string, string, string?][]; want: string }[] = [
  { name: 'Ignored/NoMatchingNode', conds: [['Available', 'False'], ['Ignored', 'True', 'NoMatchingNode']], want: 'Ignored/NoMatchingNode' },
  { name: 'Available', conds: [['Available', 'True', 'SuccessfullyConfigured'], ['Degraded', 'False']], want: 'Available/SuccessfullyConfigured' },
  { name: 'Degraded', conds: [['Degraded', 'True', 'FailedToConfigure'], ['Available', 'False']], want: 'Degraded/FailedToConfigure' },
  { name: 'Progressing', conds: [['Progressing', 'True', 'ConfigurationProgressing'], ['Available', 'Unknown']], want: 'Progressing/ConfigurationProgressing' },
  { name: 'all Unknown', conds: [['Available', 'Unknown']], want: 'Unknown/' },
  { name: 'no status', conds: [], want: 'Unknown/' },
];
for (const c of policyCases) {
  test(`policyState: ${c.name}`, () => {
    const s = policyState(obj('p', c.conds));
    assert.equal(`${s.state}/${s.reason ?? ''}`, c.want);
  });
}

const enactmentCases: { name: string; conds: [string, string, string?][]; want: string }[] = [
  { name: 'Available', conds: [['Available', 'True', 'SuccessfullyConfigured'], ['Failing', 'False']], want: 'Available/SuccessfullyConfigured' },
  { name: 'Failed', conds: [['Failing', 'True', 'FailedToConfigure'], ['Progressing', 'False']], want: 'Failing/FailedToConfigure' },
  { name: 'Retrying shows as Progressing with the Failing reason', conds: [['Failing', 'True', 'Retrying'], ['Progressing', 'True', 'Retrying']], want: 'Progressing/Retrying' },
  { name: 'Progressing', conds: [['Progressing', 'True', 'ConfigurationProgressing'], ['Failing', 'Unknown']], want: 'Progressing/ConfigurationProgressing' },
  { name: 'Pending', conds: [['Pending', 'True', 'MaxUnavailableLimitReached']], want: 'Pending/MaxUnavailableLimitReached' },
  { name: 'Aborted', conds: [['Aborted', 'True', 'ConfigurationAborted']], want: 'Aborted/ConfigurationAborted' },
  { name: 'Unknown', conds: [['Available', 'Unknown']], want: 'Unknown/' },
];
for (const c of enactmentCases) {
  test(`enactmentState: ${c.name}`, () => {
    const s = enactmentState(obj('n.p', c.conds));
    assert.equal(`${s.state}/${s.reason ?? ''}`, c.want);
  });
}

test('enactmentsOf, nodeOfEnactment, enactmentSummary', () => {
  const all = [
    obj('metal-0.p', [['Available', 'True']], { 'nmstate.io/policy': 'p', 'nmstate.io/node': 'metal-0' }),
    obj('metal-1.p', [['Available', 'True']]),
    obj('metal-2.p', [['Failing', 'True']]),
    obj('metal-0.q', [['Available', 'True']], { 'nmstate.io/policy': 'q' }),
    obj('metal-0.p.x', [['Pending', 'True']], { 'nmstate.io/policy': 'p.x' }),
  ];
  const mine = enactmentsOf('p', all);
  assert.deepEqual(mine.map((e) => e.metadata.name), ['metal-0.p', 'metal-1.p', 'metal-2.p']);
  assert.deepEqual(mine.map(nodeOfEnactment), ['metal-0', 'metal-1', 'metal-2']);
  assert.deepEqual(enactmentSummary(mine).map((g) => `${g.items.length} ${g.state}`), ['2 Available', '1 Failing']);
});

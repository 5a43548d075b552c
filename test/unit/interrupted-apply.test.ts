// What a restarted node agent makes of an apply its predecessor did not finish: the leftover checkpoint,
// and the maxUnavailable slot its enactment shows it holds.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { leftoverCheckpointAction, restoredMessage, slotHeldFor, slotPlan } from '../../src/agent/interrupted-apply.js';
import { enactmentConditions, unknownConditions, type EnactmentState } from '../../src/controllers/nncp/conditions.js';

describe('a leftover checkpoint', () => {
  const here = { node: 'metal-0', netns: 'vn-x-metal-0', netnsExists: true };
  const cases: [string, { netns: string; node?: string }, typeof here, ReturnType<typeof leftoverCheckpointAction>][] = [
    ['ours: restored', { netns: 'vn-x-metal-0', node: 'metal-0' }, here, 'restore'],
    ['no node recorded (same namespace): restored', { netns: 'vn-x-metal-0' }, here, 'restore'],
    ['namespace gone: nothing to restore', { netns: 'vn-x-metal-0', node: 'metal-0' }, { ...here, netnsExists: false }, 'discard'],
    ['another node\'s: left alone', { netns: 'vn-x-metal-0', node: 'metal-1' }, here, 'foreign'],
    ['another namespace\'s: left alone', { netns: 'vn-x-metal-1', node: 'metal-0' }, here, 'foreign'],
  ];
  for (const [name, cp, at, want] of cases) it(name, () => assert.equal(leftoverCheckpointAction(cp, at), want));

  it('the log line names the policy and its generation', () => {
    assert.equal(restoredMessage({ name: 'create-br0-static', generation: 3 }),
      'restored checkpoint of interrupted apply of policy create-br0-static (generation 3)');
    assert.equal(restoredMessage(undefined), 'restored checkpoint of an interrupted apply');
  });
});

describe('the slot an enactment shows its node holds', () => {
  const at = (s: EnactmentState, policyGeneration = 2): { conditions: ReturnType<typeof enactmentConditions>; policyGeneration: number } =>
    ({ conditions: enactmentConditions(s), policyGeneration });
  const cases: [string, Parameters<typeof slotHeldFor>[0], number | undefined][] = [
    ['Progressing: held for its generation', at({ state: 'Progressing' }), 2],
    ['Progressing at an older generation: that one', at({ state: 'Progressing' }, 1), 1],
    ['Retrying: given back before the retry', at({ state: 'Retrying', node: 'n', attempt: 1, max: 5 }), undefined],
    ['Pending: never had one', at({ state: 'Pending' }), undefined],
    ['Available: given back', at({ state: 'Success' }), undefined],
    ['Failed: kept for good, not an interrupted apply', at({ state: 'Failed', message: 'x' }), undefined],
    ['Aborted', at({ state: 'Aborted', enactment: 'n.p' }), undefined],
    ['new (all Unknown)', { conditions: unknownConditions(['Failing', 'Available', 'Progressing', 'Pending', 'Aborted']), policyGeneration: 1 }, undefined],
    ['no status', undefined, undefined],
    ['Progressing without a generation', { conditions: enactmentConditions({ state: 'Progressing' }) }, undefined],
  ];
  for (const [name, status, want] of cases) it(name, () => assert.equal(slotHeldFor(status), want));
});

describe('how an apply gets its slot', () => {
  const cases: [string, number | undefined, number, ReturnType<typeof slotPlan>][] = [
    ['none held: take one', undefined, 4, { kind: 'take' }],
    ['held for this generation: reuse it, never take two', 4, 4, { kind: 'reuse' }],
    ['held for an older generation: give it back, then take', 3, 4, { kind: 'release-then-take', generation: 3 }],
  ];
  for (const [name, held, gen, want] of cases) it(name, () => assert.deepEqual(slotPlan(held, gen), want));
});

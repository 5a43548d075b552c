import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { policyConditions, enactmentConditions, mergeConditions, maxUnavailableNodes, type Condition } from '../../src/controllers/nncp/conditions.js';

const trueOne = (cs: Condition[]): string => cs.filter((c) => c.status === 'True').map((c) => `${c.type}/${c.reason}: ${c.message}`).join(' + ');

describe('policy conditions (reference §2)', () => {
  const cases: [string, Parameters<typeof policyConditions>[0], string][] = [
    ['no matching node', { matching: 0, ready: 0, available: 0, failing: 0, aborted: 0, pending: 0 }, 'Ignored/NoMatchingNode: Policy does not match any node'],
    ['all configured', { matching: 2, ready: 2, available: 2, failing: 0, aborted: 0, pending: 0 }, 'Available/SuccessfullyConfigured: 2/2 nodes successfully configured'],
    ['one failed, rest aborted', { matching: 5, ready: 5, available: 0, failing: 1, aborted: 4, pending: 0 }, 'Degraded/FailedToConfigure: 1/5 nodes failed to configure, 4 nodes aborted configuration'],
    ['failed without aborts', { matching: 3, ready: 3, available: 2, failing: 1, aborted: 0, pending: 0 }, 'Degraded/FailedToConfigure: 1/3 nodes failed to configure'],
    ['progressing', { matching: 3, ready: 3, available: 1, failing: 0, aborted: 0, pending: 0 }, 'Progressing/ConfigurationProgressing: Policy is progressing 1/3 nodes finished'],
    ['pending', { matching: 3, ready: 3, available: 1, failing: 0, aborted: 0, pending: 1 }, 'Progressing/ConfigurationProgressing: Policy is progressing 1/3 nodes finished, 1 pending'],
    ['not ready ignored', { matching: 3, ready: 2, available: 1, failing: 0, aborted: 0, pending: 0, notReadyIgnored: 1 }, 'Progressing/ConfigurationProgressing: Policy is progressing 1/2 nodes finished, 1 nodes ignored due to NotReady state'],
  ];
  for (const [name, counts, want] of cases) {
    it(name, () => assert.equal(trueOne(policyConditions(counts)), want));
  }
  it('progressing leaves Available and Degraded Unknown', () => {
    const cs = policyConditions({ matching: 2, ready: 2, available: 0, failing: 0, aborted: 0, pending: 0 });
    assert.deepEqual(cs.map((c) => `${c.type}=${c.status}`), ['Available=Unknown', 'Degraded=Unknown', 'Progressing=True', 'Ignored=False']);
  });
});

describe('enactment conditions (reference §3)', () => {
  const cases: [Parameters<typeof enactmentConditions>[0], string][] = [
    [{ state: 'Progressing' }, 'Progressing/ConfigurationProgressing: Applying desired state'],
    [{ state: 'Pending' }, 'Pending/MaxUnavailableLimitReached: Waiting for progressing nodes to finish'],
    [{ state: 'Success' }, 'Available/SuccessfullyConfigured: successfully reconciled'],
    [{ state: 'Retrying', node: 'metal-0', attempt: 2, max: 5 }, 'Failing/Retrying: failed to reconcile NodeNetworkConfigurationPolicy on node metal-0. Retrying 2/5 + Progressing/Retrying: failed to reconcile NodeNetworkConfigurationPolicy on node metal-0. Retrying 2/5'],
    [{ state: 'Failed', message: 'boom' }, 'Failing/FailedToConfigure: boom'],
    [{ state: 'Aborted', enactment: 'metal-1.p' }, 'Aborted/ConfigurationAborted: reconciliation of enactment "metal-1.p" has aborted'],
  ];
  for (const [state, want] of cases) {
    it(state.state, () => assert.equal(trueOne(enactmentConditions(state)), want));
  }
  it('progressing leaves Failing and Available Unknown', () => {
    const cs = enactmentConditions({ state: 'Progressing' });
    assert.deepEqual(cs.filter((c) => c.status === 'Unknown').map((c) => c.type).sort(), ['Available', 'Failing']);
  });
});

describe('mergeConditions', () => {
  it('moves lastTransitionTime only when the status changes', () => {
    const t1 = '2026-01-01T00:00:00Z';
    const t2 = '2026-01-01T00:01:00Z';
    const first = mergeConditions(undefined, [{ type: 'Available', status: 'False', reason: '', message: '' }], t1);
    const same = mergeConditions(first, [{ type: 'Available', status: 'False', reason: 'x', message: '' }], t2);
    assert.equal(same[0]!.lastTransitionTime, t1);
    assert.equal(same[0]!.lastHeartbeatTime, t2);
    const flipped = mergeConditions(same, [{ type: 'Available', status: 'True', reason: '', message: '' }], t2);
    assert.equal(flipped[0]!.lastTransitionTime, t2);
  });
});

describe('maxUnavailable', () => {
  const cases: [number | string | undefined, number, number][] = [
    [undefined, 5, 3], ['50%', 5, 3], ['50%', 2, 1], ['10%', 5, 1], [1, 5, 1], [3, 5, 3], ['2', 5, 2],
    ['0%', 5, 1], ['bogus', 4, 2], [0, 4, 2], [-1, 4, 2], ['100%', 20, 20],
  ];
  for (const [v, n, want] of cases) {
    it(`${JSON.stringify(v)} of ${n} → ${want}`, () => assert.equal(maxUnavailableNodes(v, n), want));
  }
});

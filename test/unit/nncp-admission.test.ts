import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validatePolicyWrite } from '../../src/apis/nmstate.io/v1/node-network-configuration-policy.js';
import { fieldErrorString } from '../../src/common/status-error.js';
import type { KubeObject } from '../../src/common/object.js';

const policy = (spec: Record<string, unknown>, conditions?: unknown[], name = 'p1'): KubeObject => ({
  apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name }, spec, ...(conditions ? { status: { conditions } } : {}),
});
const msgs = (o: KubeObject, old?: KubeObject): string[] => validatePolicyWrite(o, old).map(fieldErrorString);

describe('NNCP admission (nncp-validation-policy)', () => {
  it('accepts a new policy whose name fits a label value, refuses a longer one', () => {
    assert.deepEqual(msgs(policy({})), []);
    assert.match(msgs(policy({}, undefined, 'x'.repeat(64)))[0]!, /^metadata.name: Invalid value: "x{64}": must be no more than 63 (characters|bytes)/);
  });
  it('refuses a spec change while the policy is progressing', () => {
    const old = policy({ desiredState: { a: 1 } }, [{ type: 'Progressing', status: 'True', reason: 'ConfigurationProgressing' }]);
    assert.deepEqual(msgs(policy({ desiredState: { a: 2 } }), old), ['spec: Forbidden: policy p1 is still in progress']);
  });
  it('allows a spec change once the policy finished, and status-only writes any time', () => {
    const done = policy({ desiredState: { a: 1 } }, [{ type: 'Available', status: 'True', reason: 'SuccessfullyConfigured' }, { type: 'Progressing', status: 'False' }]);
    assert.deepEqual(msgs(policy({ desiredState: { a: 2 } }), done), []);
    const busy = policy({ desiredState: { a: 1 } }, [{ type: 'Progressing', status: 'True' }]);
    assert.deepEqual(msgs(policy({ desiredState: { a: 1 } }, [{ type: 'Available', status: 'True' }]), busy), []);
  });
  it('never lets capture change', () => {
    const old = policy({ capture: { gw: 'routes.running.destination=="0.0.0.0/0"' } });
    assert.deepEqual(msgs(policy({ capture: { gw: 'routes.running' } }), old), ['spec.capture: Forbidden: invalid policy operation: capture field cannot be modified']);
  });
});

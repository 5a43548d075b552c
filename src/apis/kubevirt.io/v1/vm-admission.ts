// virt-api's validating webhooks for VirtualMachines and VirtualMachineInstances, as far as virtnet acts
// on them: the networking rules and, for VMs, the run strategy (KV release-1.4
// pkg/virt-api/webhooks/validating-webhook/admitters/vms-admitter.go).
import type { StatusCause } from '../../../common/status-error.js';
import type { KubeObject } from '../../../common/object.js';
import { isPlainObject } from '../../../common/object.js';
import type { ValidatingWebhook } from '../../kind.js';
import { validateNetworking } from './network-admission.js';

export const RUN_STRATEGIES = ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once'] as const;

/** Webhook names as registered by virt-operator; they prefix every denial. */
export const VM_VALIDATOR = 'virtualmachine-validator.kubevirt.io';
export const VMI_CREATE_VALIDATOR = 'virtualmachineinstances-create-validator.kubevirt.io';

export function validateRunStrategy(spec: Record<string, unknown>): StatusCause[] {
  const out: StatusCause[] = [];
  const running = spec['running'];
  const strategy = spec['runStrategy'];
  if (running !== undefined && strategy !== undefined) {
    out.push({ reason: 'FieldValueInvalid', field: 'spec.running', message: 'Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead' });
  }
  if (running === undefined && strategy === undefined) {
    out.push({ reason: 'FieldValueInvalid', field: 'spec.running', message: 'RunStrategy must be specified' });
  }
  if (strategy !== undefined && !(RUN_STRATEGIES as readonly unknown[]).includes(strategy)) {
    out.push({ reason: 'FieldValueInvalid', field: 'spec.runStrategy', message: `Invalid RunStrategy (${String(strategy)})` });
  }
  return out;
}

export function validateVirtualMachine(vm: KubeObject): StatusCause[] {
  const spec = isPlainObject(vm['spec']) ? vm['spec'] : {};
  const template = isPlainObject(spec['template']) ? spec['template'] : {};
  return [...validateNetworking(template['spec'], 'spec.template.spec'), ...validateRunStrategy(spec)];
}

export function validateVirtualMachineInstance(vmi: KubeObject): StatusCause[] {
  return validateNetworking(vmi['spec'], 'spec');
}

export const vmValidatingWebhook: ValidatingWebhook = {
  name: VM_VALIDATOR,
  operations: ['CREATE', 'UPDATE'],
  validate: (obj) => validateVirtualMachine(obj),
};

/**
 * Only creation: a VMI's spec is fixed once created (the update admitter only guards that), and the
 * controllers write a VMI's status through the main resource.
 */
export const vmiCreateValidatingWebhook: ValidatingWebhook = {
  name: VMI_CREATE_VALIDATOR,
  operations: ['CREATE'],
  validate: (obj) => validateVirtualMachineInstance(obj),
};

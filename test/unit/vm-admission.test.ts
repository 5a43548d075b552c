// virt-api's network and run-strategy admission for VMs and VMIs: every message of the reference table,
// with its field path, as the webhook reports it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateVirtualMachine, validateVirtualMachineInstance, vmValidatingWebhook, VM_VALIDATOR,
} from '../../src/apis/kubevirt.io/v1/vm-admission.js';
import { vmKind } from '../../src/apis/kubevirt.io/v1/virtual-machine.js';
import { webhookDenied, runValidatingWebhooks } from '../../src/api/admission.js';
import type { KubeObject } from '../../src/common/object.js';
import { StatusError } from '../../src/common/status-error.js';
import { formatMac, macToNumber, parseMac } from '../../src/common/mac-address.js';

type Json = Record<string, unknown>;

const vm = (tspec: Json, spec: Json = { runStrategy: 'Halted' }): KubeObject => ({
  apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm1', namespace: 'ns' },
  spec: { ...spec, template: { spec: tspec } },
});
const nics = (interfaces: Json[], networks: Json[]): Json => ({ domain: { devices: { interfaces } }, networks });
/** "field: message" for each cause. */
const causes = (o: KubeObject): string[] => validateVirtualMachine(o).map((c) => `${c.field}: ${c.message}`);
const P = 'spec.template.spec';
const I = (i: number) => `${P}.domain.devices.interfaces[${i}]`;

const pod = { name: 'default', pod: {} };
const masq = { name: 'default', masquerade: {} };

describe('VM network admission (virt-api network admitter)', () => {
  it('accepts the guide\'s VMs: masquerade on the pod network, bridge on a NAD, l2bridge on a primary UDN', () => {
    assert.deepEqual(causes(vm(nics([masq, { name: 'flat', bridge: {}, model: 'virtio', macAddress: '02:a5:e2:00:00:01' }],
      [pod, { name: 'flat', multus: { networkName: 'flatnetwork' } }]))), []);
    assert.deepEqual(causes(vm(nics([{ name: 'default', binding: { name: 'l2bridge' } }], [pod]))), []);
    assert.deepEqual(causes(vm({ domain: { devices: {} } })), []);
  });

  const table: Array<[string, Json, string[]]> = [
    ['no binding', nics([{ name: 'default' }], [pod]),
      [`${I(0)}: logical default interface must have exactly one binding method or binding plugin`]],
    ['two bindings', nics([{ name: 'default', bridge: {}, masquerade: {} }], [pod]),
      [`${I(0)}: logical default interface must have exactly one binding method or binding plugin`]],
    ['binding plugin plus a method', nics([{ name: 'default', bridge: {}, binding: { name: 'l2bridge' } }], [pod]),
      [`${I(0)}: logical default interface must have exactly one binding method or binding plugin`]],
    ['masquerade on a Multus network', nics([{ name: 'n', masquerade: {} }], [{ name: 'n', multus: { networkName: 'nad' } }]),
      [`${I(0)}.name: Masquerade interface only implemented with pod network`]],
    ['two pod networks', nics([masq, { name: 'b', masquerade: {} }], [pod, { name: 'b', pod: {} }]),
      [`${P}.interfaces: more than one interface is connected to a pod network in ${P}.interfaces`]],
    ['two Multus defaults', nics([{ name: 'a', bridge: {} }, { name: 'b', bridge: {} }],
      [{ name: 'a', multus: { networkName: 'x', default: true } }, { name: 'b', multus: { networkName: 'y', default: true } }]),
    [`${P}.networks: Multus CNI should only have one default network`]],
    ['pod network plus a Multus default', nics([masq, { name: 'b', bridge: {} }], [pod, { name: 'b', multus: { networkName: 'y', default: true } }]),
      [`${P}.networks: Pod network cannot be defined when Multus default network is defined`]],
    ['a network without a type', nics([{ name: 'n', bridge: {} }], [{ name: 'n' }]),
      [`${P}.networks[0]: should have a network type`]],
    ['a network with two types', nics([masq], [{ name: 'default', pod: {}, multus: { networkName: 'x' } }]),
      [`${P}.networks[0]: should have only one network type`]],
    ['Multus without a networkName', nics([{ name: 'n', bridge: {} }], [{ name: 'n', multus: { networkName: '' } }]),
      [`${P}.networks[0]: CNI delegating plugin must have a networkName`]],
    ['duplicate network names', nics([masq], [pod, { name: 'default', multus: { networkName: 'x' } }]),
      [`${P}.networks[1].name: Network with name "default" already exists, every network must have a unique name`]],
    ['duplicate interface names', nics([masq, { name: 'default', masquerade: {} }], [pod]),
      [`${I(1)}.name: Only one interface can be connected to one specific network`]],
    ['an interface without its network', nics([masq, { name: 'lost', bridge: {} }], [pod]),
      [`${I(1)}.name: ${I(1)}.name 'lost' not found.`]],
    ['a network without its interface', nics([masq], [pod, { name: 'spare', multus: { networkName: 'x' } }]),
      [`${P}.networks[1].name: ${P}.networks[1].name 'spare' not found.`]],
    ['a bad interface name', nics([{ name: 'bad.name', bridge: {} }], [{ name: 'bad.name', multus: { networkName: 'x' } }]),
      [`${I(0)}.name: Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)`]],
    ['an unknown model', nics([{ ...masq, model: 'vmxnet3' }], [pod]),
      [`${I(0)}.model: interface ${I(0)}.name uses model vmxnet3 that is not supported.`]],
    ['the in-pod bridge\'s MAC on masquerade', nics([{ ...masq, macAddress: '02:00:00:00:00:00' }], [pod]),
      [`${I(0)}.macAddress: The requested MAC address is reserved for the in-pod bridge. Please choose another one.`]],
    ['a malformed MAC', nics([{ ...masq, macAddress: '02:00:00:00:00' }], [pod]),
      [`${I(0)}.macAddress: interface ${I(0)}.name has malformed MAC address (02:00:00:00:00).`]],
    ['an EUI-64 MAC', nics([{ ...masq, macAddress: '02:00:00:00:00:00:00:01' }], [pod]),
      [`${I(0)}.macAddress: interface ${I(0)}.name has MAC address (02:00:00:00:00:00:00:01) that is too long.`]],
    ['a malformed PCI address', nics([{ ...masq, pciAddress: '0000:81:01' }], [pod]),
      [`${I(0)}.pciAddress: interface ${I(0)}.name has malformed PCI address (0000:81:01).`]],
    ['port 0', nics([{ ...masq, ports: [{ port: 0 }] }], [pod]), [`${I(0)}.ports[0]: Port field is mandatory.`]],
    ['port out of range', nics([{ ...masq, ports: [{ port: 70000 }, { port: -1 }] }], [pod]),
      [`${I(0)}.ports[0]: Port field must be in range 0 < x < 65536.`, `${I(0)}.ports[1]: Port field must be in range 0 < x < 65536.`]],
    ['an unknown protocol', nics([{ ...masq, ports: [{ port: 80, protocol: 'SCTP' }] }], [pod]),
      [`${I(0)}.ports[0].protocol: Unknown protocol, only TCP or UDP allowed`]],
    ['port names', nics([{ ...masq, ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }, { name: 'Bad_Name', port: 82 }] }], [pod]),
      [`${I(0)}.ports[1].name: Duplicate name of the port: http`, `${I(0)}.ports[2].name: Invalid name of the port: Bad_Name`]],
    ['an unknown state', nics([{ ...masq, state: 'sleeping' }], [pod]),
      [`${I(0)}.state: logical default interface state value is unsupported: sleeping`]],
    ['down on SR-IOV', nics([{ name: 's', sriov: {}, state: 'down' }], [{ name: 's', multus: { networkName: 'x' } }]),
      [`${I(0)}.state: "s" interface's state "down" is not supported for SR-IOV NICs`]],
    ['absent on masquerade, on the default network', nics([{ ...masq, state: 'absent' }], [pod]),
      [`${I(0)}.state: "default" interface's state "absent" is supported only for bridge binding`,
        `${I(0)}.state: "default" interface's state "absent" is not supported on default networks`]],
    ['slirp, passt and macvtap', nics([{ name: 'a', slirp: {} }, { name: 'b', passt: {} }, { name: 'c', macvtap: {} }],
      [{ name: 'a', pod: {} }, { name: 'b', multus: { networkName: 'x' } }, { name: 'c', multus: { networkName: 'y' } }]),
    [`${I(0)}.slirp: Slirp interface support has been discontinued since v1.3`,
      `${I(1)}.passt: Passt network binding has been discontinued since v1.3`,
      `${I(2)}.macvtap: Macvtap network binding has been discontinued since v1.3`]],
  ];
  for (const [what, spec, want] of table) {
    it(`refuses ${what}`, () => assert.deepEqual(causes(vm(spec)), want));
  }

  it('lets ports through where they do not apply (bridge on a Multus network) and accepts up/down/absent on bridges', () => {
    assert.deepEqual(causes(vm(nics([masq, { name: 'b', bridge: {}, ports: [{ port: 0 }], state: 'absent' }, { name: 'c', bridge: {}, state: 'down' }],
      [pod, { name: 'b', multus: { networkName: 'x' } }, { name: 'c', multus: { networkName: 'y' } }]))), []);
  });

  it('reports every broken rule at once, in upstream order', () => {
    assert.deepEqual(causes(vm(nics([{ name: 'x' }, { name: 'x', masquerade: {} }], [pod]))), [
      `${I(0)}: logical x interface must have exactly one binding method or binding plugin`,
      `${I(1)}.name: Masquerade interface only implemented with pod network`,
      `${P}.networks[0].name: ${P}.networks[0].name 'default' not found.`,
      `${I(1)}.name: Only one interface can be connected to one specific network`,
      `${I(0)}.name: ${I(0)}.name 'x' not found.`,
      `${I(1)}.name: ${I(1)}.name 'x' not found.`,
    ]);
  });
});

describe('VM run strategy admission', () => {
  const base = nics([masq], [pod]);
  it('requires exactly one of running and runStrategy, and a known strategy', () => {
    assert.deepEqual(causes(vm(base, { running: true, runStrategy: 'Always' })),
      ['spec.running: Running and RunStrategy are mutually exclusive. Note that Running is deprecated, please use RunStrategy instead']);
    assert.deepEqual(causes(vm(base, {})), ['spec.running: RunStrategy must be specified']);
    assert.deepEqual(causes(vm(base, { runStrategy: 'Sometimes' })), ['spec.runStrategy: Invalid RunStrategy (Sometimes)']);
    for (const s of ['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once']) assert.deepEqual(causes(vm(base, { runStrategy: s })), []);
    assert.deepEqual(causes(vm(base, { running: false })), []);
  });
});

describe('VMI network admission', () => {
  it('uses the VMI\'s own field paths', () => {
    const vmi: KubeObject = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: 'v' }, spec: nics([{ name: 'default', bridge: {} }, { name: 'x', masquerade: {} }], [pod]) };
    assert.deepEqual(validateVirtualMachineInstance(vmi).map((c) => `${c.field}: ${c.message}`), [
      'spec.domain.devices.interfaces[1].name: Masquerade interface only implemented with pod network',
      "spec.domain.devices.interfaces[1].name: spec.domain.devices.interfaces[1].name 'x' not found.",
    ]);
  });
});

describe('the webhook denial', () => {
  it('is a 422 Invalid prefixed as kube-apiserver words a webhook rejection, with one cause per rule', () => {
    const o = vm(nics([{ name: 'default' }], [pod]), {});
    let err: unknown;
    try {
      runValidatingWebhooks(vmKind, o, undefined);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof StatusError);
    const st = err.toStatus();
    assert.equal(st.code, 422);
    assert.equal(st.reason, 'Invalid');
    assert.equal(st.message, `admission webhook "${VM_VALIDATOR}" denied the request: logical default interface must have exactly one binding method or binding plugin, RunStrategy must be specified`);
    assert.deepEqual(st.details?.causes, [
      { reason: 'FieldValueInvalid', field: I(0), message: 'logical default interface must have exactly one binding method or binding plugin' },
      { reason: 'FieldValueInvalid', field: 'spec.running', message: 'RunStrategy must be specified' },
    ]);
    assert.deepEqual(webhookDenied('w', []).toStatus().message, 'admission webhook "w" denied the request: ');
    assert.deepEqual(vmValidatingWebhook.operations, ['CREATE', 'UPDATE']);
  });
});

describe('VM defaults', () => {
  it('gives a template without interfaces and networks the pod network with masquerade, on create only', () => {
    const o = vm({ domain: { devices: {} } });
    vmKind.defaults!(o);
    assert.deepEqual((o['spec'] as Json)['template'], { spec: { domain: { devices: { interfaces: [masq] } }, networks: [pod] } });
    const opted = vm({ domain: { devices: { autoattachPodInterface: false } } });
    vmKind.defaults!(opted);
    assert.deepEqual((opted['spec'] as Json)['template'], { spec: { domain: { devices: { autoattachPodInterface: false } } } });
    const secondary = vm(nics([{ name: 'n', bridge: {} }], [{ name: 'n', multus: { networkName: 'x' } }]));
    vmKind.defaults!(secondary);
    assert.deepEqual((secondary['spec'] as Json)['template'], { spec: nics([{ name: 'n', bridge: {} }], [{ name: 'n', multus: { networkName: 'x' } }]) });
  });
});

describe('MAC addresses as Go\'s net.ParseMAC reads them', () => {
  it('takes colon, dash and dotted forms, any case; refuses the rest', () => {
    for (const s of ['02:a5:E2:00:00:01', '02-A5-E2-00-00-01', '02a5.e200.0001']) assert.equal(formatMac(macToNumber(s)!), '02:a5:e2:00:00:01', s);
    assert.equal(parseMac('02:00:00:00:00:00:00:01')?.length, 8);
    assert.equal(macToNumber('02:00:00:00:00:00:00:01'), undefined);
    for (const s of ['02:00:00:00:00', '02:00:00:00:00:0g', '02:00-00:00:00:00', '0200.0000.0000.', 'zz', '02:00:00:00:00:000']) {
      assert.equal(parseMac(s), undefined, s);
    }
    assert.equal(formatMac(2 ** 48 - 1), 'ff:ff:ff:ff:ff:ff');
  });
});

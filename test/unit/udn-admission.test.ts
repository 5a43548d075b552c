// UserDefinedNetwork / ClusterUserDefinedNetwork admission as the CRD does it (schema, then the CEL rules
// unless the schema already failed in a blocking way), and the namespace-label admission policy: every
// message of the reference table with its field path, as a 422 reaches kubectl.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateForStore } from '../../src/api/admission.js';
import { kindByGroupKind } from '../../src/apis/registry.js';
import type { KindDef } from '../../src/apis/kind.js';
import type { KubeObject } from '../../src/common/object.js';
import { StatusError } from '../../src/common/status-error.js';
import { RULES_NOT_CHECKED } from '../../src/apis/k8s.ovn.org/v1/cel.js';

type Json = Record<string, unknown>;
const udnKind = kindByGroupKind('k8s.ovn.org', 'UserDefinedNetwork')!;
const cudnKind = kindByGroupKind('k8s.ovn.org', 'ClusterUserDefinedNetwork')!;
const nsKind = kindByGroupKind('', 'Namespace')!;

/** The `field: message` of each cause, or [] when admitted. */
function causes(def: KindDef, o: Json, old?: Json): string[] {
  try {
    validateForStore(def, o as unknown as KubeObject, old as unknown as KubeObject | undefined);
    return [];
  } catch (e) {
    assert.ok(e instanceof StatusError, String(e));
    return (e.details?.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  }
}

const udn = (spec: Json): Json => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name: 'u', namespace: 'ns' }, spec });
const cudn = (network: Json, namespaceSelector: Json = {}): Json => ({
  apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', metadata: { name: 'c' }, spec: { namespaceSelector, network },
});
const l2 = (layer2: Json): Json => ({ topology: 'Layer2', layer2 });
const l3 = (layer3: Json): Json => ({ topology: 'Layer3', layer3 });
const NOT_CHECKED = `<nil>: Invalid value: "null": ${RULES_NOT_CHECKED}`;
const guide = l2({ role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } });

describe('UserDefinedNetwork CEL rules (every message, its path)', () => {
  const table: Array<[string, Json, string[]]> = [
    ['the guide\'s primary layer2 with persistent IPs', guide, []],
    ['a dual-stack layer3 with host subnets (IPv6 /64 on a /48 is fine)', l3({ role: 'Primary', subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 24 }, { cidr: 'fd00:10::/48', hostSubnet: 64 }], mtu: 1400 }), []],
    ['Layer3 topology without layer3', { topology: 'Layer3', layer2: { role: 'Secondary', subnets: ['10.0.0.0/24'] } }, [
      'spec: Invalid value: "object": spec.layer3 is required when topology is Layer3 and forbidden otherwise',
      'spec: Invalid value: "object": spec.layer2 is required when topology is Layer2 and forbidden otherwise',
    ]],
    ['Layer2 topology with layer3 as well', { ...guide, layer3: { role: 'Secondary', subnets: [{ cidr: '10.0.0.0/16' }] } }, [
      'spec: Invalid value: "object": spec.layer3 is required when topology is Layer3 and forbidden otherwise',
    ]],
    ['layer3: join subnets on a secondary network', l3({ role: 'Secondary', subnets: [{ cidr: '10.0.0.0/16' }], joinSubnets: ['100.66.0.0/16'] }), [
      'spec.layer3: Invalid value: "object": JoinSubnets is only supported for Primary network',
    ]],
    ['layer3: MTU below 1280 with an IPv6 subnet', l3({ role: 'Primary', subnets: [{ cidr: 'fd00:10::/48' }], mtu: 1000 }), [
      'spec.layer3: Invalid value: "object": MTU should be greater than or equal to 1280 when IPv6 subent is used',
    ]],
    ['layer3: host subnet not smaller than the CIDR', l3({ role: 'Primary', subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 16 }] }), [
      'spec.layer3.subnets[0]: Invalid value: "object": HostSubnet must be smaller than CIDR subnet',
    ]],
    ['layer3: IPv4 host subnet of 32', l3({ role: 'Primary', subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 32 }] }), [
      'spec.layer3.subnets[0]: Invalid value: "object": HostSubnet must < 32 for ipv4 CIDR',
    ]],
    ['layer3: two IPv4 subnets', l3({ role: 'Primary', subnets: [{ cidr: '10.1.0.0/16' }, { cidr: '10.2.0.0/16' }] }), [
      'spec.layer3.subnets: Invalid value: "array": When 2 CIDRs are set, they must be from different IP families',
    ]],
    ['layer3: a CIDR that is none', l3({ role: 'Primary', subnets: [{ cidr: '10.1.0.0' }] }), [
      'spec.layer3.subnets[0].cidr: Invalid value: "string": CIDR is invalid',
    ]],
    ['layer2: no subnets with IPAM enabled', l2({ role: 'Primary' }), [
      'spec.layer2: Invalid value: "object": Subnets is required with ipam.mode is Enabled or unset',
    ]],
    ['layer2: IPAM Disabled on a primary with subnets and persistent IPs', l2({ role: 'Primary', subnets: ['10.0.0.0/24'], ipam: { mode: 'Disabled', lifecycle: 'Persistent' } }), [
      'spec.layer2: Invalid value: "object": Subnets must be unset when ipam.mode is Disabled',
      'spec.layer2: Invalid value: "object": Disabled ipam.mode is only supported for Secondary network',
      'spec.layer2.ipam: Invalid value: "object": lifecycle Persistent is only supported when ipam.mode is Enabled',
    ]],
    ['layer2: IPAM Disabled on a secondary without subnets', l2({ role: 'Secondary', ipam: { mode: 'Disabled' } }), []],
    ['layer2: join subnets and a low MTU on a secondary IPv6 network', l2({ role: 'Secondary', subnets: ['10.0.0.0/24', 'fd00:10::/64'], joinSubnets: ['100.66.0.0/16'], mtu: 1000 }), [
      'spec.layer2: Invalid value: "object": JoinSubnets is only supported for Primary network',
      'spec.layer2: Invalid value: "object": MTU should be greater than or equal to 1280 when IPv6 subent is used',
    ]],
    ['layer2: two IPv4 subnets and a join subnet that is no CIDR', l2({ role: 'Primary', subnets: ['10.0.0.0/24', '10.1.0.0/24'], joinSubnets: ['10.0.0.300/16'] }), [
      'spec.layer2.subnets: Invalid value: "array": When 2 CIDRs are set, they must be from different IP families',
      'spec.layer2.joinSubnets[0]: Invalid value: "string": CIDR is invalid',
    ]],
    ['layer2: an IPv4-mapped IPv6 CIDR', l2({ role: 'Secondary', subnets: ['::ffff:10.0.0.0/104'] }), [
      'spec.layer2.subnets[0]: Invalid value: "string": CIDR is invalid',
    ]],
  ];
  for (const [name, spec, want] of table) it(name, () => assert.deepEqual(causes(udnKind, udn(spec)), want));

  it('renders a CEL failure as kubectl receives it', () => {
    try {
      validateForStore(udnKind, udn(l2({ role: 'Primary' })) as unknown as KubeObject, undefined);
      assert.fail('admitted');
    } catch (e) {
      assert.ok(e instanceof StatusError);
      assert.deepEqual(e.toStatus(), {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
        message: 'UserDefinedNetwork.k8s.ovn.org "u" is invalid: spec.layer2: Invalid value: "object": Subnets is required with ipam.mode is Enabled or unset',
        details: { name: 'u', group: 'k8s.ovn.org', kind: 'UserDefinedNetwork', causes: [{ reason: 'FieldValueInvalid', field: 'spec.layer2', message: 'Invalid value: "object": Subnets is required with ipam.mode is Enabled or unset' }] },
      });
    }
  });

  it('keeps the spec immutable, and reports the other rules of a changed spec too', () => {
    assert.deepEqual(causes(udnKind, udn(guide), udn(guide)), []);
    assert.deepEqual(causes(udnKind, udn(l2({ role: 'Primary', subnets: ['192.168.253.0/24'] })), udn(guide)), ['spec: Invalid value: "object": Spec is immutable']);
    assert.deepEqual(causes(udnKind, udn(l2({ role: 'Primary' })), udn(guide)), [
      'spec: Invalid value: "object": Spec is immutable',
      'spec.layer2: Invalid value: "object": Subnets is required with ipam.mode is Enabled or unset',
    ]);
    const labelled = { ...udn(guide), metadata: { name: 'u', namespace: 'ns', labels: { a: 'b' } } };
    assert.deepEqual(causes(udnKind, labelled, udn(guide)), [], 'metadata stays writable');
  });
});

describe('ClusterUserDefinedNetwork CEL rules', () => {
  it('applies the topology rules at spec.network and the layer rules below it', () => {
    assert.deepEqual(causes(cudnKind, cudn({ topology: 'Layer3', layer2: { role: 'Primary', subnets: ['10.0.0.0/24'] } })), [
      'spec.network: Invalid value: "object": spec.layer3 is required when topology is Layer3 and forbidden otherwise',
      'spec.network: Invalid value: "object": spec.layer2 is required when topology is Layer2 and forbidden otherwise',
    ]);
    assert.deepEqual(causes(cudnKind, cudn(l2({ role: 'Primary', subnets: ['10.0.0.0/24'], ipam: { mode: 'Disabled' } }))), [
      'spec.network.layer2: Invalid value: "object": Subnets must be unset when ipam.mode is Disabled',
      'spec.network.layer2: Invalid value: "object": Disabled ipam.mode is only supported for Secondary network',
    ]);
  });
  it('keeps the network immutable but lets the namespace selector change', () => {
    const net = l2({ role: 'Secondary', subnets: ['10.0.0.0/24'] });
    assert.deepEqual(causes(cudnKind, cudn(net, { matchLabels: { b: '1' } }), cudn(net, { matchLabels: { a: '1' } })), []);
    assert.deepEqual(causes(cudnKind, cudn(l2({ role: 'Secondary', subnets: ['10.9.0.0/24'] })), cudn(net)), [
      'spec.network: Invalid value: "object": Network spec is immutable',
    ]);
    assert.deepEqual(causes(cudnKind, cudn({ topology: 'Layer3', layer2: { role: 'Secondary', subnets: ['10.9.0.0/24'] } }), cudn(net)), [
      'spec.network: Invalid value: "object": spec.layer3 is required when topology is Layer3 and forbidden otherwise',
      'spec.network: Invalid value: "object": spec.layer2 is required when topology is Layer2 and forbidden otherwise',
      'spec.network: Invalid value: "object": Network spec is immutable',
    ], 'the network type\'s own rules come before the field\'s transition rule');
  });
});

describe('UDN schema rules (enum, required, bounds), which hold back the CEL rules when blocking', () => {
  const table: Array<[string, Json, string[]]> = [
    ['unknown topology and role', { topology: 'Layer4', layer2: { role: 'Tertiary', subnets: ['10.0.0.0/24'] } }, [
      'spec.layer2.role: Unsupported value: "Tertiary": supported values: "Primary", "Secondary"',
      'spec.topology: Unsupported value: "Layer4": supported values: "Layer2", "Layer3"',
      NOT_CHECKED,
    ]],
    ['missing topology and role', { layer2: { subnets: ['10.0.0.0/24'] } }, ['spec.topology: Required value', 'spec.layer2.role: Required value', NOT_CHECKED]],
    ['layer3 without subnets', l3({ role: 'Primary' }), ['spec.layer3.subnets: Required value', NOT_CHECKED]],
    ['a subnet without cidr', l3({ role: 'Primary', subnets: [{ hostSubnet: 24 }] }), ['spec.layer3.subnets[0].cidr: Required value', NOT_CHECKED]],
    ['MTU below 576 (not blocking: the CEL rules still run)', l2({ role: 'Primary', subnets: ['fd00::/64'], mtu: 575 }), [
      'spec.layer2.mtu: Invalid value: 575: spec.layer2.mtu in body should be greater than or equal to 576',
      'spec.layer2: Invalid value: "object": MTU should be greater than or equal to 1280 when IPv6 subent is used',
    ]],
    ['MTU above 65536', l2({ role: 'Primary', subnets: ['10.0.0.0/24'], mtu: 65537 }), ['spec.layer2.mtu: Invalid value: 65537: spec.layer2.mtu in body should be less than or equal to 65536']],
    ['no subnet in the list', l2({ role: 'Secondary', subnets: [] }), ['spec.layer2.subnets: Invalid value: 0: spec.layer2.subnets in body should have at least 1 items']],
    ['three subnets', l2({ role: 'Secondary', subnets: ['10.0.0.0/24', 'fd00::/64', '10.1.0.0/24'] }), ['spec.layer2.subnets: Too many: 3: must have at most 2 items', NOT_CHECKED]],
    ['host subnet out of 1–127', l3({ role: 'Primary', subnets: [{ cidr: 'fd00::/48', hostSubnet: 128 }, { cidr: '10.0.0.0/8', hostSubnet: 0 }] }), [
      'spec.layer3.subnets[0].hostSubnet: Invalid value: 128: spec.layer3.subnets[0].hostSubnet in body should be less than or equal to 127',
      'spec.layer3.subnets[1].hostSubnet: Invalid value: 0: spec.layer3.subnets[1].hostSubnet in body should be greater than or equal to 1',
      'spec.layer3.subnets[1]: Invalid value: "object": HostSubnet must be smaller than CIDR subnet',
    ]],
    ['a CIDR longer than 43 bytes', l2({ role: 'Secondary', subnets: [`${'1234:'.repeat(8)}/128`] }), ['spec.layer2.subnets[0]: Too long: may not be more than 43 bytes', NOT_CHECKED]],
    ['an unknown IPAM mode and lifecycle', l2({ role: 'Primary', subnets: ['10.0.0.0/24'], ipam: { mode: 'Auto', lifecycle: 'Sticky' } }), [
      'spec.layer2.ipam.lifecycle: Unsupported value: "Sticky": supported values: "Persistent"',
      'spec.layer2.ipam.mode: Unsupported value: "Auto": supported values: "Enabled", "Disabled"',
      NOT_CHECKED,
    ]],
    ['ipam with no property', l2({ role: 'Primary', subnets: ['10.0.0.0/24'], ipam: {} }), ['spec.layer2.ipam: Invalid value: 0: spec.layer2.ipam in body should have at least 1 properties']],
    ['mtu of the wrong type', l2({ role: 'Primary', subnets: ['10.0.0.0/24'], mtu: '1400' }), [
      'spec.layer2.mtu: Invalid value: "string": spec.layer2.mtu in body must be of type integer: "string"',
      NOT_CHECKED,
    ]],
  ];
  for (const [name, spec, want] of table) it(name, () => assert.deepEqual(causes(udnKind, udn(spec)), want));

  it('requires the CUDN selector and network', () => {
    assert.deepEqual(causes(cudnKind, { metadata: { name: 'c' }, spec: {} }), ['spec.namespaceSelector: Required value', 'spec.network: Required value', NOT_CHECKED]);
  });
});

describe('namespace label admission policy (user-defined-networks-namespace-label)', () => {
  const LABEL = 'k8s.ovn.org/primary-user-defined-network';
  const ns = (labels: Record<string, string>): Json => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'vmexamples-user1-udn', labels: { 'kubernetes.io/metadata.name': 'vmexamples-user1-udn', ...labels } } });
  const DENIAL = "ValidatingAdmissionPolicy 'user-defined-networks-namespace-label' with binding 'user-defined-networks-namespace-label-binding' denied request: The 'k8s.ovn.org/primary-user-defined-network' label cannot be added/removed after the namespace was created";

  function denial(o: Json, old?: Json): unknown {
    try {
      validateForStore(nsKind, o as unknown as KubeObject, old as unknown as KubeObject | undefined);
      return undefined;
    } catch (e) {
      assert.ok(e instanceof StatusError);
      return e.toStatus();
    }
  }

  it('lets a namespace be created with the label, and other labels or the value change later', () => {
    assert.equal(denial(ns({ [LABEL]: '' })), undefined);
    assert.equal(denial(ns({ [LABEL]: 'x', team: 'a' }), ns({ [LABEL]: '' })), undefined);
    assert.equal(denial(ns({ team: 'a' }), ns({})), undefined);
  });

  for (const [what, o, old] of [['adding', ns({ [LABEL]: '' }), ns({})], ['removing', ns({}), ns({ [LABEL]: '' })]] as const) {
    it(`denies ${what} the label with kube-apiserver's Status for a policy denial`, () => {
      assert.deepEqual(denial(o, old), {
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 422, reason: 'Invalid',
        message: `namespaces "vmexamples-user1-udn" is forbidden: ${DENIAL}`,
        details: { name: 'vmexamples-user1-udn', kind: 'namespaces', causes: [{ message: DENIAL }] },
      });
    });
  }

  it('leaves an update whose labels are invalid to the field errors', () => {
    const r = denial(ns({ [LABEL]: '', 'bad key!': 'x' }), ns({})) as { message: string };
    assert.match(r.message, /^Namespace "vmexamples-user1-udn" is invalid: metadata\.labels: Invalid value: "bad key!"/);
  });
});

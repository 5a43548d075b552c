// Kind-specific behaviour: defaults, validation rules (upstream words), printer cells, field selectors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KindDef } from '../../src/apis/kind.js';
import { kindByGroupKind } from '../../src/apis/registry.js';
import { base64Error, configKeyErrors } from '../../src/apis/core/v1/config-data.js';
import { secretDecodeError } from '../../src/apis/core/v1/secret.js';
import { configMapDecodeError } from '../../src/apis/core/v1/configmap.js';
import { parseCIDR } from '../../src/apis/k8s.ovn.org/v1/cidr.js';
import type { KubeObject } from '../../src/common/object.js';
import { fieldErrorString } from '../../src/common/status-error.js';

const kind = (group: string, k: string): KindDef => kindByGroupKind(group, k)!;
const ko = (o: unknown): KubeObject => o as KubeObject;
const errors = (def: KindDef, o: unknown, old?: unknown): string[] =>
  (def.validate?.(ko(o), old === undefined ? undefined : ko(old)) ?? []).map(fieldErrorString);
const NOW = new Date('2025-01-02T03:04:05Z');
const cell = (def: KindDef, name: string, o: unknown): unknown => def.printerColumns.find((c) => c.name === name)!.cell!(ko(o), NOW);
const selector = (def: KindDef, field: string, o: unknown): string | undefined => def.fieldSelectors.find((f) => f.field === field)!.value(ko(o));

describe('core/v1 Namespace', () => {
  const ns = kind('', 'Namespace');
  it('gets phase Active, the kubernetes finalizer and its name label on create', () => {
    const o = ko({ metadata: { name: 'vmexamples-user1-udn', labels: { 'k8s.ovn.org/primary-user-defined-network': '' } }, spec: { finalizers: ['custom'] }, status: { phase: 'Terminating' } });
    ns.normalize!(o);
    ns.defaults!(o);
    assert.deepEqual(o, {
      metadata: { name: 'vmexamples-user1-udn', labels: { 'k8s.ovn.org/primary-user-defined-network': '', 'kubernetes.io/metadata.name': 'vmexamples-user1-udn' } },
      spec: { finalizers: ['custom', 'kubernetes'] },
      status: { phase: 'Active' },
    });
  });
  it('selects on status.phase', () => assert.equal(selector(ns, 'status.phase', { metadata: {}, status: { phase: 'Active' } }), 'Active'));
  it('uses DNS-1123 labels for names', () => assert.equal(ns.nameRule, 'label'));
});

describe('core/v1 ConfigMap and Secret', () => {
  const cm = kind('', 'ConfigMap');
  const secret = kind('', 'Secret');
  const KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

  it('checks keys in upstream words', () => {
    assert.deepEqual(configKeyErrors('ok.key_1-x'), []);
    assert.deepEqual(configKeyErrors('a b'), [KEY_MSG]);
    assert.deepEqual(configKeyErrors('..'), ["must not be '..'"]);
    assert.deepEqual(configKeyErrors('..x'), ["must not start with '..'"]);
    assert.deepEqual(configKeyErrors('x'.repeat(254)), ['must be no more than 253 characters']);
  });

  it('validates ConfigMap keys, duplicates and total size', () => {
    assert.deepEqual(errors(cm, { metadata: { name: 'c' }, data: { 'a b': 'x', dup: 'y' }, binaryData: { dup: 'eQ==', 'c/d': 'eQ==' } }), [
      `data[a b]: Invalid value: "a b": ${KEY_MSG}`,
      'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
      `binaryData[c/d]: Invalid value: "c/d": ${KEY_MSG}`,
    ]);
    assert.deepEqual(errors(cm, { metadata: { name: 'c' }, data: { a: 'x'.repeat(1024 * 1024), b: 'y' } }), ['Too long: may not be more than 1048576 bytes']);
  });

  it('forbids changing an immutable ConfigMap', () => {
    const old = { metadata: { name: 'c' }, immutable: true, data: { a: '1' } };
    assert.deepEqual(errors(cm, { metadata: { name: 'c' }, data: { a: '2' } }, old), [
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
    assert.deepEqual(errors(cm, { metadata: { name: 'c' }, immutable: true, data: { a: '1' } }, old), []);
  });

  it('defaults a Secret to Opaque and folds stringData into data', () => {
    const o = ko({ metadata: { name: 's' }, data: { a: 'eA==', b: 'eA==' }, stringData: { b: 'héllo' } });
    secret.normalize!(o);
    assert.deepEqual(o, { metadata: { name: 's' }, type: 'Opaque', data: { a: 'eA==', b: Buffer.from('héllo').toString('base64') } });
  });

  it('reports base64 errors as encoding/base64 does, and the 400 message apiserver gives', () => {
    assert.equal(base64Error('aGVsbG8='), undefined);
    assert.equal(base64Error('aGVs\nbG8='), undefined);
    assert.equal(base64Error(''), undefined);
    assert.equal(base64Error('abc'), 'illegal base64 data at input byte 0');
    assert.equal(base64Error('ab!d'), 'illegal base64 data at input byte 2');
    assert.equal(base64Error('aGVsbG8=aGVs'), 'illegal base64 data at input byte 8');
    assert.equal(secretDecodeError(ko({ metadata: {}, data: { a: 'not base64' } })), 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    assert.equal(secretDecodeError(ko({ metadata: {}, data: { a: 'eA==' } })), undefined);
    assert.equal(configMapDecodeError(ko({ metadata: {}, binaryData: { a: 'eA=' } })), 'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at input byte 0');
  });

  it('validates Secret keys, size, type-specific keys and immutability', () => {
    assert.deepEqual(errors(secret, { metadata: { name: 's' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }), ['data[tls.key]: Required value']);
    assert.deepEqual(errors(secret, { metadata: { name: 's' }, type: 'kubernetes.io/basic-auth', data: {} }), ['data[username]: Required value', 'data[password]: Required value']);
    assert.deepEqual(errors(secret, { metadata: { name: 's' }, type: 'kubernetes.io/service-account-token' }), ['metadata.annotations[kubernetes.io/service-account.name]: Required value']);
    const big = Buffer.alloc(1024 * 1024 + 1).toString('base64');
    assert.deepEqual(errors(secret, { metadata: { name: 's' }, type: 'Opaque', data: { big } }), ['data: Too long: may not be more than 1048576 bytes']);
    assert.deepEqual(errors(secret, { metadata: { name: 's' }, type: 'Opaque', data: { a: 'eA==' } }, { metadata: { name: 's' }, type: 'kubernetes.io/tls' }), ['type: Invalid value: "Opaque": field is immutable']);
  });

  it('prints DATA as the key count and selects Secrets on type', () => {
    assert.equal(cell(cm, 'Data', { metadata: {}, data: { a: '', b: '' }, binaryData: { c: '' } }), 3);
    assert.equal(cell(secret, 'Data', { metadata: {}, data: { a: '' } }), 1);
    assert.equal(selector(secret, 'type', { metadata: {}, type: 'Opaque' }), 'Opaque');
  });
});

describe('core/v1 Node', () => {
  const node = kind('', 'Node');
  const n = {
    metadata: { name: 'metal-0', labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/infra': '', 'kubernetes.io/role': 'edge' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }],
      addresses: [{ type: 'Hostname', address: 'metal-0' }, { type: 'InternalIP', address: '10.89.0.14' }],
      nodeInfo: { kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '', containerRuntimeVersion: 'virtnet://0.1.0' },
    },
  };
  it('prints STATUS, ROLES, VERSION and the wide columns as kubectl does', () => {
    assert.equal(cell(node, 'Status', n), 'Ready,SchedulingDisabled');
    assert.equal(cell(node, 'Status', { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }), 'NotReady');
    assert.equal(cell(node, 'Status', { metadata: {} }), 'Unknown');
    assert.equal(cell(node, 'Roles', n), 'edge,infra,worker');
    assert.equal(cell(node, 'Roles', { metadata: {} }), '<none>');
    assert.equal(cell(node, 'Version', n), 'v1.32.0');
    assert.equal(cell(node, 'Internal-IP', n), '10.89.0.14');
    assert.equal(cell(node, 'External-IP', n), '<none>');
    assert.equal(cell(node, 'OS-Image', n), 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(cell(node, 'Kernel-Version', n), '<unknown>');
  });
  it('selects on spec.unschedulable', () => {
    assert.equal(selector(node, 'spec.unschedulable', n), 'true');
    assert.equal(selector(node, 'spec.unschedulable', { metadata: {} }), 'false');
  });
});

describe('core/v1 Event', () => {
  const ev = kind('', 'Event');
  const e = {
    metadata: { name: 'create-br0-static.181f3a' },
    involvedObject: { kind: 'NodeNetworkConfigurationPolicy', name: 'create-br0-static', uid: 'u1', apiVersion: 'nmstate.io/v1' },
    reason: 'ReconcileFailed', type: 'Warning', message: ' failed \n',
    source: { component: 'nmstate-handler', host: 'metal-0' },
    firstTimestamp: '2025-01-02T02:04:05Z', lastTimestamp: '2025-01-02T03:02:05Z', count: 3,
  };
  it('prints the event table cells', () => {
    assert.equal(cell(ev, 'Last Seen', e), '2m');
    assert.equal(cell(ev, 'First Seen', e), '60m');
    assert.equal(cell(ev, 'Object', e), 'nodenetworkconfigurationpolicy/create-br0-static');
    assert.equal(cell(ev, 'Source', e), 'nmstate-handler, metal-0');
    assert.equal(cell(ev, 'Message', e), 'failed');
    assert.equal(cell(ev, 'Count', e), 3);
    assert.equal(cell(ev, 'Source', { metadata: {}, reportingComponent: 'virtnet' }), 'virtnet');
    assert.equal(cell(ev, 'Source', { metadata: {} }), '<unknown>');
    assert.equal(cell(ev, 'Count', { metadata: {} }), 1);
  });
  it('selects on involvedObject fields, reason, type and source', () => {
    assert.equal(selector(ev, 'involvedObject.name', e), 'create-br0-static');
    assert.equal(selector(ev, 'involvedObject.uid', e), 'u1');
    assert.equal(selector(ev, 'involvedObject.namespace', e), '');
    assert.equal(selector(ev, 'reason', e), 'ReconcileFailed');
    assert.equal(selector(ev, 'type', e), 'Warning');
    assert.equal(selector(ev, 'source', e), 'nmstate-handler');
  });
});

describe('core/v1 Pod', () => {
  const pod = kind('', 'Pod');
  const running = {
    metadata: { name: 'virt-launcher-fedora01-abcde' },
    spec: { nodeName: 'metal-0', containers: [{ name: 'compute' }, { name: 'guest-console-log' }] },
    status: {
      phase: 'Running', podIPs: [{ ip: '10.128.2.7' }],
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'compute', ready: true, restartCount: 1, state: { running: {} }, lastState: { terminated: { finishedAt: '2025-01-02T03:00:05Z' } }, image: '', imageID: '' },
        { name: 'guest-console-log', ready: false, restartCount: 0, state: { waiting: { reason: 'CrashLoopBackOff' } }, image: '', imageID: '' },
      ],
    },
  };
  it('prints READY, STATUS, RESTARTS and the wide columns', () => {
    assert.equal(cell(pod, 'Ready', running), '1/2');
    assert.equal(cell(pod, 'Status', running), 'CrashLoopBackOff');
    assert.equal(cell(pod, 'Restarts', running), '1 (4m ago)');
    assert.equal(cell(pod, 'IP', running), '10.128.2.7');
    assert.equal(cell(pod, 'Node', running), 'metal-0');
    assert.equal(cell(pod, 'Nominated Node', running), '<none>');
    assert.equal(cell(pod, 'Readiness Gates', running), '<none>');
    assert.equal(cell(pod, 'Status', { ...running, metadata: { name: 'p', deletionTimestamp: '2025-01-02T03:04:00Z' } }), 'Terminating');
    assert.equal(cell(pod, 'Status', { metadata: {}, spec: { containers: [{ name: 'c' }] }, status: { phase: 'Pending' } }), 'Pending');
    assert.equal(cell(pod, 'Status', {
      metadata: {}, spec: { initContainers: [{ name: 'i' }], containers: [{ name: 'c' }] },
      status: { phase: 'Pending', initContainerStatuses: [{ name: 'i', state: { waiting: { reason: 'PodInitializing' } } }] },
    }), 'Init:0/1');
  });
  it('selects on spec.nodeName and status.phase', () => {
    assert.equal(selector(pod, 'spec.nodeName', running), 'metal-0');
    assert.equal(selector(pod, 'status.phase', running), 'Running');
    assert.equal(selector(pod, 'spec.nodeName', { metadata: {} }), '');
  });
});

describe('rbac.authorization.k8s.io/v1', () => {
  const rb = kind('rbac.authorization.k8s.io', 'RoleBinding');
  const crb = kind('rbac.authorization.k8s.io', 'ClusterRoleBinding');
  const role = kind('rbac.authorization.k8s.io', 'Role');
  const cr = kind('rbac.authorization.k8s.io', 'ClusterRole');

  it('defaults roleRef.apiGroup and subject apiGroups', () => {
    const o = ko({ metadata: { name: 'b' }, roleRef: { kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'user1' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] });
    rb.defaults!(o);
    assert.deepEqual(o['roleRef'], { kind: 'ClusterRole', name: 'admin', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(o['subjects'], [
      { kind: 'User', name: 'user1', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'sa', namespace: 'ns', apiGroup: '' },
    ]);
  });

  it('validates bindings in upstream words', () => {
    assert.deepEqual(errors(rb, { metadata: { name: 'b' } }), [
      'roleRef.apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
      'roleRef.kind: Unsupported value: "": supported values: "Role", "ClusterRole"',
      'roleRef.name: Required value',
    ]);
    assert.deepEqual(errors(crb, {
      metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' },
      subjects: [{ kind: 'ServiceAccount', name: 'sa', apiGroup: 'x' }, { kind: 'Robot', name: 'r' }, { kind: 'Group', apiGroup: '' }],
    }), [
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].apiGroup: Unsupported value: "x": supported values: ""',
      'subjects[0].namespace: Required value',
      'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"',
      'subjects[2].name: Required value',
      'subjects[2].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"',
    ]);
    const ok = { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } };
    assert.deepEqual(errors(rb, ok), []);
    assert.deepEqual(errors(rb, { ...ok, roleRef: { ...ok.roleRef, name: 'edit' } }, ok), [
      'roleRef: Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"edit"}: cannot change roleRef',
    ]);
  });

  it('validates policy rules', () => {
    assert.deepEqual(errors(role, { metadata: { name: 'r' }, rules: [{ apiGroups: [''] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] }), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[0].resources: Required value: resource rules must supply at least one resource',
      'rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs',
    ]);
    assert.deepEqual(errors(cr, { metadata: { name: 'r' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] }), []);
  });

  it('prints ROLE, subjects and CREATED AT', () => {
    const o = { metadata: { name: 'b', creationTimestamp: '2025-01-02T03:04:05Z' }, roleRef: { kind: 'ClusterRole', name: 'admin' }, subjects: [{ kind: 'User', name: 'u1' }, { kind: 'User', name: 'u2' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }] };
    assert.equal(cell(rb, 'Role', o), 'ClusterRole/admin');
    assert.equal(cell(rb, 'Users', o), 'u1, u2');
    assert.equal(cell(rb, 'Groups', o), '');
    assert.equal(cell(rb, 'ServiceAccounts', o), 'ns/sa');
    assert.equal(cell(role, 'Created At', o), '2025-01-02T03:04:05Z');
  });
});

describe('k8s.ovn.org/v1 CEL rules', () => {
  const udn = kind('k8s.ovn.org', 'UserDefinedNetwork');
  const cudn = kind('k8s.ovn.org', 'ClusterUserDefinedNetwork');
  const spec = (s: Record<string, unknown>) => ({ metadata: { name: 'u' }, spec: s });
  const cases: [name: string, spec: Record<string, unknown>, want: string[]][] = [
    ['topology without its section', { topology: 'Layer2', layer3: { role: 'Primary', subnets: [{ cidr: '10.0.0.0/16' }] } }, [
      'spec: Invalid value: "object": spec.layer3 is required when topology is Layer3 and forbidden otherwise',
      'spec: Invalid value: "object": spec.layer2 is required when topology is Layer2 and forbidden otherwise',
    ]],
    ['primary layer2 without subnets', { topology: 'Layer2', layer2: { role: 'Primary' } }, [
      'spec.layer2: Invalid value: "object": Subnets is required with ipam.mode is Enabled or unset',
    ]],
    ['ipam disabled on a primary with subnets and persistent IPs', { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.0.0.0/24'], ipam: { mode: 'Disabled', lifecycle: 'Persistent' } } }, [
      'spec.layer2: Invalid value: "object": Subnets must be unset when ipam.mode is Disabled',
      'spec.layer2: Invalid value: "object": Disabled ipam.mode is only supported for Secondary network',
      'spec.layer2.ipam: Invalid value: "object": lifecycle Persistent is only supported when ipam.mode is Enabled',
    ]],
    ['secondary with join subnets and a low IPv6 MTU', { topology: 'Layer2', layer2: { role: 'Secondary', subnets: ['10.0.0.0/24', 'fd00:10::/64'], joinSubnets: ['100.65.0.0/16'], mtu: 1000 } }, [
      'spec.layer2: Invalid value: "object": JoinSubnets is only supported for Primary network',
      'spec.layer2: Invalid value: "object": MTU should be greater than or equal to 1280 when IPv6 subent is used',
    ]],
    ['bad CIDRs', { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.0.0.0/24', '10.1.0.0/24'], joinSubnets: ['10.0.0.300/16'] } }, [
      'spec.layer2.subnets: Invalid value: "array": When 2 CIDRs are set, they must be from different IP families',
      'spec.layer2.joinSubnets[0]: Invalid value: "string": CIDR is invalid',
    ]],
    ['layer3 host subnets', { topology: 'Layer3', layer3: { role: 'Primary', subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 16 }, { cidr: 'fd00::/48', hostSubnet: 64 }] } }, [
      'spec.layer3.subnets[0]: Invalid value: "object": HostSubnet must be smaller than CIDR subnet',
    ]],
    ['layer3 IPv4 host subnet of 32', { topology: 'Layer3', layer3: { role: 'Secondary', subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 32 }] } }, [
      'spec.layer3.subnets[0]: Invalid value: "object": HostSubnet must < 32 for ipv4 CIDR',
    ]],
    ['a valid dual-stack layer2', { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24', 'fd00:254::/64'], ipam: { lifecycle: 'Persistent' } } }, []],
  ];
  for (const [name, s, want] of cases) it(name, () => assert.deepEqual(errors(udn, spec(s)), want));

  it('makes the UDN spec immutable, and the CUDN network but not its selector', () => {
    const l2 = { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.0.0.0/24'] } };
    assert.deepEqual(errors(udn, spec({ ...l2, layer2: { ...l2.layer2, mtu: 1400 } }), spec(l2)), ['spec: Invalid value: "object": Spec is immutable']);
    assert.deepEqual(errors(udn, spec(l2), spec(l2)), []);
    const c = (sel: Record<string, unknown>, net: Record<string, unknown>) => ({ metadata: { name: 'c' }, spec: { namespaceSelector: sel, network: net } });
    assert.deepEqual(errors(cudn, c({ matchLabels: { b: '1' } }, l2), c({ matchLabels: { a: '1' } }, l2)), []);
    assert.deepEqual(errors(cudn, c({}, { ...l2, layer2: { ...l2.layer2, subnets: ['10.9.0.0/24'] } }), c({}, l2)), ['spec.network: Invalid value: "object": Network spec is immutable']);
  });

  it('parses CIDRs as CEL isCIDR does', () => {
    assert.deepEqual(parseCIDR('192.168.254.0/24'), { family: 4, prefixLength: 24 });
    assert.deepEqual(parseCIDR('10.0.0.1/8'), { family: 4, prefixLength: 8 });
    assert.deepEqual(parseCIDR('fd99::/64'), { family: 6, prefixLength: 64 });
    assert.deepEqual(parseCIDR('2001:db8::1:2:3:4:5/128'), { family: 6, prefixLength: 128 });
    assert.deepEqual(parseCIDR('::1.2.3.4/120'), { family: 6, prefixLength: 120 });
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', '10.0.0.0/08', '::ffff:10.0.0.0/104', 'fe80::1%eth0/64', '1:2:3:4:5:6:7:8:9/64', 'a::b::c/64', '10.0.0/8']) {
      assert.equal(parseCIDR(bad), undefined, bad);
    }
  });
});

describe('kubevirt.io/v1 defaults', () => {
  it('gives a VMI without networks the default pod network with masquerade (HCO default)', () => {
    const vmi = kind('kubevirt.io', 'VirtualMachineInstance');
    const o = ko({ metadata: { name: 'v' }, spec: { domain: { devices: {} } } });
    vmi.defaults!(o);
    assert.deepEqual(o['spec'], { domain: { devices: { interfaces: [{ name: 'default', masquerade: {} }] } }, networks: [{ name: 'default', pod: {} }] });
    const opted = ko({ metadata: { name: 'v' }, spec: { domain: { devices: { autoattachPodInterface: false } } } });
    vmi.defaults!(opted);
    assert.deepEqual(opted['spec'], { domain: { devices: { autoattachPodInterface: false } } });
    const withNets = ko({ metadata: { name: 'v' }, spec: { domain: { devices: {} }, networks: [{ name: 'x', multus: { networkName: 'n' } }] } });
    vmi.defaults!(withNets);
    assert.deepEqual(withNets['spec'], { domain: { devices: {} }, networks: [{ name: 'x', multus: { networkName: 'n' } }] });
  });

  it('labels and finalizes a migration as the migration-create mutator does', () => {
    const vmim = kind('kubevirt.io', 'VirtualMachineInstanceMigration');
    const o = ko({ metadata: { name: 'm' }, spec: { vmiName: 'fedora-udn' } });
    vmim.defaults!(o);
    assert.deepEqual(o.metadata, { name: 'm', labels: { 'kubevirt.io/vmi-name': 'fedora-udn' }, finalizers: ['kubevirt.io/migrationJobFinalize'] });
  });
});

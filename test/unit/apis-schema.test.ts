// Schema pruning, defaulting and validation: the lab guide's objects pass untouched; unknown fields and
// bad values come back in apiserver's words; hostile input neither throws nor goes quadratic.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { KindDef } from '../../src/apis/kind.js';
import { kindByGroupKind } from '../../src/apis/registry.js';
import {
  applySchemaDefaults, MAX_NESTING_DEPTH, pruneUnknownFields, validateSchema,
} from '../../src/apis/schema-validate.js';
import type { KubeObject } from '../../src/common/object.js';
import { fieldErrorString } from '../../src/common/status-error.js';
import { GUIDE_NNCP_YAML } from '../support/guide-fixtures.js';
import { guideUdnVmYaml } from '../support/udn-fixtures.js';

const kind = (group: string, k: string): KindDef => kindByGroupKind(group, k)!;
const load = (yaml: string): KubeObject => parse(yaml) as KubeObject;

/** prune → defaults → validate, as admission runs them. */
function admit(def: KindDef, obj: KubeObject): { pruned: string[]; errors: string[] } {
  const pruned = pruneUnknownFields(def, obj);
  applySchemaDefaults(def, obj);
  return { pruned, errors: validateSchema(def, obj).map(fieldErrorString) };
}

// ---- the lab guide's objects (lab-guide.ja.md), verbatim apart from {user} ----


// The guide wraps this in "----" lines, which are not YAML document markers; they are left out here.
// the guide prints it between AsciiDoc `----` fences, which are not YAML
const FEDORA_UDN_VM = guideUdnVmYaml('vmexamples-user1-udn').split('\n').filter((l) => l.trim() !== '----').join('\n');

// What the 4.18 console's Linux bridge form writes for the guide's flatnetwork.
const FLATNETWORK_NAD = `
apiVersion: k8s.cni.cncf.io/v1
kind: NetworkAttachmentDefinition
metadata:
  name: flatnetwork
  namespace: vmexamples-user1
  annotations:
    description: CNV Linux Bridge
    k8s.v1.cni.cncf.io/resourceName: bridge.network.kubevirt.io/br-flat
spec:
  config: '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}'
`;

// What the console's Create UserDefinedNetwork form writes for subnet 192.168.254.0/24.
const PRIMARY_UDN = `
apiVersion: k8s.ovn.org/v1
kind: UserDefinedNetwork
metadata:
  name: primary-udn
  namespace: vmexamples-user1-udn
spec:
  topology: Layer2
  layer2:
    role: Primary
    subnets:
      - 192.168.254.0/24
    ipam:
      lifecycle: Persistent
`;

// OpenShift docs' primary CUDN, selecting namespaces by name.
const CUDN = `
apiVersion: k8s.ovn.org/v1
kind: ClusterUserDefinedNetwork
metadata:
  name: cudn-l2
spec:
  namespaceSelector:
    matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: In
      values: ["red-namespace", "blue-namespace"]
  network:
    topology: Layer2
    layer2:
      role: Primary
      subnets:
        - "203.203.0.0/16"
      ipam:
        lifecycle: Persistent
`;

// fedora01 after the guide's "add network interface" step (Bridge binding on flatnetwork).
const FEDORA01_WITH_BRIDGE = `
apiVersion: kubevirt.io/v1
kind: VirtualMachine
metadata:
  name: fedora01
  namespace: vmexamples-user1
spec:
  runStrategy: Halted
  template:
    metadata:
      labels:
        kubevirt.io/domain: fedora01
    spec:
      architecture: amd64
      domain:
        cpu: {cores: 1, sockets: 1, threads: 1}
        devices:
          disks:
          - {name: rootdisk, disk: {bus: virtio}, bootOrder: 1}
          interfaces:
          - {name: default, masquerade: {}, model: virtio, macAddress: "02:a5:e2:00:00:01"}
          - {name: nic-cyan-emu-52, bridge: {}, model: virtio, macAddress: "02:a5:e2:00:00:02"}
        machine: {type: pc-q35-rhel9.4.0}
        memory: {guest: 2Gi}
      networks:
      - {name: default, pod: {}}
      - {name: nic-cyan-emu-52, multus: {networkName: flatnetwork}}
      volumes:
      - {name: rootdisk, dataVolume: {name: fedora01}}
`;

describe('lab guide objects validate with no unknown fields', () => {
  const cases: [name: string, group: string, k: string, yaml: string][] = [
    ['NNCP create-br0-static', 'nmstate.io', 'NodeNetworkConfigurationPolicy', GUIDE_NNCP_YAML],
    ['VM fedora-udn', 'kubevirt.io', 'VirtualMachine', FEDORA_UDN_VM],
    ['NAD flatnetwork', 'k8s.cni.cncf.io', 'NetworkAttachmentDefinition', FLATNETWORK_NAD],
    ['UDN primary-udn', 'k8s.ovn.org', 'UserDefinedNetwork', PRIMARY_UDN],
    ['CUDN', 'k8s.ovn.org', 'ClusterUserDefinedNetwork', CUDN],
    ['VM fedora01 with a bridge NIC', 'kubevirt.io', 'VirtualMachine', FEDORA01_WITH_BRIDGE],
  ];
  for (const [name, group, k, yaml] of cases) {
    it(name, () => {
      const def = kind(group, k);
      const obj = load(yaml);
      const before = structuredClone(obj);
      const { pruned, errors } = admit(def, obj);
      assert.deepEqual(pruned, []);
      assert.deepEqual(errors, []);
      assert.deepEqual(def.validate?.(obj, undefined) ?? [], []);
      if (k !== 'VirtualMachine') assert.deepEqual(obj, before);
    });
  }

  it('keeps the NNCP desiredState whole', () => {
    const obj = load(GUIDE_NNCP_YAML);
    pruneUnknownFields(kind('nmstate.io', 'NodeNetworkConfigurationPolicy'), obj);
    assert.deepEqual(obj, load(GUIDE_NNCP_YAML));
  });

  it('keeps the DataVolume template metadata, creationTimestamp: null included', () => {
    const obj = load(FEDORA_UDN_VM);
    pruneUnknownFields(kind('kubevirt.io', 'VirtualMachine'), obj);
    const dvt = (obj['spec'] as { dataVolumeTemplates: { metadata: Record<string, unknown> }[] }).dataVolumeTemplates[0]!;
    assert.deepEqual(dvt.metadata, { creationTimestamp: null, name: 'fedora-udn' });
  });

  it('defaults the VM template as virt-api does (architecture, machine type) and nothing else', () => {
    const def = kind('kubevirt.io', 'VirtualMachine');
    const obj = load(FEDORA_UDN_VM);
    admit(def, obj);
    def.normalize!(obj);
    const want = load(FEDORA_UDN_VM) as unknown as { spec: { template: { spec: Record<string, unknown> & { domain: Record<string, unknown> } } } };
    want.spec.template.spec.architecture = 'amd64';
    want.spec.template.spec.domain.machine = { type: 'q35' };
    assert.deepEqual(obj, want);
  });
});

describe('pruneUnknownFields', () => {
  const cases: [name: string, group: string, k: string, obj: Record<string, unknown>, pruned: string[], after?: Record<string, unknown>][] = [
    ['a misspelt spec field', 'nmstate.io', 'NodeNetworkConfigurationPolicy',
      { metadata: { name: 'p' }, spec: { nodeSelectr: { a: 'b' }, desiredState: { anything: [1] } } },
      ['spec.nodeSelectr'], { metadata: { name: 'p' }, spec: { desiredState: { anything: [1] } } }],
    ['unknown top-level and metadata fields', 'kubevirt.io', 'VirtualMachine',
      { metadata: { name: 'v', clusterName: 'x', labels: { a: 'b' } }, spec: { template: {} }, extra: 1 },
      ['metadata.clusterName', 'extra'], { metadata: { name: 'v', labels: { a: 'b' } }, spec: { template: {} } }],
    ['inside list items', 'kubevirt.io', 'VirtualMachine',
      { metadata: { name: 'v' }, spec: { template: { spec: { domain: { devices: { interfaces: [{ name: 'a', bridge: {} }, { name: 'b', bridg: {}, masquerade: { x: 1 } }] } } } } } },
      ['spec.template.spec.domain.devices.interfaces[1].bridg', 'spec.template.spec.domain.devices.interfaces[1].masquerade.x']],
    ['inside ownerReferences and managedFields (but not fieldsV1)', '', 'ConfigMap',
      { metadata: { name: 'c', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n', uid: 'u', zone: 1 }], managedFields: [{ manager: 'm', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } }, junk: true }] }, data: { a: 'b' } },
      ['metadata.ownerReferences[0].zone', 'metadata.managedFields[0].junk']],
    ['maps keep every key; their object values are pruned', 'nmstate.io', 'NodeNetworkConfigurationEnactment',
      { metadata: { name: 'n.p' }, status: { capturedStates: { gw: { state: { any: 1 }, metaInfo: { version: '0', extra: 1 } } } } },
      ['status.capturedStates.gw.metaInfo.extra']],
    ['a preserve-unknown-fields root keeps unknown root fields', 'nmstate.io', 'NodeNetworkConfigurationEnactment',
      { metadata: { name: 'n.p' }, spec: { anything: true } }, []],
    ['declared null fields are dropped silently', '', 'Namespace',
      { metadata: { name: 'ns', creationTimestamp: null, labels: null }, spec: null }, [], { metadata: { name: 'ns' } }],
    ['nullable fields keep null', 'kubevirt.io', 'VirtualMachine',
      { metadata: { name: 'v' }, spec: { template: { metadata: null } } }, [], { metadata: { name: 'v' }, spec: { template: { metadata: null } } }],
    ['a value of the wrong type is left for validation', 'kubevirt.io', 'VirtualMachine',
      { metadata: { name: 'v' }, spec: 'nope' }, []],
  ];
  for (const [name, group, k, obj, pruned, after] of cases) {
    it(name, () => {
      assert.deepEqual(pruneUnknownFields(kind(group, k), obj as unknown as KubeObject), pruned);
      if (after) assert.deepEqual(obj, after);
    });
  }

  it('never prunes apiVersion or kind', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } as unknown as KubeObject;
    assert.deepEqual(pruneUnknownFields(kind('', 'ConfigMap'), obj), []);
    assert.deepEqual(obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} });
  });

  it('prunes an own __proto__ key without touching prototypes', () => {
    const obj = JSON.parse('{"metadata":{"name":"c"},"data":{"a":"b"},"__proto__":{"polluted":true}}') as unknown as KubeObject;
    assert.deepEqual(pruneUnknownFields(kind('', 'ConfigMap'), obj), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('applySchemaDefaults', () => {
  it('fills NMState defaults top-down from an empty object', () => {
    const obj = { metadata: { name: 'nmstate' } } as unknown as KubeObject;
    applySchemaDefaults(kind('nmstate.io', 'NMState'), obj);
    assert.deepEqual(obj['spec'], { probeConfiguration: { dns: { host: 'root-servers.net' } } });
  });

  it('keeps what is set and replaces a null with the default', () => {
    const obj = { metadata: { name: 'nmstate' }, spec: { probeConfiguration: { dns: null } } } as unknown as KubeObject;
    applySchemaDefaults(kind('nmstate.io', 'NMState'), obj);
    assert.deepEqual(obj['spec'], { probeConfiguration: { dns: { host: 'root-servers.net' } } });
    const custom = { metadata: { name: 'nmstate' }, spec: { probeConfiguration: { dns: { host: 'example.com' } } } } as unknown as KubeObject;
    applySchemaDefaults(kind('nmstate.io', 'NMState'), custom);
    assert.deepEqual(custom['spec'], { probeConfiguration: { dns: { host: 'example.com' } } });
  });
});

describe('validateSchema messages', () => {
  const QTY = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
  const udn = (layer2: Record<string, unknown>) => ({ metadata: { name: 'u' }, spec: { topology: 'Layer2', layer2: { role: 'Secondary', ...layer2 } } });
  const vm = (vmi: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ metadata: { name: 'v' }, spec: { template: { spec: { domain: { devices: {} }, ...vmi } }, ...extra } });
  const cases: [name: string, group: string, k: string, obj: Record<string, unknown>, want: string[]][] = [
    ['type mismatch', 'kubevirt.io', 'VirtualMachine', vm({}, { running: 'yes' }),
      ['spec.running: Invalid value: "string": spec.running in body must be of type boolean: "string"']],
    ['integer expected, number given', 'kubevirt.io', 'VirtualMachine', vm({ terminationGracePeriodSeconds: 1.5 }),
      ['spec.template.spec.terminationGracePeriodSeconds: Invalid value: "number": spec.template.spec.terminationGracePeriodSeconds in body must be of type integer: "number"']],
    ['object expected', 'kubevirt.io', 'VirtualMachine', { metadata: { name: 'v' }, spec: { template: { spec: { domain: { devices: { interfaces: ['eth0'] } } } } } },
      ['spec.template.spec.domain.devices.interfaces[0]: Invalid value: "string": spec.template.spec.domain.devices.interfaces[0] in body must be of type object: "string"']],
    ['required', 'k8s.ovn.org', 'UserDefinedNetwork', { metadata: { name: 'u' }, spec: {} }, ['spec.topology: Required value']],
    ['required in a list item', 'kubevirt.io', 'VirtualMachine', vm({ domain: { devices: { interfaces: [{ name: 'a', ports: [{ protocol: 'TCP' }] }] } } }),
      ['spec.template.spec.domain.devices.interfaces[0].ports[0].port: Required value']],
    ['enum', 'k8s.ovn.org', 'UserDefinedNetwork', { metadata: { name: 'u' }, spec: { topology: 'Layer4' } },
      ['spec.topology: Unsupported value: "Layer4": supported values: "Layer2", "Layer3"']],
    ['minimum', 'k8s.ovn.org', 'UserDefinedNetwork', udn({ subnets: ['10.0.0.0/24'], mtu: 100 }),
      ['spec.layer2.mtu: Invalid value: 100: spec.layer2.mtu in body should be greater than or equal to 576']],
    ['maximum', 'k8s.ovn.org', 'UserDefinedNetwork', udn({ subnets: ['10.0.0.0/24'], mtu: 70000 }),
      ['spec.layer2.mtu: Invalid value: 70000: spec.layer2.mtu in body should be less than or equal to 65536']],
    ['minItems', 'k8s.ovn.org', 'UserDefinedNetwork', udn({ subnets: [] }),
      ['spec.layer2.subnets: Invalid value: 0: spec.layer2.subnets in body should have at least 1 items']],
    ['maxLength', 'k8s.ovn.org', 'UserDefinedNetwork', udn({ subnets: [`10.0.0.0/24${' '.repeat(40)}`] }),
      ['spec.layer2.subnets[0]: Too long: may not be more than 43 bytes']],
    ['minProperties', 'k8s.ovn.org', 'UserDefinedNetwork', udn({ subnets: ['10.0.0.0/24'], ipam: {} }),
      ['spec.layer2.ipam: Invalid value: 0: spec.layer2.ipam in body should have at least 1 properties']],
    ['int-or-string', 'nmstate.io', 'NodeNetworkConfigurationPolicy', { metadata: { name: 'p' }, spec: { maxUnavailable: true } },
      ['spec.maxUnavailable: Invalid value: "boolean": spec.maxUnavailable in body must be of type integer,string: "boolean"']],
    ['quantity pattern', 'kubevirt.io', 'VirtualMachine', vm({ domain: { devices: {}, resources: { requests: { memory: 'lots' } } } }),
      [`spec.template.spec.domain.resources.requests.memory: Invalid value: "lots": spec.template.spec.domain.resources.requests.memory in body should match '${QTY}'`]],
    ['condition pattern and enum', 'k8s.ovn.org', 'UserDefinedNetwork', {
      metadata: { name: 'u' }, spec: { topology: 'Layer3', layer3: { role: 'Primary', subnets: [{ cidr: '10.0.0.0/16' }] } },
      status: { conditions: [{ type: 'NetworkCreated', status: 'Yes', reason: 'not ok', message: '', lastTransitionTime: '2025-01-02T03:04:05Z' }] },
    }, [
      "status.conditions[0].reason: Invalid value: \"not ok\": status.conditions[0].reason in body should match '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$'",
      'status.conditions[0].status: Unsupported value: "Yes": supported values: "True", "False", "Unknown"',
    ]],
    ['date-time format', 'nmstate.io', 'NodeNetworkConfigurationPolicy', { metadata: { name: 'p' }, status: { lastUnavailableNodeCountUpdate: 'yesterday' } },
      ['status.lastUnavailableNodeCountUpdate: Invalid value: "yesterday": status.lastUnavailableNodeCountUpdate in body must be of type date-time: "yesterday"']],
    ['metadata types', '', 'ConfigMap', { metadata: { name: 'c', labels: { a: 1 }, generation: 'one' } }, [
      'metadata.generation: Invalid value: "string": metadata.generation in body must be of type integer: "string"',
      'metadata.labels.a: Invalid value: "integer": metadata.labels.a in body must be of type string: "integer"',
    ]],
  ];
  for (const [name, group, k, obj, want] of cases) {
    it(name, () => {
      const def = kind(group, k);
      assert.deepEqual(pruneUnknownFields(def, obj as unknown as KubeObject), []);
      assert.deepEqual(validateSchema(def, obj as unknown as KubeObject).map(fieldErrorString).sort(), [...want].sort());
    });
  }

  it('maxItems is a TooMany error carrying the count', () => {
    const errs = validateSchema(kind('k8s.ovn.org', 'UserDefinedNetwork'), udn({ subnets: ['10.0.0.0/24', 'fd00::/64', '10.1.0.0/24'] }) as unknown as KubeObject);
    assert.deepEqual(errs, [{ type: 'FieldValueTooMany', field: 'spec.layer2.subnets', value: 3, detail: 'must have at most 2 items' }]);
  });

  it('reports every error at once', () => {
    const errs = validateSchema(kind('k8s.ovn.org', 'UserDefinedNetwork'), { metadata: { name: 'u' }, spec: { topology: 'Layer2', layer2: { mtu: 'big' } } } as unknown as KubeObject);
    assert.deepEqual(errs.map(fieldErrorString).sort(), [
      'spec.layer2.mtu: Invalid value: "string": spec.layer2.mtu in body must be of type integer: "string"',
      'spec.layer2.role: Required value',
    ]);
  });
});

describe('hostile input', () => {
  const nncp = kind('nmstate.io', 'NodeNetworkConfigurationPolicy');

  function nested(depth: number): Record<string, unknown> {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  }

  it(`rejects nesting deeper than ${MAX_NESTING_DEPTH} with one field error, without throwing`, () => {
    const obj = { metadata: { name: 'p' }, spec: { desiredState: nested(5000) } } as unknown as KubeObject;
    assert.deepEqual(pruneUnknownFields(nncp, obj), []);
    const errs = validateSchema(nncp, obj);
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.type, 'FieldValueInvalid');
    assert.match(errs[0]!.field, /^spec\.desiredState(\.a)+$/);
    assert.match(errs[0]!.detail ?? '', /maximum depth of 100/);
  });

  it('accepts nesting up to the limit', () => {
    const obj = { metadata: { name: 'p' }, spec: { desiredState: nested(MAX_NESTING_DEPTH - 3) } } as unknown as KubeObject;
    assert.deepEqual(validateSchema(nncp, obj), []);
  });

  it('prunes a deep unknown subtree at its root', () => {
    const obj = { metadata: { name: 'p' }, spec: { bogus: nested(100000) } } as unknown as KubeObject;
    assert.deepEqual(pruneUnknownFields(nncp, obj), ['spec.bogus']);
  });

  it('stays linear on large arrays', () => {
    const n = 200000;
    const obj = {
      metadata: { name: 'p' },
      spec: { desiredState: { interfaces: Array.from({ length: n }, (_, i) => ({ name: `eth${i}` })) } },
      status: { conditions: Array.from({ length: n }, () => ({ type: 1, status: 'True' })) },
    } as unknown as KubeObject;
    const t0 = Date.now();
    assert.deepEqual(pruneUnknownFields(nncp, obj), []);
    const errs = validateSchema(nncp, obj);
    assert.equal(errs.length, n);
    assert.equal(fieldErrorString(errs[n - 1]!), `status.conditions[${n - 1}].type: Invalid value: "integer": status.conditions[${n - 1}].type in body must be of type string: "integer"`);
    assert.ok(Date.now() - t0 < 10000, `took ${Date.now() - t0} ms`);
  });

  it('handles non-object roots and odd values', () => {
    assert.deepEqual(pruneUnknownFields(nncp, null as unknown as KubeObject), []);
    assert.doesNotThrow(() => applySchemaDefaults(nncp, 'x' as unknown as KubeObject));
    assert.doesNotThrow(() => validateSchema(nncp, { metadata: { name: 'p' }, spec: [[[]]] } as unknown as KubeObject));
  });
});

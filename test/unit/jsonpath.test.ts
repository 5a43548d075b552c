// Behaviour of k8s.io/client-go/util/jsonpath with AllowMissingKeys(true), and of the CRD table
// convertor (apiextensions-apiserver/pkg/registry/customresource/tableconvertor) for printerCell.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonPath, printerCell, JsonPathError, goJson } from '../../src/common/jsonpath.js';

const vm = {
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: {
    name: 'vm1',
    creationTimestamp: '2024-01-02T03:04:05Z',
    labels: { 'app.kubernetes.io/name': 'web', tier: 'front' },
    annotations: { note: null },
  },
  spec: {
    running: true,
    replicas: 3,
    ratio: 0.25,
    big: 1234567.5,
    tiny: 0.00001,
    template: { spec: { domain: { cpu: { cores: 2 } } } },
    interfaces: [
      { name: 'default', model: 'virtio', ip: '10.0.0.2' },
      { name: 'flat', model: 'e1000' },
      { name: 'mgmt', model: 'virtio', ip: '192.168.0.9' },
    ],
  },
  status: {
    printableStatus: 'Running',
    conditions: [
      { type: 'Ready', status: 'True', priority: 2 },
      { type: 'Paused', status: 'False', priority: 1 },
      { type: 7, status: 'Unknown' },
    ],
    empty: [],
    html: '<b>&</b>',
  },
};

describe('evaluateJsonPath', () => {
  const cases: [path: string, want: unknown[]][] = [
    ['.metadata.name', ['vm1']],
    ['{.metadata.name}', ['vm1']],
    ['$.metadata.name', ['vm1']],
    ['.missing.deeper', []],
    ['.metadata.annotations.note', [null]],
    ['.metadata.annotations.note.x', []],
    ['.spec.interfaces[0].name', ['default']],
    ['.spec.interfaces[-1].name', ['mgmt']],
    ['.spec.interfaces[-2].name', ['flat']],
    ['.spec.interfaces[*].name', ['default', 'flat', 'mgmt']],
    ['.spec.interfaces[0:2].name', ['default', 'flat']],
    ['.spec.interfaces[::2].name', ['default', 'mgmt']],
    ['.spec.interfaces[0,2].name', ['default', 'mgmt']],
    ['.spec.interfaces[*].ip', ['10.0.0.2', '192.168.0.9']],
    ['.spec.interfaces[?(@.model=="virtio")].name', ['default', 'mgmt']],
    ["{.spec.interfaces[?(@.model=='e1000')].name}", ['flat']],
    ['.spec.interfaces[?(@.model != "virtio")].name', ['flat']],
    ['.spec.interfaces[?(@.ip)].name', ['default', 'mgmt']],
    ['.status.conditions[?(@.type=="Ready")].status', ['True']],
    ['.status.conditions[?(@.priority>1)].type', ['Ready']],
    ['.status.conditions[?(@.priority<=1)].type', ['Paused']],
    // Incompatible types never pass, except for != (upstream ignores the comparison error).
    ['.status.conditions[?(@.type!="Ready")].status', ['False', 'Unknown']],
    ['.status.conditions[?(@.type<"Z")].status', ['True', 'False']],
    ['.metadata.labels.app\\.kubernetes\\.io/name', ['web']],
    [".metadata.labels['app.kubernetes.io/name']", ['web']],
    [".metadata['labels','name']", [{ 'app.kubernetes.io/name': 'web', tier: 'front' }, 'vm1']],
    ['.metadata.labels.*', ['web', 'front']], // map values in key order
    ['.spec.template..cores', [2]],
    ['..cores', [2]],
    ['.status.empty[0:0]', []],
    ['{.metadata.name}/{.spec.replicas}', ['vm1', '/', 3]],
    ['.spec.replicas.x', []],
  ];
  for (const [path, want] of cases) {
    it(path, () => {
      assert.deepEqual(evaluateJsonPath(vm, path), want);
    });
  }

  const errors: [path: string, message: string][] = [
    ['.spec.interfaces[5]', 'array index out of bounds: index 5, length 3'],
    ['.metadata[0]', 'map[string]interface {} is not array or slice'],
    ['.spec.interfaces[a]', 'invalid array index a'],
    ['.spec.interfaces[0', 'unterminated array'],
    ['{.metadata.name', 'unclosed action'],
    ['.metadata.name !', "unrecognized character in action: U+0021 '!'"],
    ['.spec.interfaces[?(@.a=="x")', 'unclosed array expect ]'],
    ['.spec.interfaces[::0]', 'step must be > 0'],
    ['range', 'unrecognized identifier range'],
  ];
  for (const [path, message] of errors) {
    it(`fails on ${path}`, () => {
      assert.throws(() => evaluateJsonPath(vm, path), (e: Error) => {
        assert.ok(e instanceof JsonPathError);
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

describe('printerCell', () => {
  const cases: [path: string, type: string, want: unknown][] = [
    ['.status.printableStatus', 'string', 'Running'],
    ['.spec.running', 'string', 'true'],
    ['.spec.replicas', 'string', '3'],
    ['.spec.ratio', 'string', '0.25'],
    ['.spec.big', 'string', '1.2345675e+06'], // Go's %v of a float64
    ['.spec.tiny', 'string', '1e-05'],
    ['.metadata.labels', 'string', '{"app.kubernetes.io/name":"web","tier":"front"}'],
    ['.spec.interfaces[1]', 'string', '{"model":"e1000","name":"flat"}'], // keys sorted as Go's json
    ['.status.empty', 'string', '[]'],
    ['.metadata.annotations.note', 'string', '<no value>'],
    ['.spec.interfaces[*].name', 'string', 'default'], // first match only
    ['.missing', 'string', undefined],
    ['.spec.interfaces[9].name', 'string', undefined], // evaluation error → empty cell
    ['.spec.replicas', 'integer', 3],
    ['.spec.ratio', 'integer', 0],
    ['.spec.ratio', 'number', 0.25],
    ['.status.printableStatus', 'integer', undefined],
    ['.spec.running', 'boolean', true],
    ['.spec.replicas', 'boolean', undefined],
    ['.metadata.creationTimestamp', 'date', '2024-01-02T03:04:05Z'],
    ['.spec.replicas', 'date', undefined],
    ['.metadata.annotations.note', 'integer', undefined],
    ['.status.printableStatus', 'unknown-type', undefined],
    ['.status.conditions[?(@.type=="Ready")].status', 'string', 'True'],
  ];
  for (const [path, type, want] of cases) {
    it(`${path} as ${type}`, () => {
      assert.deepEqual(printerCell(vm, path, type), want);
    });
  }

  it('gives undefined for a path that does not parse', () => {
    assert.equal(printerCell(vm, '.a[', 'string'), undefined);
  });
});

describe('goJson', () => {
  it('escapes HTML characters as Go does', () => {
    assert.equal(goJson({ b: vm.status.html, a: 1 }), '{"a":1,"b":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"}');
  });
});

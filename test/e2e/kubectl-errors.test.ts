// Error texts exactly as kubectl prints them against a real cluster.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ServerProcess } from '../support/server-process.js';

describe('kubectl error texts', () => {
  let s: ServerProcess;
  before(async () => {
    s = await ServerProcess.start();
  });
  after(async () => {
    await s.stop();
  });

  it('404 NotFound', () => {
    const r = s.kubectl(['get', 'configmap', 'nosuch']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (NotFound): configmaps "nosuch" not found');
    const v = s.kubectl(['get', 'vm', 'nosuch']);
    assert.equal(v.stderr.trim(), 'Error from server (NotFound): virtualmachines.kubevirt.io "nosuch" not found');
    const n = s.kubectl(['get', 'cm', 'x', '-n', 'nosuchns']);
    assert.equal(n.stderr.trim(), 'Error from server (NotFound): namespaces "nosuchns" not found');
  });

  it('409 AlreadyExists and Conflict', () => {
    const f = s.writeFile('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\n  namespace: default\ndata:\n  a: "1"\n');
    s.kubectlOk(['create', '-f', f]);
    const r = s.kubectl(['create', '-f', f]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error from server (AlreadyExists): error when creating "${f}": configmaps "cm1" already exists`);
    const stale = s.writeFile('stale.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm1\n  namespace: default\n  resourceVersion: "1"\ndata:\n  a: "2"\n');
    const c = s.kubectl(['replace', '-f', stale]);
    assert.equal(c.code, 1);
    assert.equal(c.stderr.trim(), `Error from server (Conflict): error when replacing "${stale}": Operation cannot be fulfilled on configmaps "cm1": the object has been modified; please apply your changes to the latest version and try again`);
  });

  it('422 Invalid with the field path', () => {
    const f = s.writeFile('bad.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\n  namespace: default\n');
    const r = s.kubectl(['create', '-f', f]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `The ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`);
    const vm = s.writeFile('badvm.yaml', 'apiVersion: kubevirt.io/v1\nkind: VirtualMachine\nmetadata:\n  name: vm1\n  namespace: default\nspec:\n  running: "yes"\n  template:\n    spec:\n      domain:\n        devices: {}\n');
    const v = s.kubectl(['create', '-f', vm]);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /The VirtualMachine "vm1" is invalid: spec.running: Invalid value: "string": spec.running in body must be of type boolean: "string"/);
  });

  it('unknown fields are rejected under strict validation', () => {
    const f = s.writeFile('unknown.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm2\n  namespace: default\nbogus: 1\n');
    const r = s.kubectl(['create', '-f', f]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), `Error from server (BadRequest): error when creating "${f}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"`);
    assert.equal(s.kubectl(['create', '--validate=false', '-f', f]).code, 0);
    assert.equal(s.kubectlOk(['get', 'cm', 'cm2', '-o', 'jsonpath={.bogus}']), '');
  });

  it('an unknown resource type', () => {
    const r = s.kubectl(['get', 'frobnicators']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the server doesn't have a resource type "frobnicators"/);
  });
});

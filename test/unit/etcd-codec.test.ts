// The etcd store's pure parts: the stored JSON form (resourceVersion spliced in on read), prefix range
// ends, and the --store flag.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/common/object.js';
import { decodeObject, encodeObject, prefixEnd, withResourceVersion } from '../../src/api/storage/etcd-codec.js';
import { parseStoreSpec } from '../../src/api/storage/store-spec.js';

describe('etcd codec', () => {
  const cases: Array<[string, KubeObject]> = [
    ['plain', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n' }, data: { k: 'v' } }],
    ['empty metadata', { apiVersion: 'v1', kind: 'Namespace', metadata: {} }],
    ['a stale resourceVersion is not stored', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', resourceVersion: '7' } }],
    // spec before metadata, and a nested metadata: the top-level one must get the revision.
    ['nested metadata first in the input', { spec: { template: { metadata: { name: 'inner', resourceVersion: '' } } }, apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'vm' } }],
    ['strings that look like JSON', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '"metadata":{' }, data: { x: '\\"metadata\\":{"resourceVersion":""' } }],
  ];
  for (const [name, obj] of cases) {
    it(name, () => {
      const text = encodeObject(obj);
      assert.ok(!text.includes(`"resourceVersion":"7"`));
      const back = decodeObject(text, 42);
      const want = { ...obj, metadata: { ...obj.metadata, resourceVersion: '42' } };
      assert.deepEqual(back, want);
      assert.deepEqual(JSON.parse(withResourceVersion(text, 42)), want);
    });
  }

  it('prefixEnd is the first key after the prefix', () => {
    assert.deepEqual(prefixEnd(Buffer.from('/registry/a/')), Buffer.from('/registry/a0'));
    assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
    assert.deepEqual(prefixEnd(Buffer.from([0xff])), Buffer.from([0]));
  });
});

describe('--store flag', () => {
  it('parses sqlite and etcd member lists', () => {
    assert.deepEqual(parseStoreSpec('sqlite'), { kind: 'sqlite' });
    assert.deepEqual(parseStoreSpec('etcd:http://10.0.0.1:2379, http://10.0.0.2:2379'), { kind: 'etcd', endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'] });
  });
  for (const bad of ['mysql', 'etcd:', 'etcd:10.0.0.1:2379', 'etcd:ftp://h:1', 'etcd:http://h:2379/x']) {
    it(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => parseStoreSpec(bad), /--store/));
  }
});

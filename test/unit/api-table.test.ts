import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toTable, wantsTable } from '../../src/api/table.js';
import { kindByGroupKind } from '../../src/apis/registry.js';
import type { KubeObject } from '../../src/common/object.js';

const ago = (s: number): string => new Date(Date.now() - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('Tables', () => {
  it('recognises the Table Accept kubectl sends', () => {
    assert.equal(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'), true);
    assert.equal(wantsTable('application/json'), false);
    assert.equal(wantsTable(undefined), false);
  });

  it('renders a VirtualMachine row with age, status and ready as upstream', () => {
    const def = kindByGroupKind('kubevirt.io', 'VirtualMachine')!;
    const vm = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'fedora01', namespace: 'vmexamples-user1', creationTimestamp: ago(130) },
      status: { printableStatus: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as KubeObject;
    const t = toTable(def, [vm], '7', 'None') as { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object?: unknown }[] };
    assert.deepEqual(t.columnDefinitions.map((c) => c.name), ['Name', 'Age', 'Status', 'Ready']);
    assert.deepEqual(t.rows[0]!.cells, ['fedora01', '2m10s', 'Running', 'True']);
    assert.equal(t.rows[0]!.object, undefined);
  });

  it('leaves a missing CRD cell empty (null), as apiextensions does', () => {
    const def = kindByGroupKind('kubevirt.io', 'VirtualMachine')!;
    const vm = { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name: 'v', creationTimestamp: ago(5) } } as KubeObject;
    const t = toTable(def, [vm], '1', 'Metadata') as { rows: { cells: unknown[]; object: { kind: string } }[] };
    assert.deepEqual(t.rows[0]!.cells, ['v', '5s', null, null]);
    assert.equal(t.rows[0]!.object.kind, 'PartialObjectMetadata');
  });
});

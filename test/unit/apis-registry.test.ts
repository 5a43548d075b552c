// The registry: every kind well-formed and unique, lookups as discovery and the CLI use them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allKinds, compareKubeVersions, kindByApiVersion, kindByGroupKind, kindByResource, kindsInCategory,
  resolveResource, servedGroups,
} from '../../src/apis/registry.js';
import { validateSchema } from '../../src/apis/schema-validate.js';
import { compileJsonPath } from '../../src/common/jsonpath.js';
import type { KubeObject } from '../../src/common/object.js';

describe('registry: every kind', () => {
  it('has a unique plural and kind per group, and unique short names', () => {
    const plurals = new Set<string>();
    const kinds = new Set<string>();
    const names = new Map<string, string>();
    for (const k of allKinds) {
      assert.ok(!plurals.has(`${k.group}/${k.plural}`), `duplicate plural ${k.plural}`);
      assert.ok(!kinds.has(`${k.group}/${k.kind}`), `duplicate kind ${k.kind}`);
      plurals.add(`${k.group}/${k.plural}`);
      kinds.add(`${k.group}/${k.kind}`);
      for (const n of [...k.shortNames, k.singular]) {
        const other = names.get(n);
        assert.ok(other === undefined, `${n} names both ${other} and ${k.kind}`);
        names.set(n, k.kind);
      }
    }
    assert.equal(allKinds.length, 27);
  });

  it('is well-formed', () => {
    for (const k of allKinds) {
      assert.ok(k.versions.length > 0, k.kind);
      assert.equal(k.listKind, `${k.kind}List`);
      assert.equal(k.plural, k.plural.toLowerCase());
      assert.equal(k.singular, k.singular.toLowerCase());
      assert.match(k.openapiName, /^[a-z0-9.]+\.v\d+(alpha\d+|beta\d+)?\.[A-Z][A-Za-z]+$/, k.kind);
      assert.ok(k.openapiName.endsWith(`.${k.kind}`));
      const schema = k.schema as unknown as { type: string; properties: Record<string, unknown> };
      assert.equal(schema.type, 'object');
      for (const p of ['apiVersion', 'kind', 'metadata']) assert.ok(schema.properties[p], `${k.kind}.${p}`);
      assert.ok(typeof (schema as { description?: unknown }).description === 'string', `${k.kind} description`);
      // Only kinds compiled into kubectl get strategic-merge rules.
      const builtIn = k.group === '' || k.group.endsWith('.k8s.io');
      assert.equal(k.strategicMerge !== undefined, builtIn, k.kind);
    }
  });

  it("compiles every kind's schema and validates a minimal object without throwing", () => {
    for (const k of allKinds) {
      const obj = { apiVersion: k.versions[0]!, kind: k.kind, metadata: { name: 'x' } } as KubeObject;
      assert.doesNotThrow(() => validateSchema(k, obj), k.kind);
    }
  });

  it('has printer columns with exactly one of jsonPath/cell and parseable JSONPaths', () => {
    for (const k of allKinds) {
      for (const c of k.printerColumns) {
        assert.ok((c.jsonPath === undefined) !== (c.cell === undefined), `${k.kind} ${c.name}`);
        if (c.jsonPath !== undefined) {
          assert.ok(c.jsonPath.startsWith('.'), `${k.kind} ${c.name}`);
          assert.doesNotThrow(() => compileJsonPath(c.jsonPath!), `${k.kind} ${c.name}: ${c.jsonPath}`);
        }
        assert.ok(['string', 'integer', 'number', 'boolean', 'date'].includes(c.type));
      }
      const names = k.printerColumns.map((c) => c.name);
      assert.equal(new Set(names).size, names.length, `${k.kind} duplicate column`);
    }
  });
});

describe('registry: upstream names and columns', () => {
  const cols = (group: string, kind: string) => kindByGroupKind(group, kind)!.printerColumns.map((c) => `${c.name}${c.priority ? '*' : ''}=${c.jsonPath ?? 'cell'}`);
  const table: [group: string, kind: string, plural: string, shortNames: string[], namespaced: boolean, columns: string[]][] = [
    ['', 'Namespace', 'namespaces', ['ns'], false, ['Status=.status.phase', 'Age=.metadata.creationTimestamp']],
    ['', 'Node', 'nodes', ['no'], false, ['Status=cell', 'Roles=cell', 'Age=.metadata.creationTimestamp', 'Version=cell', 'Internal-IP*=cell', 'External-IP*=cell', 'OS-Image*=cell', 'Kernel-Version*=cell', 'Container-Runtime*=cell']],
    ['', 'ConfigMap', 'configmaps', ['cm'], true, ['Data=cell', 'Age=.metadata.creationTimestamp']],
    ['', 'Secret', 'secrets', [], true, ['Type=.type', 'Data=cell', 'Age=.metadata.creationTimestamp']],
    ['', 'Pod', 'pods', ['po'], true, ['Ready=cell', 'Status=cell', 'Restarts=cell', 'Age=.metadata.creationTimestamp', 'IP*=cell', 'Node*=cell', 'Nominated Node*=cell', 'Readiness Gates*=cell']],
    ['coordination.k8s.io', 'Lease', 'leases', [], true, ['Holder=.spec.holderIdentity', 'Age=.metadata.creationTimestamp']],
    ['rbac.authorization.k8s.io', 'Role', 'roles', [], true, ['Created At=cell']],
    ['rbac.authorization.k8s.io', 'ClusterRoleBinding', 'clusterrolebindings', [], false, ['Role=cell', 'Age=.metadata.creationTimestamp', 'Users*=cell', 'Groups*=cell', 'ServiceAccounts*=cell']],
    ['nmstate.io', 'NMState', 'nmstates', [], false, ['Age=.metadata.creationTimestamp']],
    ['nmstate.io', 'NodeNetworkConfigurationPolicy', 'nodenetworkconfigurationpolicies', ['nncp'], false, ['Status=.status.conditions[?(@.status=="True")].type', 'Reason=.status.conditions[?(@.status=="True")].reason']],
    ['nmstate.io', 'NodeNetworkConfigurationEnactment', 'nodenetworkconfigurationenactments', ['nnce'], false, ['Status=.status.conditions[?(@.status=="True")].type', 'Status Age=.status.conditions[?(@.status=="True")].lastTransitionTime', 'Reason=.status.conditions[?(@.status=="True")].reason']],
    ['nmstate.io', 'NodeNetworkState', 'nodenetworkstates', ['nns'], false, ['Age=.metadata.creationTimestamp']],
    ['k8s.cni.cncf.io', 'NetworkAttachmentDefinition', 'network-attachment-definitions', ['net-attach-def'], true, ['Age=.metadata.creationTimestamp']],
    ['k8s.cni.cncf.io', 'IPAMClaim', 'ipamclaims', [], true, ['Age=.metadata.creationTimestamp']],
    ['k8s.ovn.org', 'UserDefinedNetwork', 'userdefinednetworks', [], true, ['Age=.metadata.creationTimestamp']],
    ['k8s.ovn.org', 'ClusterUserDefinedNetwork', 'clusteruserdefinednetworks', [], false, ['Age=.metadata.creationTimestamp']],
    ['kubevirt.io', 'VirtualMachine', 'virtualmachines', ['vm', 'vms'], true, ['Age=.metadata.creationTimestamp', 'Status=.status.printableStatus', "Ready=.status.conditions[?(@.type=='Ready')].status"]],
    ['kubevirt.io', 'VirtualMachineInstance', 'virtualmachineinstances', ['vmi', 'vmis'], true, ['Age=.metadata.creationTimestamp', 'Phase=.status.phase', 'IP=.status.interfaces[0].ipAddress', 'NodeName=.status.nodeName', "Ready=.status.conditions[?(@.type=='Ready')].status", "Live-Migratable*=.status.conditions[?(@.type=='LiveMigratable')].status", "Paused*=.status.conditions[?(@.type=='Paused')].status"]],
    ['kubevirt.io', 'VirtualMachineInstanceMigration', 'virtualmachineinstancemigrations', ['vmim', 'vmims'], true, ['Phase=.status.phase', 'VMI=.spec.vmiName']],
    ['cdi.kubevirt.io', 'DataVolume', 'datavolumes', ['dv', 'dvs'], true, ['Phase=.status.phase', 'Progress=.status.progress', 'Restarts=.status.restartCount', 'Age=.metadata.creationTimestamp']],
    ['cdi.kubevirt.io', 'DataSource', 'datasources', ['das'], true, ['Age=.metadata.creationTimestamp']],
  ];
  for (const [group, kind, plural, shortNames, namespaced, columns] of table) {
    it(`${kind}.${group || 'core'}`, () => {
      const k = kindByGroupKind(group, kind)!;
      assert.equal(k.plural, plural);
      assert.deepEqual(k.shortNames, shortNames);
      assert.equal(k.namespaced, namespaced);
      assert.deepEqual(cols(group, kind), columns);
    });
  }

  it('puts the upstream `all` members in the category', () => {
    assert.deepEqual(kindsInCategory('all').map((k) => k.kind).sort(),
      ['DataSource', 'DataVolume', 'Pod', 'VirtualMachine', 'VirtualMachineInstance', 'VirtualMachineInstanceMigration']);
  });

  it('declares status subresources as upstream does (none for VMIs)', () => {
    const withStatus = allKinds.filter((k) => k.subresources.status).map((k) => k.kind).sort();
    assert.deepEqual(withStatus, ['ClusterServiceVersion', 'ClusterUserDefinedNetwork', 'DataVolume', 'IPAMClaim', 'NMState', 'Namespace', 'Node',
      'NodeNetworkConfigurationEnactment', 'NodeNetworkConfigurationPolicy', 'NodeNetworkState', 'Pod', 'Subscription', 'UserDefinedNetwork',
      'VirtualMachine', 'VirtualMachineInstanceMigration']);
  });
});

describe('registry: lookups', () => {
  it('finds a kind by group, version and plural only where that version is served', () => {
    assert.equal(kindByResource('nmstate.io', 'v1beta1', 'nodenetworkstates')?.kind, 'NodeNetworkState');
    assert.equal(kindByResource('nmstate.io', 'v1', 'nodenetworkstates')?.kind, 'NodeNetworkState');
    assert.equal(kindByResource('nmstate.io', 'v1', 'nodenetworkconfigurationenactments'), undefined);
    assert.equal(kindByResource('', 'v1', 'pods')?.kind, 'Pod');
    assert.equal(kindByResource('kubevirt.io', 'v1alpha3', 'virtualmachines'), undefined);
  });

  it('finds a kind by apiVersion and kind', () => {
    assert.equal(kindByApiVersion('v1', 'ConfigMap')?.plural, 'configmaps');
    assert.equal(kindByApiVersion('nmstate.io/v1', 'NodeNetworkConfigurationPolicy')?.plural, 'nodenetworkconfigurationpolicies');
    assert.equal(kindByApiVersion('nmstate.io/v2', 'NodeNetworkConfigurationPolicy'), undefined);
  });

  it('lists groups in discovery order with the preferred version first', () => {
    const groups = servedGroups();
    assert.deepEqual(groups.map((g) => g.group), ['', 'rbac.authorization.k8s.io', 'coordination.k8s.io',
      'cdi.kubevirt.io', 'k8s.cni.cncf.io', 'k8s.ovn.org', 'kubevirt.io', 'nmstate.io', 'operators.virtnet.io']);
    assert.deepEqual(groups.find((g) => g.group === 'nmstate.io')!.versions, ['v1', 'v1beta1']);
    assert.deepEqual(groups.find((g) => g.group === 'k8s.cni.cncf.io')!.versions, ['v1', 'v1alpha1']);
  });

  it('orders versions GA > beta > alpha', () => {
    assert.deepEqual(['v1alpha1', 'v1beta1', 'v2', 'v1', 'v2beta1', 'foo'].sort(compareKubeVersions), ['v2', 'v1', 'v2beta1', 'v1beta1', 'v1alpha1', 'foo']);
  });

  const resolve = (arg: string) => resolveResource(arg).map((m) => `${m.def.kind}@${m.version}`);
  const cases: [arg: string, want: string[]][] = [
    ['vm', ['VirtualMachine@v1']],
    ['vms', ['VirtualMachine@v1']],
    ['virtualmachine', ['VirtualMachine@v1']],
    ['VirtualMachine', ['VirtualMachine@v1']],
    ['virtualmachines.kubevirt.io', ['VirtualMachine@v1']],
    ['virtualmachines.v1.kubevirt.io', ['VirtualMachine@v1']],
    ['nns', ['NodeNetworkState@v1beta1']],
    ['nns.v1.nmstate.io', ['NodeNetworkState@v1']],
    ['nncp', ['NodeNetworkConfigurationPolicy@v1']],
    ['net-attach-def', ['NetworkAttachmentDefinition@v1']],
    ['network-attachment-definitions.k8s.cni.cncf.io', ['NetworkAttachmentDefinition@v1']],
    ['po', ['Pod@v1']],
    ['pods.v1', ['Pod@v1']],
    ['ns', ['Namespace@v1']],
    ['udn', []],
    ['vm.kubevirt.io.extra', []],
  ];
  for (const [arg, want] of cases) it(`resolves ${arg}`, () => assert.deepEqual(resolve(arg), want));
});

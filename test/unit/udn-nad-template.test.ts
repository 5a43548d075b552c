// The NAD a UDN or CUDN renders to (golden configs: keys sorted as Go marshals a map).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderNad, renderNadConfig, isControlledBy, networkSpecOf, roleOf } from '../../src/controllers/udn/nad-template.js';
import type { KubeObject } from '../../src/common/object.js';

type Json = Record<string, unknown>;
const udn = (name: string, namespace: string, spec: Json): KubeObject => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name, namespace, uid: 'uid-udn' }, spec });
const cudn = (name: string, network: Json): KubeObject => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', metadata: { name, uid: 'uid-cudn' }, spec: { namespaceSelector: {}, network } });
const config = (o: KubeObject, ns: string): string => {
  const r = renderNad(o, ns);
  assert.ok('nad' in r, JSON.stringify(r));
  return (r.nad.spec as { config: string }).config;
};

describe('UDN NAD template', () => {
  it('renders the guide\'s primary layer2 UDN with persistent IPs (golden)', () => {
    const u = udn('primary-udn', 'vmexamples-user1-udn', { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } } });
    const r = renderNad(u, 'vmexamples-user1-udn');
    assert.deepEqual(r, {
      nad: {
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: {
          name: 'primary-udn',
          namespace: 'vmexamples-user1-udn',
          labels: { 'k8s.ovn.org/user-defined-network': '' },
          finalizers: ['k8s.ovn.org/user-defined-network-protection'],
          ownerReferences: [{ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', name: 'primary-udn', uid: 'uid-udn', controller: true, blockOwnerDeletion: true }],
        },
        spec: {
          config: '{"allowPersistentIPs":true,"cniVersion":"1.0.0","joinSubnets":"100.65.0.0/16,fd99::/64","name":"vmexamples-user1-udn.primary-udn","netAttachDefName":"vmexamples-user1-udn/primary-udn","role":"primary","subnets":"192.168.254.0/24","topology":"layer2","type":"ovn-k8s-cni-overlay"}',
        },
      },
    });
  });

  const golden: Array<[string, KubeObject, string, string]> = [
    ['primary layer3: cidr/hostSubnet, a bare CIDR without one, mtu', udn('l3', 'ns', { topology: 'Layer3', layer3: { role: 'Primary', mtu: 1400, subnets: [{ cidr: '10.150.0.0/16', hostSubnet: 24 }, { cidr: 'fd00:10::/48' }] } }), 'ns',
      '{"cniVersion":"1.0.0","joinSubnets":"100.65.0.0/16,fd99::/64","mtu":1400,"name":"ns.l3","netAttachDefName":"ns/l3","role":"primary","subnets":"10.150.0.0/16/24,fd00:10::/48","topology":"layer3","type":"ovn-k8s-cni-overlay"}'],
    ['secondary layer2 without IPAM: no join subnets, no subnets', udn('s', 'ns', { topology: 'Layer2', layer2: { role: 'Secondary', ipam: { mode: 'Disabled' } } }), 'ns',
      '{"cniVersion":"1.0.0","name":"ns.s","netAttachDefName":"ns/s","role":"secondary","topology":"layer2","type":"ovn-k8s-cni-overlay"}'],
    ['secondary dual-stack layer2', udn('s2', 'ns', { topology: 'Layer2', layer2: { role: 'Secondary', subnets: ['10.10.0.0/16', 'fd10::/64'], mtu: 9000 } }), 'ns',
      '{"cniVersion":"1.0.0","mtu":9000,"name":"ns.s2","netAttachDefName":"ns/s2","role":"secondary","subnets":"10.10.0.0/16,fd10::/64","topology":"layer2","type":"ovn-k8s-cni-overlay"}'],
    ['CUDN: cluster-wide network name, the NAD per namespace, given join subnets', cudn('blue', { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.20.0.0/16'], joinSubnets: ['100.70.0.0/16'] } }), 'team-a',
      '{"cniVersion":"1.0.0","joinSubnets":"100.70.0.0/16","name":"cluster.udn.blue","netAttachDefName":"team-a/blue","role":"primary","subnets":"10.20.0.0/16","topology":"layer2","type":"ovn-k8s-cni-overlay"}'],
  ];
  for (const [name, o, ns, want] of golden) it(name, () => assert.equal(config(o, ns), want));

  it('owns the CUDN\'s NADs by the CUDN', () => {
    const c = cudn('blue', { topology: 'Layer3', layer3: { role: 'Secondary', subnets: [{ cidr: '10.0.0.0/8' }] } });
    const r = renderNad(c, 'team-b');
    assert.ok('nad' in r);
    assert.deepEqual(r.nad.metadata.ownerReferences, [{ apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', name: 'blue', uid: 'uid-cudn', controller: true, blockOwnerDeletion: true }]);
    assert.equal(r.nad.metadata.namespace, 'team-b');
    assert.ok(isControlledBy(r.nad, c));
    assert.ok(!isControlledBy(r.nad, { ...c, metadata: { ...c.metadata, uid: 'other' } }), 'a recreated owner of the same name is another owner');
  });

  it('refuses a topology without its section (what the CRD rules prevent)', () => {
    assert.deepEqual(renderNadConfig('ns.x', 'ns/x', { topology: 'Layer3' }), { error: 'invalid topology specified: topology Layer3 is specified but Layer3 config is nil' });
    assert.deepEqual(renderNad(udn('x', 'ns', { topology: 'Layer2' }), 'ns'), { error: 'failed to generate NetworkAttachmentDefinition: invalid topology specified: topology Layer2 is specified but Layer2 config is nil' });
  });

  it('reads the role from the topology\'s section of a UDN spec or a CUDN network', () => {
    assert.equal(roleOf(networkSpecOf(udn('x', 'ns', { topology: 'Layer2', layer2: { role: 'Primary' } }))), 'Primary');
    assert.equal(roleOf(networkSpecOf(cudn('x', { topology: 'Layer3', layer3: { role: 'Secondary' }, layer2: { role: 'Primary' } }))), 'Secondary');
  });
});

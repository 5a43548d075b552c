// Which VMI interfaces attach to a User Defined Network, from the NADs the UDN controller renders.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasCentralIpam, indexUdnNads, parseOvnNetConfig, udnAttachments, type NadLike } from '../../src/common/kubevirt/udn-attachments.js';

const UDN_CONFIG = '{"cniVersion":"1.0.0","type":"ovn-k8s-cni-overlay","name":"ns.primary-udn","netAttachDefName":"ns/primary-udn","topology":"layer2","role":"primary","subnets":"192.168.254.0/24","mtu":1400,"joinSubnets":"100.65.0.0/16,fd99::/64","allowPersistentIPs":true}';

function nad(namespace: string, name: string, config: Record<string, unknown> | string, labelled = true): NadLike {
  return {
    metadata: { namespace, name, ...(labelled ? { labels: { 'k8s.ovn.org/user-defined-network': '' } } : {}) },
    spec: { config: typeof config === 'string' ? config : JSON.stringify(config) },
  };
}

const overlay = (name: string, extra: Record<string, unknown>): Record<string, unknown> => ({ cniVersion: '1.0.0', type: 'ovn-k8s-cni-overlay', name, topology: 'layer2', ...extra });

function vmiSpec(interfaces: Record<string, unknown>[], networks: Record<string, unknown>[]): Record<string, unknown> {
  return { domain: { devices: { interfaces } }, networks };
}

const l2bridge = { name: 'primary-udn', binding: { name: 'l2bridge' } };
const podNet = { name: 'primary-udn', pod: {} };

describe('parseOvnNetConfig', () => {
  it('reads the UDN controller\'s config', () => {
    assert.deepEqual(parseOvnNetConfig(UDN_CONFIG), {
      name: 'ns.primary-udn', netAttachDefName: 'ns/primary-udn', topology: 'layer2', role: 'primary',
      subnets: ['192.168.254.0/24'], excludeSubnets: [], joinSubnets: ['100.65.0.0/16', 'fd99::/64'], mtu: 1400, allowPersistentIPs: true,
    });
  });

  const cases: [string, string | undefined, unknown][] = [
    ['a bridge NAD is not an overlay', '{"cniVersion":"0.3.1","type":"bridge","name":"flat","bridge":"br-flat"}', undefined],
    ['not JSON', '{', undefined],
    ['no config', undefined, undefined],
    ['no name', '{"type":"ovn-k8s-cni-overlay","topology":"layer2"}', { error: 'ovn-k8s-cni-overlay config has no "name"' }],
    ['bad topology', '{"type":"ovn-k8s-cni-overlay","name":"n","topology":"mesh"}', { error: 'network n: unsupported topology "mesh"' }],
    ['bad role', '{"type":"ovn-k8s-cni-overlay","name":"n","topology":"layer2","role":"tertiary"}', { error: 'network n: unsupported role "tertiary"' }],
  ];
  for (const [what, config, want] of cases) it(what, () => assert.deepEqual(parseOvnNetConfig(config), want));

  it('treats a hand-written multi-homing NAD without role as secondary, and splits dual-stack subnets', () => {
    const c = parseOvnNetConfig('{"type":"ovn-k8s-cni-overlay","name":"l2","topology":"layer2","subnets":"10.100.200.0/24, fd00::/64"}');
    assert.ok(c && !('error' in c));
    assert.equal(c.role, 'secondary');
    assert.deepEqual(c.subnets, ['10.100.200.0/24', 'fd00::/64']);
    assert.equal(c.allowPersistentIPs, false);
  });

  it('central IPAM: layer2/localnet with subnets, not layer3 nor ipam Disabled', () => {
    const get = (extra: Record<string, unknown>) => {
      const c = parseOvnNetConfig(JSON.stringify(overlay('x', extra)));
      assert.ok(c && !('error' in c));
      return hasCentralIpam(c);
    };
    assert.equal(get({ subnets: '10.0.0.0/24' }), true);
    assert.equal(get({ topology: 'localnet', subnets: '10.0.0.0/24' }), true);
    assert.equal(get({ topology: 'layer3', subnets: '10.150.0.0/16/24' }), false);
    assert.equal(get({}), false);
  });
});

describe('udnAttachments', () => {
  const nads = [
    nad('ns', 'primary-udn', UDN_CONFIG),
    nad('ns', 'flat', '{"cniVersion":"0.3.1","type":"bridge","name":"flat","bridge":"br-flat"}', false),
    nad('ns', 'sec', overlay('ns.sec', { role: 'secondary', subnets: '10.1.0.0/24' })),
    nad('other', 'sec2', overlay('other.sec2', { role: 'secondary', subnets: '10.2.0.0/24' }), false),
    nad('a', 'cluster.udn.shared', overlay('cluster.udn.shared', { role: 'primary', subnets: '10.3.0.0/16' })),
    nad('b', 'cluster.udn.shared', overlay('cluster.udn.shared', { role: 'primary', subnets: '10.3.0.0/16' })),
    nad('nolabel', 'p', overlay('nolabel.p', { role: 'primary', subnets: '10.4.0.0/16' }), false),
  ];
  const idx = indexUdnNads(nads);

  it('attaches an l2bridge interface on the pod network to the namespace\'s primary UDN', () => {
    const atts = udnAttachments('ns', vmiSpec([l2bridge], [podNet]), idx);
    assert.equal(atts.length, 1);
    assert.deepEqual({ ...atts[0], config: atts[0]!.config.name }, { interface: 'primary-udn', network: 'primary-udn', role: 'primary', nad: { namespace: 'ns', name: 'primary-udn' }, config: 'ns.primary-udn' });
  });

  it('one CUDN, one network name in every namespace it selects', () => {
    const a = udnAttachments('a', vmiSpec([l2bridge], [podNet]), idx);
    const b = udnAttachments('b', vmiSpec([l2bridge], [podNet]), idx);
    assert.equal(a[0]!.config.name, 'cluster.udn.shared');
    assert.equal(b[0]!.config.name, 'cluster.udn.shared');
    assert.deepEqual(b[0]!.nad, { namespace: 'b', name: 'cluster.udn.shared' });
  });

  const none: [string, string, Record<string, unknown>][] = [
    ['masquerade on the pod network', 'ns', vmiSpec([{ name: 'default', masquerade: {} }], [{ name: 'default', pod: {} }])],
    ['passt (not the binding virtnet wires)', 'ns', vmiSpec([{ name: 'default', binding: { name: 'passt' } }], [{ name: 'default', pod: {} }])],
    ['l2bridge in a namespace without a primary UDN', 'elsewhere', vmiSpec([l2bridge], [podNet])],
    ['a primary NAD without the UDN label', 'nolabel', vmiSpec([l2bridge], [podNet])],
    ['a Linux bridge NAD', 'ns', vmiSpec([{ name: 'flat', bridge: {} }], [{ name: 'flat', multus: { networkName: 'flat' } }])],
    ['the primary NAD named as a multus network', 'ns', vmiSpec([{ name: 'p', bridge: {} }], [{ name: 'p', multus: { networkName: 'primary-udn' } }])],
    ['an absent interface', 'ns', vmiSpec([{ ...l2bridge, state: 'absent' }], [podNet])],
    ['an interface without its network', 'ns', vmiSpec([l2bridge], [])],
  ];
  for (const [what, ns, spec] of none) it(`nothing for ${what}`, () => assert.deepEqual(udnAttachments(ns, spec, idx), []));

  it('attaches multus networks naming secondary overlay NADs, here or in another namespace, in interface order', () => {
    const spec = vmiSpec(
      [l2bridge, { name: 'flat', bridge: {} }, { name: 's1', bridge: {} }, { name: 's2', bridge: {} }],
      [podNet, { name: 'flat', multus: { networkName: 'flat' } }, { name: 's1', multus: { networkName: 'sec' } }, { name: 's2', multus: { networkName: 'other/sec2' } }],
    );
    assert.deepEqual(udnAttachments('ns', spec, idx).map((a) => [a.interface, a.role, a.config.name]), [
      ['primary-udn', 'primary', 'ns.primary-udn'], ['s1', 'secondary', 'ns.sec'], ['s2', 'secondary', 'other.sec2'],
    ]);
  });

  it('keeps the first primary NAD of a namespace by name and reports the second like ovn-kubernetes', () => {
    const two = indexUdnNads([nad('x', 'b-net', overlay('x.b-net', { role: 'primary', subnets: '10.0.0.0/24' })), nad('x', 'a-net', overlay('x.a-net', { role: 'primary', subnets: '10.1.0.0/24' }))]);
    assert.equal(two.primary.get('x')?.name, 'a-net');
    assert.deepEqual(two.problems, [{ namespace: 'x', name: 'b-net', message: 'primary network already exist in namespace "x": "a-net"' }]);
  });
});

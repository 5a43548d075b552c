// The Create UserDefinedNetwork / ClusterUserDefinedNetwork modals' output (golden: the OpenShift 4.18
// console's objects, docs/lab.md step 7), their validation, the list's summary, and the default CUDN name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrFamily, cudnFromForm, matchLabelsMessage, parseMatchLabels, parseSubnets, projectMessage, selectedNamespaces, subnetsMessage, udnFromForm } from '../../console/src/models/udn-form.js';
import { udnSummary } from '../../console/src/models/udn-summary.js';
import { colorAnimalName } from '../../console/src/models/random-name.js';

test('the guide\'s primary UDN: named primary-udn, Layer2, Primary, Persistent', () => {
  assert.deepEqual(udnFromForm({ project: 'vmexamples-user1-udn', subnets: '192.168.254.0/24' }), {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'UserDefinedNetwork',
    metadata: { name: 'primary-udn', namespace: 'vmexamples-user1-udn' },
    spec: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } } },
  });
  assert.deepEqual(udnFromForm({ project: 'p', subnets: ' 10.0.0.0/24 , fd00::/64,' }).spec.layer2.subnets, ['10.0.0.0/24', 'fd00::/64']);
});

test('a CUDN: name, subnets, matchLabels', () => {
  assert.deepEqual(cudnFromForm({ name: 'cluster-udn-teal-otter', subnets: '10.100.0.0/16', matchLabels: 'team=blue, kubernetes.io/metadata.name=a' }), {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'ClusterUserDefinedNetwork',
    metadata: { name: 'cluster-udn-teal-otter' },
    spec: {
      namespaceSelector: { matchLabels: { team: 'blue', 'kubernetes.io/metadata.name': 'a' } },
      network: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['10.100.0.0/16'], ipam: { lifecycle: 'Persistent' } } },
    },
  });
});

test('CIDR families (host bits may be set) and the Subnet field\'s messages', () => {
  const fam: [string, 4 | 6 | undefined][] = [
    ['192.168.254.0/24', 4], ['10.0.0.1/8', 4], ['0.0.0.0/0', 4], ['fd00::/64', 6], ['2001:db8::1/128', 6], ['::ffff:1.2.3.4/96', 6],
    ['1:2:3:4:5:6:7:8/64', 6], ['192.168.1.0', undefined], ['192.168.1.0/33', undefined], ['256.1.1.1/8', undefined],
    ['01.1.1.1/8', undefined], ['fd00::/129', undefined], ['1::2::3/64', undefined], ['abc/24', undefined], ['1.2.3.4/024', undefined],
  ];
  for (const [c, f] of fam) assert.equal(cidrFamily(c), f, c);
  const msg = (s: string): string | undefined => { const m = subnetsMessage(s); return m && (m.vars ? `${m.text} ${JSON.stringify(m.vars)}` : m.text); };
  assert.equal(msg(''), 'Subnet is required');
  assert.equal(msg(' , '), 'Subnet is required');
  assert.equal(msg('192.168.254.0/24'), undefined);
  assert.equal(msg('192.168.254.0/24,fd00::/64'), undefined);
  assert.equal(msg('192.168.254.0'), 'Invalid CIDR: {{cidr}} {"cidr":"192.168.254.0"}');
  assert.equal(msg('10.0.0.0/8,10.1.0.0/16'), 'When 2 CIDRs are set, they must be from different IP families');
  assert.equal(msg('10.0.0.0/8,fd00::/64,10.1.0.0/16'), 'At most 2 subnets, one per IP family');
  assert.deepEqual(parseSubnets('a,, b '), ['a', 'b']);
  assert.equal(projectMessage('')?.text, 'Project name is required');
  assert.equal(projectMessage('p'), undefined);
});

test('match labels: key=value list, label syntax, selected namespaces', () => {
  assert.deepEqual(parseMatchLabels('a=b\nc.io/d=, e = f'), { labels: { a: 'b', 'c.io/d': '', e: 'f' } });
  assert.equal(parseMatchLabels('novalue').error?.text, 'Invalid label {{label}}: use key=value');
  assert.deepEqual(parseMatchLabels('a=b,bad key=x').error?.vars, { label: 'bad key=x' });
  assert.ok(parseMatchLabels('a=' + 'x'.repeat(64)).error);
  assert.ok(parseMatchLabels('UPPER.io/x=y').error, 'a prefix must be a DNS subdomain');
  assert.equal(matchLabelsMessage('')?.text, 'At least one label is required');
  assert.equal(matchLabelsMessage('a=b'), undefined);
  const nss = [
    { metadata: { name: 'b', labels: { team: 'blue', env: 'x' } } },
    { metadata: { name: 'a', labels: { team: 'blue' } } },
    { metadata: { name: 'c' } },
  ];
  assert.deepEqual(selectedNamespaces(nss, { team: 'blue' }), ['a', 'b']);
  assert.deepEqual(selectedNamespaces(nss, { team: 'blue', env: 'x' }), ['b']);
  assert.deepEqual(selectedNamespaces(nss, {}), []);
});

test('the list summary of UDNs and CUDNs, NetworkCreated or the older NetworkReady', () => {
  const udn = {
    kind: 'UserDefinedNetwork', metadata: { name: 'primary-udn', namespace: 'p' },
    spec: { topology: 'Layer2', layer2: { role: 'Primary', subnets: ['192.168.254.0/24'], ipam: { lifecycle: 'Persistent' } } },
    status: { conditions: [{ type: 'NetworkAllocationSucceeded', status: 'True' }, { type: 'NetworkCreated', status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: 'NetworkAttachmentDefinition has been created' }] },
  };
  assert.deepEqual(udnSummary(udn), {
    topology: 'Layer2', role: 'Primary', subnets: ['192.168.254.0/24'], ipamLifecycle: 'Persistent',
    condition: { type: 'NetworkCreated', status: 'True', reason: 'NetworkAttachmentDefinitionCreated', message: 'NetworkAttachmentDefinition has been created' },
  });
  const cudn = {
    kind: 'ClusterUserDefinedNetwork', metadata: { name: 'c' },
    spec: { namespaceSelector: {}, network: { topology: 'Layer3', layer3: { role: 'Secondary', mtu: 1400, subnets: [{ cidr: '10.10.0.0/16', hostSubnet: 24 }, { cidr: 'fd00::/48' }] } } },
    status: { conditions: [{ type: 'NetworkReady', status: 'False', reason: 'NetworkAttachmentDefinitionSyncError', message: 'boom' }] },
  };
  assert.deepEqual(udnSummary(cudn), {
    topology: 'Layer3', role: 'Secondary', subnets: ['10.10.0.0/16 (/24)', 'fd00::/48'], mtu: 1400,
    condition: { type: 'NetworkReady', status: 'False', reason: 'NetworkAttachmentDefinitionSyncError', message: 'boom' },
  });
  assert.deepEqual(udnSummary({ kind: 'UserDefinedNetwork', metadata: { name: 'x' } }), { topology: '', role: '', subnets: [] });
});

test('the default CUDN name: cluster-udn-<color>-<animal>', () => {
  assert.equal(colorAnimalName('cluster-udn', () => 0), 'cluster-udn-amaranth-aardvark');
  assert.equal(colorAnimalName('cluster-udn', () => 0.9999999), 'cluster-udn-yellow-zebra');
  for (let i = 0; i < 50; i++) assert.match(colorAnimalName('cluster-udn'), /^cluster-udn-[a-z]+-[a-z]+$/);
});

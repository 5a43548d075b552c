// The Create Network Attachment Definition form's output (golden: what the OpenShift 4.18 console writes,
// docs/lab.md step 5) and its validation messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyNadForm, nadFromForm, validateNadForm, type NadFormInput } from '../../console/src/models/nad-form.js';

const form = (p: Partial<NadFormInput>): NadFormInput => ({ ...emptyNadForm(), ...p });

test('the guide\'s flatnetwork: Linux bridge br-flat, description, MAC spoof check on by default', () => {
  const f = form({ name: 'flatnetwork', description: 'CNV Linux Bridge', networkType: 'bridge', bridge: 'br-flat' });
  assert.deepEqual(validateNadForm(f), {});
  const nad = nadFromForm(f, 'vmexamples-user1');
  assert.deepEqual(nad, {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: {
      name: 'flatnetwork',
      namespace: 'vmexamples-user1',
      annotations: { 'k8s.v1.cni.cncf.io/resourceName': 'bridge.network.kubevirt.io/br-flat', description: 'CNV Linux Bridge' },
    },
    spec: { config: '{"cniVersion":"0.3.1","name":"flatnetwork","type":"bridge","bridge":"br-flat","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}' },
  });
  // key order is part of the output: annotations as upstream spreads them
  assert.deepEqual(Object.keys(nad.metadata.annotations), ['k8s.v1.cni.cncf.io/resourceName', 'description']);
});

test('config variants: VLAN tag appended last, 0 and empty omitted, MAC spoof check off, no description', () => {
  const cases: { p: Partial<NadFormInput>; config: string; annotations: string[] }[] = [
    { p: { vlan: '100' }, config: '{"cniVersion":"0.3.1","name":"n","type":"bridge","bridge":"br1","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false,"vlan":100}', annotations: ['k8s.v1.cni.cncf.io/resourceName'] },
    { p: { vlan: ' 4094 ' }, config: '{"cniVersion":"0.3.1","name":"n","type":"bridge","bridge":"br1","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false,"vlan":4094}', annotations: ['k8s.v1.cni.cncf.io/resourceName'] },
    { p: { vlan: '0' }, config: '{"cniVersion":"0.3.1","name":"n","type":"bridge","bridge":"br1","ipam":{},"macspoofchk":true,"preserveDefaultVlan":false}', annotations: ['k8s.v1.cni.cncf.io/resourceName'] },
    { p: { macspoofchk: false, description: 'd' }, config: '{"cniVersion":"0.3.1","name":"n","type":"bridge","bridge":"br1","ipam":{},"macspoofchk":false,"preserveDefaultVlan":false}', annotations: ['k8s.v1.cni.cncf.io/resourceName', 'description'] },
  ];
  for (const c of cases) {
    const f = form({ name: 'n', networkType: 'bridge', bridge: 'br1', ...c.p });
    assert.deepEqual(validateNadForm(f), {}, JSON.stringify(c.p));
    const nad = nadFromForm(f, 'ns');
    assert.equal(nad.spec.config, c.config);
    assert.deepEqual(Object.keys(nad.metadata.annotations), c.annotations);
  }
});

test('validation messages', () => {
  const cases: { p: Partial<NadFormInput>; want: Record<string, string> }[] = [
    { p: {}, want: { name: 'Name is required', networkType: 'Network Type is required' } },
    { p: { name: 'Flat_Net', networkType: 'bridge', bridge: 'br1' }, want: { name: "Name must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character" } },
    { p: { name: 'a'.repeat(254), networkType: 'bridge', bridge: 'br1' }, want: { name: 'Name must be no more than 253 characters' } },
    { p: { name: 'n', networkType: 'bridge' }, want: { bridge: 'Bridge name is required' } },
    { p: { name: 'n', networkType: 'bridge', bridge: 'a-bridge-name-too-long' }, want: { bridge: 'Bridge name must be an interface name: at most 15 characters of letters, digits, _, . and -' } },
    { p: { name: 'n', networkType: 'bridge', bridge: 'br1', vlan: '4095' }, want: { vlan: 'VLAN tag number must be an integer between 0 and 4094' } },
    { p: { name: 'n', networkType: 'bridge', bridge: 'br1', vlan: '-1' }, want: { vlan: 'VLAN tag number must be an integer between 0 and 4094' } },
    { p: { name: 'n', networkType: 'bridge', bridge: 'br1', vlan: '1.5' }, want: { vlan: 'VLAN tag number must be an integer between 0 and 4094' } },
    { p: { name: 'n', networkType: 'ovn-k8s-cni-overlay' }, want: { networkType: 'This network type is not supported' } },
    { p: { name: 'a.b-c', networkType: 'bridge', bridge: 'br.1_x-y', vlan: '' }, want: {} },
  ];
  for (const c of cases) {
    const got = Object.fromEntries(Object.entries(validateNadForm(form(c.p))).map(([k, v]) => [k, v.text]));
    assert.deepEqual(got, c.want, JSON.stringify(c.p));
  }
});

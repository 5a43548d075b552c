// The NNCP create form (pure): the policy each set of inputs produces (as the nmstate console plugin's
// form writes it) and the validation messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialPolicyForm, newInterface, policyFromForm, validatePolicyForm, hasErrors, type PolicyForm } from '../../console/src/models/nncp-form.js';

const form = (over: Partial<PolicyForm> = {}, iface: Partial<ReturnType<typeof newInterface>> = {}): PolicyForm =>
  ({ ...initialPolicyForm(), name: 'p', ...over, interfaces: over.interfaces ?? [{ ...newInterface(0), ...iface }] });

const base = { apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy' };
const br0 = { name: 'br0', type: 'linux-bridge', state: 'up', bridge: { options: { stp: { enabled: false } } } };

const outputCases: { name: string; form: PolicyForm; want: unknown }[] = [
  {
    name: 'defaults: br0 up, STP off, IPv4 off, no selector',
    form: form(),
    want: { ...base, metadata: { name: 'p' }, spec: { desiredState: { interfaces: [{ ...br0, ipv4: { enabled: false } }] } } },
  },
  {
    name: 'bridge on eth1 with DHCP, selector and description',
    form: form({ name: 'br1-eth1', description: 'Flat network', selector: [{ key: 'node-type', value: 'baremetal' }] }, { name: 'br1', ports: 'eth1', ipv4: 'dhcp' }),
    want: {
      ...base, metadata: { name: 'br1-eth1', annotations: { description: 'Flat network' } },
      spec: {
        nodeSelector: { 'node-type': 'baremetal' },
        desiredState: { interfaces: [{ name: 'br1', type: 'linux-bridge', state: 'up', bridge: { options: { stp: { enabled: false } }, port: [{ name: 'eth1' }] }, ipv4: { enabled: true, dhcp: true } }] },
      },
    },
  },
  {
    name: "the guide's create-br0-static, static address 192.168.95.1/24",
    form: form({ name: 'create-br0-static', selector: [{ key: 'node-type', value: 'baremetal' }] }, { ipv4: 'static', ip: '192.168.95.1', prefixLength: '24' }),
    want: {
      ...base, metadata: { name: 'create-br0-static' },
      spec: { nodeSelector: { 'node-type': 'baremetal' }, desiredState: { interfaces: [{ ...br0, ipv4: { enabled: true, address: [{ ip: '192.168.95.1', 'prefix-length': 24 }] } }] } },
    },
  },
  {
    name: 'STP on, two ports, state down, blank selector rows and whitespace dropped',
    form: form({ selector: [{ key: ' ', value: '' }], description: '  ' }, { name: ' br2 ', ports: 'eth1, eth2', stp: true, state: 'down' }),
    want: {
      ...base, metadata: { name: 'p' },
      spec: { desiredState: { interfaces: [{ name: 'br2', type: 'linux-bridge', state: 'down', bridge: { options: { stp: { enabled: true } }, port: [{ name: 'eth1' }, { name: 'eth2' }] }, ipv4: { enabled: false } }] } },
    },
  },
];
for (const c of outputCases) test(`policyFromForm: ${c.name}`, () => assert.deepEqual(policyFromForm(c.form), c.want));

type Field = 'name' | 'interfacesList' | 'sel0.key' | 'sel0.value' | 'if0.name' | 'if1.name' | 'if0.ports' | 'if0.ip' | 'if0.prefixLength';
function messages(f: PolicyForm): Partial<Record<Field, string>> {
  const e = validatePolicyForm(f);
  const out: Record<string, string> = {};
  const fmt = (m: { key: string; vars?: Record<string, string | number> }): string => m.key.replace(/\{\{(\w+)\}\}/g, (_, v: string) => String(m.vars?.[v]));
  if (e.name) out.name = fmt(e.name);
  if (e.interfacesList) out.interfacesList = fmt(e.interfacesList);
  e.selector.forEach((s, i) => { if (s.key) out[`sel${i}.key`] = fmt(s.key); if (s.value) out[`sel${i}.value`] = fmt(s.value); });
  e.interfaces.forEach((s, i) => { for (const [k, m] of Object.entries(s)) out[`if${i}.${k}`] = fmt(m); });
  return out;
}

const validationCases: { name: string; form: PolicyForm; want: Partial<Record<Field, RegExp>> }[] = [
  { name: 'valid', form: form(), want: {} },
  { name: 'empty name', form: form({ name: '' }), want: { name: /Policy name is required/ } },
  { name: 'upper case name', form: form({ name: 'Create-BR0' }), want: { name: /lower case/ } },
  { name: 'name of 64 characters', form: form({ name: 'a'.repeat(64) }), want: { name: /at most 63/ } },
  { name: 'interface name of 16 characters', form: form({}, { name: 'br-0123456789abc' }), want: { 'if0.name': /15 characters or less/ } },
  { name: 'interface name of 15 characters is fine', form: form({}, { name: 'br-0123456789ab' }), want: {} },
  { name: 'interface name with a slash', form: form({}, { name: 'br/0' }), want: { 'if0.name': /slashes are not allowed/ } },
  { name: 'empty interface name', form: form({}, { name: '' }), want: { 'if0.name': /Interface name is required/ } },
  { name: 'duplicate interfaces', form: form({ interfaces: [newInterface(0), newInterface(0)] }), want: { 'if1.name': /br0 is listed twice/ } },
  { name: 'no interfaces', form: form({ interfaces: [] }), want: { interfacesList: /at least one/ } },
  { name: 'bad IP', form: form({}, { ipv4: 'static', ip: '192.168.95.256' }), want: { 'if0.ip': /IPv4 address/ } },
  { name: 'empty IP', form: form({}, { ipv4: 'static', ip: '' }), want: { 'if0.ip': /IPv4 address/ } },
  { name: 'prefix 33', form: form({}, { ipv4: 'static', ip: '10.0.0.1', prefixLength: '33' }), want: { 'if0.prefixLength': /0 to 32/ } },
  { name: 'prefix not a number', form: form({}, { ipv4: 'static', ip: '10.0.0.1', prefixLength: '2x' }), want: { 'if0.prefixLength': /0 to 32/ } },
  { name: 'IP ignored when DHCP', form: form({}, { ipv4: 'dhcp', ip: 'nope' }), want: {} },
  { name: 'port name too long', form: form({}, { ports: 'eth1,enp0s0123456789xyz' }), want: { 'if0.ports': /enp0s0123456789xyz/ } },
  { name: 'bridge as its own port', form: form({}, { ports: 'br0' }), want: { 'if0.ports': /br0/ } },
  { name: 'selector without key', form: form({ selector: [{ key: '', value: 'x' }] }), want: { 'sel0.key': /Label key is required/ } },
  { name: 'selector bad key', form: form({ selector: [{ key: 'node type', value: 'x' }] }), want: { 'sel0.key': /node type is not a valid label key/ } },
  { name: 'selector prefixed key', form: form({ selector: [{ key: 'kubernetes.io/hostname', value: 'metal-0' }] }), want: {} },
  { name: 'selector bad value', form: form({ selector: [{ key: 'a', value: 'bare metal' }] }), want: { 'sel0.value': /bare metal is not a valid label value/ } },
  { name: 'selector empty value is valid', form: form({ selector: [{ key: 'a', value: '' }] }), want: {} },
];
for (const c of validationCases) {
  test(`validatePolicyForm: ${c.name}`, () => {
    const got = messages(c.form);
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.want).sort(), JSON.stringify(got));
    for (const [k, re] of Object.entries(c.want)) assert.match(got[k as Field]!, re);
    assert.equal(hasErrors(validatePolicyForm(c.form)), Object.keys(c.want).length > 0);
  });
}

// Focused tests of the nmstate engine modules; end-to-end behaviour lives in nmstate-golden.test.ts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NmstateError, policyError } from '../../src/agent/nmstate/error.js';
import { mergeJson } from '../../src/agent/nmstate/json-value.js';
import { isIpv6LinkLocal, normalizeIp } from '../../src/agent/nmstate/ip.js';
import { absentRouteMatches, mergeRoutes } from '../../src/agent/nmstate/routes.js';
import { evaluateCaptures, parseCapture, resolveTemplate } from '../../src/agent/nmstate/capture.js';
import { jsonDifference, stableJson } from '../../src/agent/nmstate/verify.js';
import {
  computeApply, generateRevert, mergeStates, parseNetworkState, renderEnactmentDesiredState, verifyState,
} from '../../src/agent/nmstate/index.js';
import type { NetworkState } from '../../src/agent/nmstate/index.js';

const current: NetworkState = {
  interfaces: [
    { name: 'eth0', type: 'ethernet', state: 'up', mtu: 1500, ipv4: { enabled: true, address: [{ ip: '192.0.2.10', 'prefix-length': 24 }] } },
    { name: 'eth1', type: 'ethernet', state: 'up', mtu: 1500, ipv4: { enabled: false }, ipv6: { enabled: false } },
  ],
  routes: {
    config: [{ destination: '0.0.0.0/0', 'next-hop-interface': 'eth0', 'next-hop-address': '192.0.2.1', metric: 100, 'table-id': 254 }],
    running: [{ destination: '0.0.0.0/0', 'next-hop-interface': 'eth0', 'next-hop-address': '192.0.2.1', metric: 100, 'table-id': 254 }],
  },
  'dns-resolver': { config: { server: ['192.0.2.1'], search: ['example.com'] } },
};

describe('NmstateError', () => {
  it('renders <Kind>: <msg>', () => {
    assert.equal(new NmstateError('InvalidArgument', 'x').toString(), 'InvalidArgument: x');
    assert.equal(new NmstateError('VerificationError', 'x').retriable, true);
    assert.equal(new NmstateError('InvalidArgument', 'x').retriable, false);
  });
  it('renders a PolicyError with a caret line', () => {
    assert.equal(policyError('bad', 'abc', 2).toString(), 'PolicyError: bad\n| abc\n| ..^');
  });
});

describe('mergeJson', () => {
  it('merges objects by key and replaces lists and scalars', () => {
    assert.deepEqual(mergeJson({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: 2 }), { a: { b: 1, c: [3] }, d: 2 });
  });
});

describe('ip', () => {
  it('recognises link-local addresses', () => {
    assert.equal(isIpv6LinkLocal('fe80::1'), true);
    assert.equal(isIpv6LinkLocal('febf::1'), true);
    assert.equal(isIpv6LinkLocal('fec0::1'), false);
    assert.equal(isIpv6LinkLocal('2001:db8::1'), false);
  });
  it('defaults auto-* on DHCP and drops them without', () => {
    const w: string[] = [];
    assert.deepEqual(normalizeIp('e', 'ipv4', { enabled: true, dhcp: true }, undefined, w),
      { enabled: true, dhcp: true, 'auto-dns': true, 'auto-gateway': true, 'auto-routes': true });
    assert.deepEqual(normalizeIp('e', 'ipv4', { enabled: true, dhcp: false, 'auto-dns': true }, undefined, w),
      { enabled: true, dhcp: false });
    assert.deepEqual(w, []);
  });
});

describe('routes', () => {
  it('absent wildcard ignores metric and unset fields', () => {
    assert.equal(absentRouteMatches({ destination: '0.0.0.0/0', metric: 5, state: 'absent' }, current.routes!.config![0]!), true);
    assert.equal(absentRouteMatches({ 'next-hop-interface': 'eth1', state: 'absent' }, current.routes!.config![0]!), false);
    assert.equal(absentRouteMatches({ 'table-id': 0, state: 'absent' }, current.routes!.config![0]!), true);
  });
  it('is additive and does not duplicate existing routes', () => {
    const facts = { absent: new Set<string>(), ipv4Disabled: new Set<string>(), ipv6Disabled: new Set<string>() };
    const r = mergeRoutes([{ ...current.routes!.config![0]! }], current.routes!.config!, facts);
    assert.equal(r.merged.length, 1);
    assert.deepEqual(r.added, []);
    assert.deepEqual(r.removed, []);
  });
});

describe('capture', () => {
  it('filters, references another capture and keeps bare paths', () => {
    const caps = evaluateCaptures({
      gw: 'routes.running.destination=="0.0.0.0/0"',
      iface: 'interfaces.name==capture.gw.routes.running.0.next-hop-interface',
      dns: 'dns-resolver.config',
      up: 'capture.iface | interfaces.mtu:=9000',
    }, current);
    assert.equal(caps['gw']!.routes!.running!.length, 1);
    assert.deepEqual(caps['iface']!.interfaces!.map((i) => i.name), ['eth0']);
    assert.deepEqual(caps['dns'], { 'dns-resolver': { config: { server: ['192.0.2.1'], search: ['example.com'] } } });
    assert.equal(caps['up']!.interfaces![0]!.mtu, 9000);
    const t = resolveTemplate({ a: '{{ capture.iface.interfaces.0.name }}.100', b: '{{ capture.iface.interfaces.0.ipv4 }}' }, caps);
    assert.deepEqual(t, { a: 'eth0.100', b: current.interfaces![0]!.ipv4 });
  });
  it('rejects a pipe without a capture source with a caret', () => {
    assert.throws(() => parseCapture('interfaces | interfaces.mtu:=1'), (e: unknown) =>
      e instanceof NmstateError && e.toString() === "PolicyError: The pipe action should always in format of 'capture.<capture_name>'\n| interfaces | interfaces.mtu:=1\n| ^");
  });
  it('rejects an object reference with a suffix', () => {
    const caps = evaluateCaptures({ i: 'interfaces.name=="eth0"' }, current);
    assert.throws(() => resolveTemplate({ a: '{{ capture.i.interfaces.0.ipv4 }}x' }, caps), /cannot add prefix or postfix/);
  });
});

describe('verify', () => {
  it('compares only desired keys, arrays whole', () => {
    assert.equal(jsonDifference('r', { a: 1 }, { a: 1, b: 2 }), undefined);
    assert.deepEqual(jsonDifference('r', { a: [1, 2] }, { a: [1] }), ['r.a', [1, 2], [1]]);
    assert.equal(stableJson({ b: 1, a: 'x' }), '{"a":"x","b":1}');
  });
  it('fails when a desired-absent interface still exists', () => {
    const desired: NetworkState = { interfaces: [{ name: 'd0', type: 'dummy', state: 'absent' }] };
    const cur: NetworkState = { interfaces: [...current.interfaces!, { name: 'd0', type: 'dummy', state: 'up' }] };
    const m = mergeStates(desired, cur);
    assert.equal(verifyState(m, cur)?.toString(),
      'VerificationError: Verification failure: d0.interface.state desire \'"absent"\', current \'"up"\'');
    assert.equal(verifyState(m, current), undefined);
  });
});

describe('revert', () => {
  it('restores touched interfaces, routes and DNS only', () => {
    const desired = parseNetworkState(`
interfaces:
- name: eth1
  mtu: 9000
routes:
  config:
  - destination: 0.0.0.0/0
    state: absent
dns-resolver:
  config: {}
`);
    const rev = generateRevert(current, desired);
    assert.deepEqual(rev.interfaces!.map((i) => [i.name, i.mtu]), [['eth1', 1500]]);
    assert.deepEqual(rev.routes!.config, current.routes!.config);
    assert.deepEqual(rev['dns-resolver'], { config: current['dns-resolver']!.config });
  });
});

describe('computeApply', () => {
  it('returns errors as values', () => {
    const r = computeApply('foo: 1', current);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.toString(), 'InvalidArgument: unknown field `foo`');
  });
  it('treats an empty desired state as nothing to do', () => {
    const r = computeApply('', current);
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(r.value.plan.steps, []);
  });
});

describe('renderEnactmentDesiredState', () => {
  it('gives up bridge ports without vlan the trunk default, leaves others alone', () => {
    const out = renderEnactmentDesiredState({ interfaces: [
      { name: 'br0', type: 'linux-bridge', bridge: { port: [{ name: 'eth1' }, { name: 'eth2', vlan: { mode: 'access', tag: 5 } }] } },
      { name: 'br1', type: 'linux-bridge', state: 'down', bridge: { port: [{ name: 'eth3' }] } },
    ] });
    assert.deepEqual(out.interfaces![0]!.bridge!.port![0]!.vlan, { mode: 'trunk', 'trunk-tags': [{ 'id-range': { min: 2, max: 4094 } }] });
    assert.deepEqual(out.interfaces![0]!.bridge!.port![1]!.vlan, { mode: 'access', tag: 5 });
    assert.equal(out.interfaces![1]!.bridge!.port![0]!.vlan, undefined);
  });
});

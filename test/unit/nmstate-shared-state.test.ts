// The apply fast path's pure parts: the engine may be handed the agent's kept current state, which is shared
// (and frozen), so it must never change it; cloneJson must copy exactly as structuredClone did; the executor
// lines up the JSON its last batch dumped; verification says which reads it needs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  computeApply, evaluateCaptures, parseNetworkState, renderPlanResult, resolveTemplate, verifyState, type NetworkState,
} from '../../src/agent/nmstate/index.js';
import { cloneJson } from '../../src/agent/nmstate/json-clone.js';
import { verificationReads } from '../../src/agent/nmstate/verify.js';
import { batchable, trailingJson } from '../../src/agent/nmstate/executor.js';

const fixtures = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../..'), 'test/fixtures/nmstate');
const cases = readdirSync(fixtures).filter((n) => /^\d\d-/.test(n)).sort();

function readYaml(dir: string, f: string): unknown {
  const p = join(dir, f);
  return existsSync(p) ? parse(readFileSync(p, 'utf8')) : undefined;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/** Everything the engine produces for one case, as text. */
function outputs(dir: string, current: NetworkState): string {
  let desired = readYaml(dir, 'desired.yaml') ?? {};
  const capture = readYaml(dir, 'capture.yaml') as Record<string, string> | undefined;
  try {
    if (capture) desired = resolveTemplate(desired, evaluateCaptures(capture, current));
  } catch (e) {
    return `capture error ${String(e)}`;
  }
  const r = computeApply(desired, current);
  if (!r.ok) return `error ${r.error.toString()}`;
  // Nor does it change the parsed desired state it hands back (merge shares parts of it).
  assert.deepEqual(r.value.desired, parseNetworkState(desired));
  const after = readYaml(dir, 'after.yaml') as NetworkState | undefined;
  const verify = after ? String(verifyState(r.value.merged, deepFreeze(after)) ?? 'ok') : '-';
  return JSON.stringify([renderPlanResult(r.value.plan), r.value.revert, r.value.normalized, r.value.warnings, verify]);
}

describe('the engine and a shared current state', () => {
  for (const name of cases) {
    it(`${name}: same results from a frozen current state, which stays as it was`, () => {
      const dir = join(fixtures, name);
      const current = (readYaml(dir, 'current.yaml') ?? {}) as NetworkState;
      const text = JSON.stringify(current);
      const plain = outputs(dir, structuredClone(current));
      const frozen = outputs(dir, deepFreeze(current));
      assert.equal(frozen, plain);
      assert.equal(JSON.stringify(current), text);
    });
  }
});

describe('cloneJson', () => {
  const samples: unknown[] = [
    null, 0, 'x', true, [], {}, [1, [2, { a: 3 }]],
    { b: 1, a: { d: [1, 2], c: undefined }, e: null },
    ...cases.map((n) => readYaml(join(fixtures, n), 'current.yaml')),
  ];
  for (const [i, v] of samples.entries()) {
    it(`copies sample ${i} as structuredClone does`, () => {
      const c = cloneJson(v);
      assert.deepEqual(c, structuredClone(v));
      assert.equal(JSON.stringify(c), JSON.stringify(v), 'key order kept');
      if (typeof v === 'object' && v !== null) assert.notEqual(c, v);
    });
  }
  it('keeps keys whose value is undefined and copies deeply', () => {
    const v = { a: undefined, b: { c: [1] } };
    const c = cloneJson(v);
    assert.deepEqual(Object.keys(c), ['a', 'b']);
    c.b.c.push(2);
    assert.deepEqual(v.b.c, [1]);
  });
  it('leaves anything but plain objects and arrays to structuredClone', () => {
    const d = new Date(0);
    const c = cloneJson({ d });
    assert.ok(c.d instanceof Date);
    assert.notEqual(c.d, d);
  });
});

describe('trailingJson', () => {
  const cases2: [string, string, number, unknown[][] | undefined][] = [
    ['one dump', '[{"ifname":"lo"}]\n', 1, [[{ ifname: 'lo' }]]],
    ['two dumps, blank lines around', '\n[1]\n\n[2,3]\n', 2, [[1], [2, 3]]],
    ['fewer lines than dumps (a dump printed nothing)', '[1]\n', 2, undefined],
    ['more lines than dumps (a step printed something)', '[]\n[1]\n', 1, undefined],
    ['not JSON', 'Error: x\n', 1, undefined],
    ['JSON but not an array', '{"a":1}\n', 1, undefined],
  ];
  for (const [name, stdout, count, want] of cases2) {
    it(name, () => assert.deepEqual(trailingJson(stdout, count), want));
  }
});

describe('batchable', () => {
  const cases3: [string[], boolean][] = [
    [['link', 'add', 'br0', 'type', 'bridge'], true],
    [['-4', 'addr', 'flush', 'dev', 'br0'], false],
    [['link', 'set', 'br0', 'alias', 'a b'], false],
    [['link', 'set', 'br0', 'alias', '#x'], false],
    [['link', 'set', 'br0', 'alias', ''], false],
    [[], false],
  ];
  for (const [args, want] of cases3) {
    it(`ip ${args.join(' ')}: ${want}`, () => assert.equal(batchable({ cmd: 'ip', args, why: 'test' }), want));
  }
  it('only ip steps', () => assert.equal(batchable({ cmd: 'bridge', args: ['vlan', 'show'], why: 'test' }), false));
});

describe('verificationReads', () => {
  const current: NetworkState = {
    interfaces: [{ name: 'eth1', type: 'ethernet', state: 'up', ipv4: { enabled: false }, ipv6: { enabled: false } }],
    routes: { config: [] },
    'dns-resolver': { config: { server: ['192.0.2.1'] } },
  };
  const reads = (desired: unknown): ReturnType<typeof verificationReads> => {
    const r = computeApply(desired, current);
    assert.ok(r.ok);
    return verificationReads(r.value.merged);
  };
  it('a bridge without addresses needs the links only', () => {
    assert.deepEqual(reads({ interfaces: [{ name: 'br1', type: 'linux-bridge', bridge: { port: [{ name: 'eth1' }] } }] }),
      { addresses: false, routes: false, dns: false });
  });
  it('an address needs the addresses', () => {
    assert.deepEqual(reads({ interfaces: [{ name: 'br1', type: 'linux-bridge', ipv4: { enabled: true, address: [{ ip: '192.0.2.5', 'prefix-length': 24 }] } }] }),
      { addresses: true, routes: false, dns: false });
  });
  it('a route needs the routes, a resolver change resolv.conf', () => {
    assert.deepEqual(reads({
      interfaces: [{ name: 'eth1', type: 'ethernet', ipv4: { enabled: true, address: [{ ip: '192.0.2.5', 'prefix-length': 24 }] } }],
      routes: { config: [{ destination: '198.51.100.0/24', 'next-hop-interface': 'eth1', 'next-hop-address': '192.0.2.1' }] },
      'dns-resolver': { config: { server: ['192.0.2.53'] } },
    }), { addresses: true, routes: true, dns: true });
  });
});

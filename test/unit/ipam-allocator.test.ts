// The pure allocator: address math, one subnet's range (reserved leading addresses, broadcast, cursor,
// exhaustion), and a network's pool (dual stack, holders, rebuild from claims, duplicates reported).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalAddress, cidrString, formatIp, parseCidr, parseIp } from '../../src/controllers/ipam/ip-address.js';
import { SubnetRange } from '../../src/controllers/ipam/subnet-range.js';
import { NetworkPool, rangeFullError } from '../../src/controllers/ipam/network-pool.js';

function range(cidr: string): SubnetRange {
  const c = parseCidr(cidr);
  assert.ok(c, cidr);
  return new SubnetRange(c);
}

function drain(r: SubnetRange): string[] {
  const out: string[] = [];
  for (let ip = r.next(); ip; ip = r.next()) out.push(formatIp(ip.family, ip.value));
  return out;
}

describe('ip-address', () => {
  const cases: [string, string | undefined][] = [
    ['192.168.254.3', '192.168.254.3'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['256.0.0.1', undefined],
    ['01.2.3.4', undefined],
    ['1.2.3', undefined],
    ['fd99::1', 'fd99::1'],
    ['FD99:0:0:0:0:0:0:1', 'fd99::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8:0:1::1'],
    ['::', '::'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1::2::3', undefined],
    ['fe80::1%eth0', undefined],
    ['1:0:0:2::3', '1:0:0:2::3'],
  ];
  for (const [input, want] of cases) {
    it(`parses ${input} as ${want ?? 'invalid'}`, () => {
      const ip = parseIp(input);
      assert.equal(ip ? formatIp(ip.family, ip.value) : undefined, want);
    });
  }

  it('clears host bits of a CIDR and rejects bad prefixes', () => {
    assert.equal(cidrString(parseCidr('192.168.254.77/24')!), '192.168.254.0/24');
    assert.equal(cidrString(parseCidr('fd00:10:244::7/64')!), 'fd00:10:244::/64');
    assert.equal(parseCidr('10.0.0.0/33'), undefined);
    assert.equal(parseCidr('10.0.0.0'), undefined);
    assert.equal(parseCidr('10.0.0.0/08'), undefined);
  });

  it('canonicalises addresses given with a prefix', () => {
    assert.equal(canonicalAddress('192.168.254.3/24'), '192.168.254.3');
    assert.equal(canonicalAddress('FD99:0::3/64'), 'fd99::3');
    assert.equal(canonicalAddress('nope'), undefined);
  });
});

describe('SubnetRange', () => {
  it('never hands out the network address, the gateway (.1), the management port (.2) or the broadcast', () => {
    assert.deepEqual(drain(range('10.9.9.0/29')), ['10.9.9.3', '10.9.9.4', '10.9.9.5', '10.9.9.6']);
  });

  const capacities: [string, number][] = [
    ['192.168.254.0/24', 252],
    ['10.9.9.0/29', 4],
    ['10.9.9.0/30', 0],
    ['10.9.9.0/31', 0],
    ['10.9.9.0/32', 0],
    ['fd99::/120', 253],
    ['fd99::/64', 65533],
  ];
  for (const [cidr, n] of capacities) {
    it(`${cidr} has ${n} allocatable addresses`, () => assert.equal(range(cidr).capacity, n));
  }

  it('starts IPv6 at ::3 too', () => {
    const r = range('fd99::/64');
    const ip = r.next()!;
    assert.equal(formatIp(ip.family, ip.value), 'fd99::3');
  });

  it('skips addresses already taken and goes round-robin: a freed address comes back only after the rest', () => {
    const r = range('10.9.9.0/28'); // .3 … .14
    assert.ok(r.reserve(parseIp('10.9.9.4')!));
    assert.ok(!r.reserve(parseIp('10.9.9.4')!), 'taken twice');
    assert.ok(!r.reserve(parseIp('10.9.9.1')!), 'the gateway is not allocatable');
    assert.ok(!r.reserve(parseIp('10.9.10.4')!), 'outside');
    const first = [r.next(), r.next()].map((ip) => formatIp(ip!.family, ip!.value));
    assert.deepEqual(first, ['10.9.9.3', '10.9.9.5']);
    r.release(parseIp('10.9.9.3')!);
    const rest = drain(r);
    assert.deepEqual(rest, ['10.9.9.6', '10.9.9.7', '10.9.9.8', '10.9.9.9', '10.9.9.10', '10.9.9.11', '10.9.9.12', '10.9.9.13', '10.9.9.14', '10.9.9.3']);
    assert.equal(r.free, 0);
    assert.equal(r.next(), undefined);
  });

  it('fills a /16 in one pass with distinct addresses (the cursor, not a rescan per pick)', () => {
    const r = range('10.128.0.0/16');
    const seen = new Set(drain(r));
    assert.equal(seen.size, 65536 - 4);
    assert.equal(r.free, 0);
  });
});

describe('NetworkPool', () => {
  it('gives each holder its own address, the same one again when asked twice, and reports a full subnet', () => {
    const p = new NetworkPool('ns.tiny');
    assert.deepEqual(p.setSubnets(['10.9.9.0/29']), []);
    const got = ['a', 'b', 'c', 'd'].map((h) => p.allocate(h));
    assert.deepEqual(got, [{ ips: ['10.9.9.3/29'] }, { ips: ['10.9.9.4/29'] }, { ips: ['10.9.9.5/29'] }, { ips: ['10.9.9.6/29'] }]);
    assert.deepEqual(p.allocate('b'), { ips: ['10.9.9.4/29'] });
    assert.deepEqual(p.allocate('e'), { full: '10.9.9.0/29' });
    assert.deepEqual(p.release('c'), ['10.9.9.5/29']);
    assert.deepEqual(p.allocate('e'), { ips: ['10.9.9.5/29'] });
  });

  it('allocates one address per family on a dual-stack network, or none when one family is full', () => {
    const p = new NetworkPool('ns.dual');
    p.setSubnets(['10.9.9.0/30', 'fd99::/64']);
    assert.deepEqual(p.allocate('a'), { full: '10.9.9.0/30' });
    assert.deepEqual(p.free(), [{ subnet: '10.9.9.0/30', free: 0 }, { subnet: 'fd99::/64', free: 65533 }], 'the IPv6 pick was given back');
    p.setSubnets(['192.168.254.0/24', 'fd99::/64']);
    assert.deepEqual(p.allocate('a'), { ips: ['192.168.254.3/24', 'fd99::3/64'] });
  });

  it('rebuilt from claims, it never hands out what a claim holds, and reports a duplicate already in the API', () => {
    const p = new NetworkPool('ns.primary-udn');
    // Claims arrive before the NAD: addresses are held, and marked once the subnets are known.
    assert.deepEqual(p.hold('ns/vm1.primary-udn', ['192.168.254.3/24']), []);
    assert.deepEqual(p.hold('ns/vm2.primary-udn', ['192.168.254.5/24']), []);
    assert.deepEqual(p.hold('ns/vm3.primary-udn', ['192.168.254.5/24']), ['192.168.254.5/24']);
    assert.deepEqual(p.hold('ns/vm1.primary-udn', ['192.168.254.3/24']), [], 'holding again is a no-op');
    p.setSubnets(['192.168.254.0/24']);
    assert.deepEqual(p.allocate('ns/new.primary-udn'), { ips: ['192.168.254.4/24'] });
    assert.deepEqual(p.allocate('ns/new2.primary-udn'), { ips: ['192.168.254.6/24'] });
    assert.equal(p.ownerOf('192.168.254.5'), 'ns/vm2.primary-udn');
  });

  it('never hands out excluded subnets (localnet excludeSubnets), even after a claim holding one goes', () => {
    const p = new NetworkPool('ns.localnet');
    p.hold('ns/old', ['10.9.9.4/28']);
    assert.deepEqual(p.setSubnets(['10.9.9.0/28'], ['10.9.9.4/30', '10.9.9.12/31', '192.168.0.0/16', 'fd00::/64']), []);
    p.release('ns/old');
    const got: string[] = [];
    for (let r = p.allocate(`h${got.length}`); 'ips' in r; r = p.allocate(`h${got.length}`)) got.push(r.ips[0]!);
    assert.deepEqual(got, ['10.9.9.3/28', '10.9.9.8/28', '10.9.9.9/28', '10.9.9.10/28', '10.9.9.11/28', '10.9.9.14/28']);
    assert.deepEqual(p.setSubnets(['10.9.9.0/28'], ['nope']), ['invalid excluded subnet "nope"']);
  });

  it('names what it could not parse and has nothing to give without subnets', () => {
    const p = new NetworkPool('ns.x');
    assert.deepEqual(p.allocate('a'), { error: 'network ns.x has no subnets to allocate from' });
    assert.deepEqual(p.setSubnets(['10.0.0.0/40']), ['invalid subnet "10.0.0.0/40"']);
  });

  it('words exhaustion like ovn-kubernetes', () => {
    assert.equal(rangeFullError('ns/vm5'), 'failed to allocate IP for ns/vm5: range is full');
  });
});

// Tables for the UDN DHCP server's pure parts: the message codec and what it answers to whom.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BOOTREPLY, BOOTREQUEST, FLAG_BROADCAST, MessageType, Opt, buildDhcp, ipBytes, ipOption, messageType, parseDhcp }
  from '../../src/agent/udn/dhcp-packet.js';
import type { DhcpMessage } from '../../src/agent/udn/dhcp-packet.js';
import { reservationIndex, respond } from '../../src/agent/udn/dhcp-responder.js';
import type { DhcpNetworkConfig } from '../../src/agent/udn/dhcp-responder.js';

const CFG: DhcpNetworkConfig = {
  key: 'ns/udn', vni: 1, routerNetns: 'vn-x-r1-n1', serverId: '169.254.1.1', subnet: '192.168.254.0/24', gateway: '192.168.254.1',
  subnetMask: '255.255.255.0', broadcast: '192.168.254.255', mtu: 1450, dns: ['172.30.0.10', '172.30.0.11'], leaseSeconds: 3500,
  reservations: [{ mac: '02:00:00:00:00:01', ip: '192.168.254.10', hostname: 'vm1' }],
};
const INDEX = reservationIndex(CFG);
const ZERO = '0.0.0.0';

function req(type: number, extra: Partial<DhcpMessage> = {}, opts: [number, Buffer][] = []): DhcpMessage {
  return {
    op: BOOTREQUEST, xid: 0x1234abcd, secs: 0, flags: 0, ciaddr: ZERO, yiaddr: ZERO, siaddr: ZERO, giaddr: ZERO,
    chaddr: '02:00:00:00:00:01', options: new Map([[Opt.MessageType, Buffer.from([type])], ...opts]), ...extra,
  };
}

/** Through the wire format both ways, as the daemon sees it. */
function answer(m: DhcpMessage): ReturnType<typeof respond> {
  const parsed = parseDhcp(buildDhcp(m));
  assert.ok(parsed !== undefined);
  const r = respond(parsed, CFG, INDEX);
  if (r === undefined) return undefined;
  const back = parseDhcp(buildDhcp(r.message));
  assert.ok(back !== undefined);
  return { ...r, message: back };
}

const opt = (m: DhcpMessage, code: number): string | undefined => m.options.get(code)?.toString('hex');

describe('DHCP codec', () => {
  it('round-trips a message and pads it to the BOOTP minimum', () => {
    const m = req(MessageType.Discover, { flags: FLAG_BROADCAST, secs: 3 }, [[Opt.Hostname, Buffer.from('x'.repeat(300))]]);
    const b = buildDhcp(m);
    assert.ok(b.length >= 300);
    const p = parseDhcp(b);
    assert.deepEqual(p, m, 'an option longer than 255 bytes is split and joined again (RFC 3396)');
  });

  it('rejects what is not DHCP', () => {
    assert.equal(parseDhcp(Buffer.alloc(100)), undefined);
    const b = buildDhcp(req(MessageType.Discover));
    b.writeUInt32BE(0, 236);
    assert.equal(parseDhcp(b), undefined, 'no magic cookie');
    const t = buildDhcp(req(MessageType.Discover));
    t[240 + 1] = 200;
    assert.equal(parseDhcp(t.subarray(0, 250)), undefined, 'an option running past the end');
  });
});

describe('DHCP answers', () => {
  it('offers the reservation with OVN\'s options, by broadcast', () => {
    const r = answer(req(MessageType.Discover));
    assert.ok(r !== undefined);
    const m = r.message;
    assert.deepEqual([r.address, r.port, m.op, m.xid, m.yiaddr, messageType(m)], ['255.255.255.255', 68, BOOTREPLY, 0x1234abcd, '192.168.254.10', MessageType.Offer]);
    assert.equal(ipOption(m, Opt.ServerId), '169.254.1.1');
    assert.equal(ipOption(m, Opt.Router), '192.168.254.1');
    assert.equal(ipOption(m, Opt.SubnetMask), '255.255.255.0');
    assert.equal(opt(m, Opt.LeaseTime), (3500).toString(16).padStart(8, '0'));
    assert.equal(opt(m, Opt.Mtu), (1450).toString(16).padStart(4, '0'));
    assert.equal(m.options.get(Opt.Hostname)?.toString(), 'vm1');
    assert.equal(opt(m, Opt.Dns), Buffer.concat([ipBytes('172.30.0.10'), ipBytes('172.30.0.11')]).toString('hex'));
  });

  it('acknowledges a REQUEST for the reserved address, naks another', () => {
    const ok = answer(req(MessageType.Request, {}, [[Opt.RequestedIp, ipBytes('192.168.254.10')], [Opt.ServerId, ipBytes('169.254.1.1')]]));
    assert.deepEqual([ok?.message.yiaddr, ok && messageType(ok.message)], ['192.168.254.10', MessageType.Ack]);
    const nak = answer(req(MessageType.Request, {}, [[Opt.RequestedIp, ipBytes('192.168.254.99')]]));
    assert.deepEqual([nak?.address, nak?.message.yiaddr, nak && messageType(nak.message), nak && (nak.message.flags & FLAG_BROADCAST) !== 0],
      ['255.255.255.255', ZERO, MessageType.Nak, true]);
  });

  it('answers a renewal (ciaddr set, no option 50) by unicast', () => {
    const r = answer(req(MessageType.Request, { ciaddr: '192.168.254.10' }));
    assert.deepEqual([r?.address, r?.port, r && messageType(r.message), r?.message.ciaddr], ['192.168.254.10', 68, MessageType.Ack, '192.168.254.10']);
  });

  it('answers INFORM without a lease', () => {
    const r = answer(req(MessageType.Inform, { ciaddr: '192.168.254.10' }));
    assert.ok(r !== undefined);
    assert.deepEqual([r.message.yiaddr, r.message.options.has(Opt.LeaseTime), ipOption(r.message, Opt.Router)], [ZERO, false, '192.168.254.1']);
  });

  const silent: [string, DhcpMessage][] = [
    ['an unknown MAC', req(MessageType.Discover, { chaddr: '02:00:00:00:00:99' })],
    ['a REQUEST for another server', req(MessageType.Request, {}, [[Opt.ServerId, ipBytes('192.168.254.2')], [Opt.RequestedIp, ipBytes('192.168.254.10')]])],
    ['RELEASE', req(MessageType.Release, { ciaddr: '192.168.254.10' })],
    ['DECLINE', req(MessageType.Decline)],
    ['a reply', { ...req(MessageType.Offer), op: BOOTREPLY }],
  ];
  for (const [name, m] of silent) it(`says nothing to ${name}`, () => assert.equal(answer(m), undefined));

  it('sends a relayed request back to the relay', () => {
    const r = answer(req(MessageType.Discover, { giaddr: '10.0.0.1' }));
    assert.deepEqual([r?.address, r?.port, r?.message.giaddr], ['10.0.0.1', 67, '10.0.0.1']);
  });
});

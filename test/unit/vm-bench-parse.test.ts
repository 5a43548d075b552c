// The pure parts of bench/vm: percentiles, udhcpc's discover count, the UDP drop counter of /proc/net/snmp.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pct, table } from '../../bench/vm/stats.js';
import { countDiscovers } from '../../bench/vm/dhcp-log.js';
import { rcvbufErrors } from '../../bench/vm/udp-drops.js';

describe('bench/vm parsing and statistics', () => {
  it('nearest-rank percentiles ignore NaN', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    for (const [q, want] of [[0.5, 50], [0.9, 90], [0.99, 99], [1, 100], [0, 1]] as const) assert.equal(pct(xs, q), want, `q=${q}`);
    assert.equal(pct([NaN, 3, 1, NaN], 0.5), 1);
    assert.ok(Number.isNaN(pct([], 0.5)));
    assert.ok(Number.isNaN(pct([NaN], 0.5)));
  });

  it('tables pad the first column left and the others right', () => {
    assert.deepEqual(table([['', 'p50'], ['ab', '1 ms']]), ['     p50', 'ab  1 ms']);
  });

  it('counts the discovers of busybox udhcpc logs, old and new wording', () => {
    for (const [log, want] of [
      ['udhcpc: started, v1.35.0\nudhcpc: broadcasting discover\nudhcpc: broadcasting discover\nudhcpc: broadcasting select for 192.168.74.170, server 192.168.64.1\n', 2],
      ['udhcpc (v1.30.1) started\nSending discover...\nSending select for 10.0.0.2...\nLease of 10.0.0.2 obtained, lease time 3600\n', 1],
      ['', 0],
    ] as const) assert.equal(countDiscovers(log), want);
  });

  it('reads Udp RcvbufErrors from /proc/net/snmp', () => {
    const snmp = 'Ip: Forwarding DefaultTTL\nIp: 1 64\nUdp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n' +
      'Udp: 336 0 7 338 5 0 0 0 0\nUdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors\nUdpLite: 0 0 0 0 9\n';
    assert.equal(rcvbufErrors(snmp), 5);
    assert.ok(Number.isNaN(rcvbufErrors('Ip: Forwarding\nIp: 1\n')));
  });
});

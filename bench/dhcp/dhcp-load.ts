// DHCP load generator, run inside a client namespace (`ip netns exec NS node dhcp-load.js '<json>'`): full
// DORA exchanges (DISCOVER → OFFER → REQUEST → ACK) for many client MACs from one UDP socket on port 68,
// broadcast flag set, `window` exchanges in flight; a lost message is sent again after `retryMs`. Bounded
// in count and time. Prints one JSON line (LoadResult). No raw sockets: the servers answer by broadcast.

import dgram from 'node:dgram';
import { BOOTREQUEST, FLAG_BROADCAST, MessageType, Opt, buildDhcp, ipBytes, ipOption, messageType, parseDhcp }
  from '../../src/agent/udn/dhcp-packet.js';
import type { DhcpMessage } from '../../src/agent/udn/dhcp-packet.js';

export interface LoadInput {
  /** DORA exchanges to complete. */
  count: number;
  /** Client MACs, used in turn. */
  macs: string[];
  window: number;
  retryMs: number;
  maxTries: number;
  maxSeconds: number;
}

export interface LoadResult {
  completed: number;
  failed: number;
  retries: number;
  elapsedMs: number;
  /** Per completed exchange, ms from the first DISCOVER to the ACK. */
  latencies: number[];
  /** Completed exchanges whose ACK carried another address than the OFFER. */
  mismatches: number;
  /** The time limit ended the run before `count` exchanges. */
  cutShort: boolean;
}

interface Exchange {
  mac: string;
  xid: number;
  phase: 'discover' | 'request';
  started: number;
  sentAt: number;
  tries: number;
  offered?: string;
  server?: string;
}

const ZERO = '0.0.0.0';

function discover(x: Exchange): Buffer {
  return buildDhcp({
    op: BOOTREQUEST, xid: x.xid, secs: 0, flags: FLAG_BROADCAST, ciaddr: ZERO, yiaddr: ZERO, siaddr: ZERO, giaddr: ZERO,
    chaddr: x.mac, options: new Map([[Opt.MessageType, Buffer.from([MessageType.Discover])],
      [Opt.ParamRequest, Buffer.from([Opt.SubnetMask, Opt.Router, Opt.Dns, Opt.Hostname, Opt.Mtu])]]),
  });
}

function request(x: Exchange): Buffer {
  const options = new Map<number, Buffer>([
    [Opt.MessageType, Buffer.from([MessageType.Request])],
    [Opt.RequestedIp, ipBytes(x.offered ?? ZERO)],
    [Opt.ParamRequest, Buffer.from([Opt.SubnetMask, Opt.Router, Opt.Dns, Opt.Hostname, Opt.Mtu])],
  ]);
  if (x.server !== undefined) options.set(Opt.ServerId, ipBytes(x.server));
  const m: DhcpMessage = { op: BOOTREQUEST, xid: x.xid, secs: 0, flags: FLAG_BROADCAST, ciaddr: ZERO, yiaddr: ZERO, siaddr: ZERO,
    giaddr: ZERO, chaddr: x.mac, options };
  return buildDhcp(m);
}

export function runLoad(input: LoadInput): Promise<LoadResult> {
  const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const open = new Map<number, Exchange>();
  const result: LoadResult = { completed: 0, failed: 0, retries: 0, elapsedMs: 0, latencies: [], mismatches: 0, cutShort: false };
  let next = 0;
  const xidBase = Math.floor(Math.random() * 0x7fffffff);
  const t0 = performance.now();
  const send = (x: Exchange): void => {
    x.sentAt = performance.now();
    socket.send(x.phase === 'discover' ? discover(x) : request(x), 67, '255.255.255.255');
  };
  const startOne = (): void => {
    if (next >= input.count) return;
    const x: Exchange = { mac: input.macs[next % input.macs.length]!, xid: (xidBase + next) >>> 0, phase: 'discover', started: performance.now(),
      sentAt: 0, tries: 1 };
    next++;
    open.set(x.xid, x);
    send(x);
  };
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (cutShort = false): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      result.cutShort = cutShort;
      result.elapsedMs = performance.now() - t0;
      socket.close();
      resolve(result);
    };
    socket.on('error', (e) => { if (!done) { done = true; reject(e); } });
    socket.on('message', (msg) => {
      const m = parseDhcp(msg);
      if (m === undefined || m.op !== 2) return;
      const x = open.get(m.xid);
      if (x === undefined || x.mac !== m.chaddr) return;
      const t = messageType(m);
      if (t === MessageType.Offer && x.phase === 'discover') {
        x.phase = 'request';
        x.offered = m.yiaddr;
        const s = ipOption(m, Opt.ServerId);
        if (s !== undefined) x.server = s;
        x.tries = 1;
        send(x);
      } else if (t === MessageType.Ack && x.phase === 'request') {
        open.delete(x.xid);
        result.completed++;
        if (m.yiaddr !== x.offered) result.mismatches++;
        result.latencies.push(performance.now() - x.started);
        startOne();
        if (open.size === 0 && next >= input.count) finish();
      } else if (t === MessageType.Nak) {
        open.delete(x.xid);
        result.failed++;
        startOne();
        if (open.size === 0 && next >= input.count) finish();
      }
    });
    const timer = setInterval(() => {
      const now = performance.now();
      if (now - t0 > input.maxSeconds * 1000) {
        finish(true);
        return;
      }
      for (const x of [...open.values()]) {
        if (now - x.sentAt < input.retryMs) continue;
        if (x.tries >= input.maxTries) {
          open.delete(x.xid);
          result.failed++;
          startOne();
          continue;
        }
        x.tries++;
        result.retries++;
        send(x);
      }
      if (open.size === 0 && next >= input.count) finish();
    }, 20);
    socket.bind(68, '0.0.0.0', () => {
      socket.setBroadcast(true);
      socket.setRecvBufferSize(4 << 20);
      for (let i = 0; i < input.window; i++) startOne();
    });
  });
}

// Run as a program: one JSON argument in, one JSON line out.
if (process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const input = JSON.parse(process.argv[2] ?? '{}') as LoadInput;
  runLoad(input).then((r) => { process.stdout.write(JSON.stringify(r) + '\n'); }, (e: unknown) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  });
}

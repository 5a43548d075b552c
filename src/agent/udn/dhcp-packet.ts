// DHCPv4 messages (RFC 2131/2132) as bytes and back: the fixed BOOTP header, the magic cookie, options as
// code → bytes. Pure. Only what a static-reservation server and its load generator need (no option
// overload, no relay agent options).

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

export const MessageType = {
  Discover: 1,
  Offer: 2,
  Request: 3,
  Decline: 4,
  Ack: 5,
  Nak: 6,
  Release: 7,
  Inform: 8,
} as const;

export const Opt = {
  Pad: 0,
  SubnetMask: 1,
  Router: 3,
  Dns: 6,
  Hostname: 12,
  Mtu: 26,
  Broadcast: 28,
  RequestedIp: 50,
  LeaseTime: 51,
  MessageType: 53,
  ServerId: 54,
  ParamRequest: 55,
  RenewalTime: 58,
  RebindingTime: 59,
  ClientId: 61,
  End: 255,
} as const;

export const FLAG_BROADCAST = 0x8000;
const COOKIE = 0x63825363;
const HEADER = 236;
/** BOOTP clients may drop shorter replies (RFC 1542 §3.2.1). */
const MIN_LENGTH = 300;

export interface DhcpMessage {
  op: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** Client hardware address, lowercase colon form (htype 1, hlen 6). */
  chaddr: string;
  options: Map<number, Buffer>;
}

function ipAt(b: Buffer, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function ipBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${ip}`);
  return Buffer.from(parts);
}

export function macBytes(mac: string): Buffer {
  return Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
}

/** The message, or undefined when `b` is not an Ethernet DHCP message. */
export function parseDhcp(b: Buffer): DhcpMessage | undefined {
  if (b.length < HEADER + 4 || b.readUInt32BE(HEADER) !== COOKIE) return undefined;
  if (b[1] !== 1 || b[2] !== 6) return undefined;
  const options = new Map<number, Buffer>();
  let i = HEADER + 4;
  while (i < b.length) {
    const code = b[i]!;
    if (code === Opt.End) break;
    if (code === Opt.Pad) {
      i++;
      continue;
    }
    const len = b[i + 1];
    if (len === undefined || i + 2 + len > b.length) return undefined;
    // RFC 3396: a repeated option continues the first.
    const prev = options.get(code);
    const val = b.subarray(i + 2, i + 2 + len);
    options.set(code, prev === undefined ? Buffer.from(val) : Buffer.concat([prev, val]));
    i += 2 + len;
  }
  const chaddr = [...b.subarray(28, 34)].map((x) => x.toString(16).padStart(2, '0')).join(':');
  return {
    op: b[0]!,
    xid: b.readUInt32BE(4),
    secs: b.readUInt16BE(8),
    flags: b.readUInt16BE(10),
    ciaddr: ipAt(b, 12),
    yiaddr: ipAt(b, 16),
    siaddr: ipAt(b, 20),
    giaddr: ipAt(b, 24),
    chaddr,
    options,
  };
}

export function messageType(m: DhcpMessage): number | undefined {
  const t = m.options.get(Opt.MessageType);
  return t?.length === 1 ? t[0] : undefined;
}

/** An IPv4 address option (50, 54), if well-formed. */
export function ipOption(m: DhcpMessage, code: number): string | undefined {
  const v = m.options.get(code);
  return v?.length === 4 ? ipAt(v, 0) : undefined;
}

export function buildDhcp(m: DhcpMessage): Buffer {
  const opts: Buffer[] = [];
  for (const [code, val] of m.options) {
    // Longer values are split into consecutive instances (RFC 3396).
    for (let off = 0; off < val.length || off === 0; off += 255) {
      const part = val.subarray(off, off + 255);
      opts.push(Buffer.from([code, part.length]), part);
      if (val.length === 0) break;
    }
  }
  opts.push(Buffer.from([Opt.End]));
  const body = Buffer.concat(opts);
  const b = Buffer.alloc(Math.max(MIN_LENGTH, HEADER + 4 + body.length));
  b[0] = m.op;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(m.xid >>> 0, 4);
  b.writeUInt16BE(m.secs, 8);
  b.writeUInt16BE(m.flags, 10);
  ipBytes(m.ciaddr).copy(b, 12);
  ipBytes(m.yiaddr).copy(b, 16);
  ipBytes(m.siaddr).copy(b, 20);
  ipBytes(m.giaddr).copy(b, 24);
  macBytes(m.chaddr).copy(b, 28);
  b.writeUInt32BE(COOKIE, HEADER);
  body.copy(b, HEADER + 4);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

// What the UDN DHCP server answers (OVN-Kubernetes' DHCP for VMs on a primary Layer2 UDN, reference
// §4): static reservations only, an unknown MAC gets nothing; lease 3500 s, router = the gateway, DNS, MTU
// (option 26), hostname (option 12) = the VM name, server identifier 169.254.1.1. Pure: a request and the
// network's configuration in, a reply and where to send it out.

import { BOOTREPLY, BOOTREQUEST, FLAG_BROADCAST, MessageType, Opt, ipBytes, ipOption, messageType, u16, u32 }
  from './dhcp-packet.js';
import type { DhcpMessage } from './dhcp-packet.js';

/** One network's DHCP configuration: the daemon's `<vni>.json` (dhcp-control.ts writes it). */
export interface DhcpNetworkConfig {
  key: string;
  vni: number;
  /** The namespace whose socket serves this network. */
  routerNetns: string;
  serverId: string;
  /** CIDR, for checking reservations. */
  subnet: string;
  gateway: string;
  subnetMask: string;
  broadcast: string;
  mtu: number;
  dns: string[];
  leaseSeconds: number;
  reservations: { mac: string; ip: string; hostname: string }[];
}

export interface DhcpReply {
  message: DhcpMessage;
  /** 255.255.255.255 unless the client has an address (renewal) or a relay forwarded the request. */
  address: string;
  port: number;
}

export interface Reservation {
  ip: string;
  hostname: string;
}

/** MAC → reservation, the lookup the daemon keeps per network. */
export function reservationIndex(cfg: DhcpNetworkConfig): Map<string, Reservation> {
  return new Map(cfg.reservations.map((r) => [r.mac.toLowerCase(), { ip: r.ip, hostname: r.hostname }]));
}

const ZERO = '0.0.0.0';

function leaseOptions(cfg: DhcpNetworkConfig, r: Reservation, type: number): Map<number, Buffer> {
  const o = new Map<number, Buffer>([
    [Opt.MessageType, Buffer.from([type])],
    [Opt.ServerId, ipBytes(cfg.serverId)],
    [Opt.LeaseTime, u32(cfg.leaseSeconds)],
    [Opt.RenewalTime, u32(Math.floor(cfg.leaseSeconds / 2))],
    [Opt.RebindingTime, u32(Math.floor((cfg.leaseSeconds * 7) / 8))],
    [Opt.SubnetMask, ipBytes(cfg.subnetMask)],
    [Opt.Broadcast, ipBytes(cfg.broadcast)],
    [Opt.Router, ipBytes(cfg.gateway)],
    [Opt.Mtu, u16(cfg.mtu)],
    [Opt.Hostname, Buffer.from(r.hostname, 'ascii')],
  ]);
  if (cfg.dns.length > 0) o.set(Opt.Dns, Buffer.concat(cfg.dns.map(ipBytes)));
  return o;
}

function reply(req: DhcpMessage, yiaddr: string, options: Map<number, Buffer>): DhcpMessage {
  return {
    op: BOOTREPLY, xid: req.xid, secs: 0, flags: req.flags, ciaddr: req.ciaddr, yiaddr, siaddr: ZERO,
    giaddr: req.giaddr, chaddr: req.chaddr, options,
  };
}

function destination(req: DhcpMessage, type: number): { address: string; port: number } {
  if (req.giaddr !== ZERO) return { address: req.giaddr, port: 67 };
  // A client with an address (renewing, INFORM) hears unicast; one without cannot be reached by unicast
  // before it has an ARP entry, which a UDP socket cannot plant: broadcast, whatever the flag says.
  if (type !== MessageType.Nak && req.ciaddr !== ZERO) return { address: req.ciaddr, port: 68 };
  return { address: '255.255.255.255', port: 68 };
}

/**
 * The answer to `req`, or undefined: unknown MAC, a message a server does not answer (RELEASE, DECLINE,
 * a reply), or a REQUEST meant for another server.
 */
export function respond(req: DhcpMessage, cfg: DhcpNetworkConfig, index: ReadonlyMap<string, Reservation>): DhcpReply | undefined {
  if (req.op !== BOOTREQUEST) return undefined;
  const r = index.get(req.chaddr);
  if (r === undefined) return undefined;
  const type = messageType(req);
  let out: DhcpMessage;
  switch (type) {
    case MessageType.Discover:
      out = reply(req, r.ip, leaseOptions(cfg, r, MessageType.Offer));
      break;
    case MessageType.Request: {
      const server = ipOption(req, Opt.ServerId);
      if (server !== undefined && server !== cfg.serverId) return undefined;
      const wanted = ipOption(req, Opt.RequestedIp) ?? (req.ciaddr !== ZERO ? req.ciaddr : undefined);
      if (wanted === r.ip) {
        out = reply(req, r.ip, leaseOptions(cfg, r, MessageType.Ack));
      } else {
        const o = new Map<number, Buffer>([[Opt.MessageType, Buffer.from([MessageType.Nak])], [Opt.ServerId, ipBytes(cfg.serverId)]]);
        out = { ...reply(req, ZERO, o), ciaddr: ZERO, flags: req.flags | FLAG_BROADCAST };
      }
      break;
    }
    case MessageType.Inform: {
      // RFC 2131 §4.3.5: configuration without a lease.
      const o = leaseOptions(cfg, r, MessageType.Ack);
      for (const c of [Opt.LeaseTime, Opt.RenewalTime, Opt.RebindingTime]) o.delete(c);
      out = reply(req, ZERO, o);
      break;
    }
    default:
      return undefined;
  }
  const t = messageType(out) ?? 0;
  return { message: out, ...destination(req, t) };
}

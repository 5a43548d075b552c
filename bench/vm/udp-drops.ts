// UDP datagrams the kernel dropped for want of socket buffer space in the namespace of a process
// (/proc/<pid>/net/snmp, Udp RcvbufErrors): for dnsmasq, DHCP requests that never reached it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Udp RcvbufErrors from the text of /proc/net/snmp (pure); NaN when absent. */
export function rcvbufErrors(snmp: string): number {
  const [head, values] = snmp.split('\n').filter((l) => l.startsWith('Udp: '));
  const i = head?.split(/\s+/).indexOf('RcvbufErrors') ?? -1;
  return i > 0 ? Number(values?.split(/\s+/)[i] ?? NaN) : NaN;
}

/** The lab dnsmasq's namespace's count, through its pid file (DATA/vn-<id>-dnsmasq.pid); NaN if unreadable. */
export function labDhcpDrops(dataDir: string, prefix: string): number {
  try {
    const pid = Number(readFileSync(join(dataDir, `${prefix}dnsmasq.pid`), 'utf8').trim());
    return rcvbufErrors(readFileSync(`/proc/${pid}/net/snmp`, 'utf8'));
  } catch {
    return NaN;
  }
}

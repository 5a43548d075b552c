// The kubemacpool range and how cluster-network-addons-operator validates and chooses it
// (CNAO pkg/network/kubemacpool.go): both ends or neither; unset ⇒ a random 02:XX:XX:00:00:00–02:XX:XX:FF:FF:FF
// chosen once and kept. Pure.
import { formatMac, isMulticastMac, macToNumber } from '../../common/mac-address.js';

export interface MacRange {
  start: number;
  end: number;
}

/** The range as configured text, e.g. as kept in the `kubemacpool-mac-range-config` ConfigMap. */
export interface MacRangeConfig {
  start: string;
  end: string;
}

/** Validates a configured range in CNAO's words; throws Error. */
export function parseMacRange(cfg: MacRangeConfig): MacRange {
  if ((cfg.start === '') !== (cfg.end === '') || (cfg.start === '' && cfg.end === '')) {
    throw new Error('both or none of the KubeMacPool ranges needs to be configured');
  }
  const start = macToNumber(cfg.start);
  if (start === undefined) throw new Error('failed to parse rangeStart because the mac address is invalid');
  const end = macToNumber(cfg.end);
  if (end === undefined) throw new Error('failed to parse rangeEnd because the mac address is invalid');
  if (end <= start) {
    throw new Error(`failed to set mac address range: invalid range. Range end is lesser than or equal to its start. start: ${formatMac(start)} end: ${formatMac(end)}`);
  }
  const firstOctet = (n: number) => `0X${Math.floor(n / 256 ** 5).toString(16).toUpperCase().padStart(2, '0')}`;
  if (isMulticastMac(start)) {
    throw new Error(`failed to set RangeStart: invalid mac address. Multicast addressing is not supported. Unicast addressing must be used. The first octet is ${firstOctet(start)}`);
  }
  if (isMulticastMac(end)) {
    throw new Error(`failed to set RangeEnd: invalid mac address. Multicast addressing is not supported. Unicast addressing must be used. The first octet is ${firstOctet(end)}`);
  }
  return { start, end };
}

/**
 * `--mac-range START-END`. MACs may themselves use dashes (`02-00-…`), so the split is the one whose two
 * sides are each empty or a MAC (else the single dash); parseMacRange then judges what was given.
 */
export function parseMacRangeFlag(s: string): MacRangeConfig {
  const ok = (x: string) => x === '' || macToNumber(x) !== undefined;
  for (let i = s.indexOf('-'); i >= 0; i = s.indexOf('-', i + 1)) {
    const start = s.slice(0, i).trim();
    const end = s.slice(i + 1).trim();
    if (ok(start) && ok(end)) return { start, end };
  }
  const dashes = s.split('-').length - 1;
  if (dashes === 0) return { start: s.trim(), end: '' };
  if (dashes === 1) {
    const [start = '', end = ''] = s.split('-');
    return { start: start.trim(), end: end.trim() };
  }
  throw new Error(`--mac-range must be START-END, two MAC addresses such as 02:00:00:00:00:00-02:00:00:ff:ff:ff, got ${JSON.stringify(s)}`);
}

/** CNAO's generated range from two random bytes: locally administered unicast 02:XX:XX:00:00:00–02:XX:XX:FF:FF:FF. */
export function randomMacRange(random: Uint8Array): MacRangeConfig {
  const prefix = 0x02 * 256 ** 5 + (random[0] ?? 0) * 256 ** 4 + (random[1] ?? 0) * 256 ** 3;
  return { start: formatMac(prefix), end: formatMac(prefix + 0xffffff) };
}

export function rangeSize(r: MacRange): number {
  return r.end - r.start + 1;
}

// The CEL `isCIDR()` / `cidr().ip().family()` / `prefixLength()` semantics the UDN CRD rules use
// (k8s.io/apiserver/pkg/cel/library/cidr.go: Go netip.ParsePrefix, IPv4-mapped IPv6 refused).
// Host bits may be set ("10.0.0.1/24" is a valid CIDR to CEL).

export interface ParsedCIDR {
  family: 4 | 6;
  prefixLength: number;
}

const DEC_OCTET = /^(0|[1-9][0-9]{0,2})$/;

function parseIPv4(s: string): number[] | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!DEC_OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** 16-bit groups of an IPv6 address, or undefined. Zones are refused, as ParsePrefix does. */
function parseIPv6(s: string): number[] | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string, allowV4Tail: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (allowV4Tail && i === fields.length - 1 && f.includes('.')) {
        const v4 = parseIPv4(f);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
        out.push(parseInt(f, 16));
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const g = groups(halves[0]!, true);
    return g && g.length === 8 ? g : undefined;
  }
  const head = groups(halves[0]!, false);
  const tail = groups(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return undefined;
  const len = Number(bits);
  if (!addr.includes(':')) {
    return parseIPv4(addr) && len <= 32 ? { family: 4, prefixLength: len } : undefined;
  }
  const g = parseIPv6(addr);
  if (!g || len > 128) return undefined;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  return mapped ? undefined : { family: 6, prefixLength: len };
}

export const isCIDR = (s: unknown): boolean => typeof s === 'string' && parseCIDR(s) !== undefined;

export const cidrFamily = (s: unknown): 4 | 6 | undefined => (typeof s === 'string' ? parseCIDR(s)?.family : undefined);

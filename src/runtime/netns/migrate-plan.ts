// Pure part of the netns runtime's live migration: the one `ip -batch` inside the VM namespace that swaps
// each NIC's old veth for the new one (already there under a temporary name) and gives it the old one's
// addresses and routes. Values come from `ip -json` of the VM's own links and are checked before they
// become batch words.

export interface IpAddrJson {
  ifname?: string;
  addr_info?: { family?: string; local?: string; prefixlen?: number; scope?: string; valid_life_time?: number; preferred_life_time?: number }[];
}
export interface IpRouteJson { dst?: string; gateway?: string; protocol?: string; metric?: number; scope?: string; prefsrc?: string }

export interface NicState {
  guestName: string;
  tempName: string;
  addrs: IpAddrJson[];
  routes: IpRouteJson[];
}

/** The new link's name while the old one still has the guest name (≤ 15 bytes). */
export function migrationTempName(guestName: string): string {
  return `vnm-${guestName}`.slice(0, 15);
}

const ADDR = /^[0-9a-fA-F.:]{2,45}$/;
const DST = /^(default|[0-9a-fA-F.:]{2,45}(\/\d{1,3})?)$/;
const WORD = /^[a-z0-9_-]{1,20}$/;
const FOREVER = 4294967295;

function check(re: RegExp, v: string, what: string): string {
  if (!re.test(v)) throw new Error(`migrate: unexpected ${what} ${JSON.stringify(v)}`);
  return v;
}

export function rehomeBatch(nics: readonly NicState[]): string {
  const lines: string[] = [];
  for (const n of nics) {
    lines.push(`link del ${n.guestName}`, `link set ${n.tempName} name ${n.guestName}`, `link set ${n.guestName} up`);
    for (const a of n.addrs.flatMap((x) => x.addr_info ?? [])) {
      if (a.local === undefined || a.scope === 'link' || a.scope === 'host') continue;
      const life = a.valid_life_time !== undefined && a.valid_life_time !== FOREVER
        ? ` valid_lft ${Math.floor(a.valid_life_time)} preferred_lft ${Math.floor(Math.min(a.preferred_life_time ?? a.valid_life_time, a.valid_life_time))}` : '';
      const v6 = a.family === 'inet6' ? ' nodad' : '';
      lines.push(`addr add ${check(ADDR, a.local, 'address')}/${Number(a.prefixlen ?? 32)} dev ${n.guestName}${life}${v6}`);
    }
    // Connected routes come back with the addresses; the rest (default via the gateway) are copied.
    for (const r of n.routes) {
      if (r.protocol === 'kernel' || r.dst === undefined) continue;
      let l = `route replace ${check(DST, r.dst, 'route')}`;
      if (r.gateway !== undefined) l += ` via ${check(ADDR, r.gateway, 'gateway')}`;
      l += ` dev ${n.guestName}`;
      if (r.metric !== undefined) l += ` metric ${Number(r.metric)}`;
      if (r.protocol !== undefined) l += ` proto ${check(WORD, r.protocol, 'protocol')}`;
      if (r.prefsrc !== undefined) l += ` src ${check(ADDR, r.prefsrc, 'source')}`;
      lines.push(l);
    }
  }
  return lines.join('\n') + '\n';
}

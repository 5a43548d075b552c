// Pure: the layout of one node's interfaces for the topology drawing. Interfaces are ranked by how many
// levels of ports hang below them (a NIC 0, a bridge of NICs 1, a bridge of a bond 2) and drawn in rows,
// highest rank on top; each row is ordered by a walk from the top controllers so ports sit under their
// controller, and a controller is centred over its ports, pushed right only to avoid overlapping.
import { addressesOf, isController, portsOf, type NnsInterface } from './nns-interfaces.js';

export type BoxKind = 'bridge' | 'bond' | 'nic';

export interface TopologyBox {
  name: string;
  type: string;
  kind: BoxKind;
  state: string;
  /** `ip/prefix` lines, IPv4 first. */
  ips: string[];
  /** A port named by a controller that the state does not list. */
  missing: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface TopologyLink {
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Topology {
  width: number;
  height: number;
  boxes: TopologyBox[];
  links: TopologyLink[];
}

export const BOX_W = 150;
export const GAP_X = 24;
export const GAP_Y = 70;
export const PAD = 16;
const LINE_H = 16;
const HEAD_H = 42;

function kindOf(type: string): BoxKind {
  if (type === 'linux-bridge' || type === 'ovs-bridge') return 'bridge';
  if (type === 'bond') return 'bond';
  return 'nic';
}

/** Lays out `ifaces`; `hide` names types left out of the drawing (the loopback by default). */
export function layoutTopology(ifaces: NnsInterface[], hide: string[] = ['loopback']): Topology {
  const shown = ifaces.filter((i) => !hide.includes(i.type));
  const byName = new Map(shown.map((i) => [i.name, i]));
  const ports = new Map<string, string[]>();
  for (const i of shown) if (isController(i)) ports.set(i.name, portsOf(i).filter((p) => p !== i.name));
  // ports a controller names but the state lacks still get a box, marked missing
  for (const ps of ports.values()) {
    for (const p of ps) if (!byName.has(p)) byName.set(p, { name: p, type: 'unknown', state: 'unknown' });
  }
  const missing = new Set([...byName.keys()].filter((n) => !shown.some((i) => i.name === n)));

  const rank = new Map<string, number>();
  const rankOf = (name: string, seen: Set<string>): number => {
    const known = rank.get(name);
    if (known !== undefined) return known;
    if (seen.has(name)) return 0; // a loop of ports: break it
    seen.add(name);
    const ps = ports.get(name) ?? [];
    const r = ps.length === 0 ? 0 : 1 + Math.max(...ps.map((p) => rankOf(p, seen)));
    rank.set(name, r);
    return r;
  };
  const names = [...byName.keys()].sort((a, b) => a.localeCompare(b));
  for (const n of names) rankOf(n, new Set());
  const top = Math.max(0, ...rank.values());

  // order: depth-first from the controllers that are nobody's port, then everything not reached
  const isPort = new Set([...ports.values()].flat());
  const order: string[] = [];
  const visit = (n: string): void => {
    if (order.includes(n)) return;
    order.push(n);
    for (const p of ports.get(n) ?? []) visit(p);
  };
  for (const n of names.filter((x) => !isPort.has(x)).sort((a, b) => (rank.get(b)! - rank.get(a)!) || a.localeCompare(b))) {
    if ((ports.get(n)?.length ?? 0) > 0) visit(n);
  }
  for (const n of names) visit(n);

  const boxes = new Map<string, TopologyBox>();
  const rows: string[][] = [];
  for (let r = 0; r <= top; r++) rows.push(order.filter((n) => rank.get(n) === r));

  // x from the bottom row up: leaves side by side, controllers centred over their ports
  for (let r = 0; r <= top; r++) {
    let right = PAD - GAP_X;
    for (const n of rows[r]!) {
      const ps = (ports.get(n) ?? []).map((p) => boxes.get(p)).filter((b): b is TopologyBox => b !== undefined);
      const want = ps.length > 0 ? ps.reduce((s, b) => s + b.x + b.w / 2, 0) / ps.length - BOX_W / 2 : right + GAP_X;
      const x = Math.max(want, right + GAP_X);
      const i = byName.get(n)!;
      const { ipv4, ipv6 } = addressesOf(i);
      const ips = [...ipv4, ...ipv6];
      boxes.set(n, {
        name: n, type: i.type, kind: kindOf(i.type), state: i.state, ips, missing: missing.has(n),
        x, y: 0, w: BOX_W, h: HEAD_H + LINE_H * ips.length,
      });
      right = x + BOX_W;
    }
  }
  // y from the top row down
  let y = PAD;
  for (let r = top; r >= 0; r--) {
    const row = rows[r]!.map((n) => boxes.get(n)!);
    for (const b of row) b.y = y;
    y += Math.max(0, ...row.map((b) => b.h)) + GAP_Y;
  }
  const all = order.map((n) => boxes.get(n)!);
  const links: TopologyLink[] = [];
  for (const [c, ps] of ports) {
    const cb = boxes.get(c)!;
    for (const p of ps) {
      const pb = boxes.get(p)!;
      links.push({ from: c, to: p, x1: cb.x + cb.w / 2, y1: cb.y + cb.h, x2: pb.x + pb.w / 2, y2: pb.y });
    }
  }
  const width = all.length ? Math.max(...all.map((b) => b.x + b.w)) + PAD : 2 * PAD;
  const height = all.length ? y - GAP_Y + PAD : 2 * PAD;
  return { width, height, boxes: all, links };
}

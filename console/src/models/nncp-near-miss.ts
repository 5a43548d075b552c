// Pure: why a policy's nodeSelector matches fewer nodes than meant. Upstream only says NoMatchingNode;
// this names the labels that are close to a selector entry (the guide's `node-type=baremtal` against
// `node-type: baremetal`): same key with a value a typo away, or a key a typo away with the same value.
export interface NodeLabels {
  name: string;
  labels: Record<string, string>;
}

export interface NearMiss {
  /** `value`: the key matches, the value is close; `key`: the key is close, the value equal or close; `absent`: no node has the key. */
  kind: 'value' | 'key' | 'absent';
  selectorKey: string;
  selectorValue: string;
  labelKey: string;
  labelValue: string;
  nodes: string[];
}

/** Equality on every selector entry; an empty selector selects every node (as kubernetes-nmstate). */
export function matchesSelector(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

export function matchingNodes(selector: Record<string, string> | undefined, nodes: NodeLabels[]): string[] {
  return nodes.filter((n) => matchesSelector(selector, n.labels)).map((n) => n.name);
}

/** Optimal string alignment distance: edits plus adjacent transpositions, each costing 1. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Close enough to be a typo: differs only in case, or by 1 edit (3+ characters) or 2 (8+ characters). */
export function isClose(got: string, want: string): boolean {
  if (got === want) return false;
  if (got.toLowerCase() === want.toLowerCase()) return true;
  const allowed = want.length >= 8 ? 2 : want.length >= 3 ? 1 : 0;
  return editDistance(got.toLowerCase(), want.toLowerCase()) <= allowed;
}

/**
 * The near misses of `selector` among the nodes it does not match, grouped by the label found, most
 * nodes first. An entry no node carries, with no close key either, is reported as `absent`.
 */
export function nearMisses(selector: Record<string, string> | undefined, nodes: NodeLabels[]): NearMiss[] {
  const out = new Map<string, NearMiss>();
  const entries = Object.entries(selector ?? {});
  const missed = nodes.filter((n) => !matchesSelector(selector, n.labels));
  for (const [k, v] of entries) {
    let found = false;
    for (const n of missed) {
      if (n.labels[k] === v) continue;
      for (const [lk, lv] of Object.entries(n.labels)) {
        let kind: NearMiss['kind'] | undefined;
        if (lk === k && isClose(lv, v)) kind = 'value';
        else if (lk !== k && isClose(lk, k) && (lv === v || isClose(lv, v))) kind = 'key';
        if (!kind) continue;
        found = true;
        const id = `${kind}\0${k}\0${lk}\0${lv}`;
        const m = out.get(id) ?? { kind, selectorKey: k, selectorValue: v, labelKey: lk, labelValue: lv, nodes: [] };
        m.nodes.push(n.name);
        out.set(id, m);
      }
    }
    if (!found && !nodes.some((n) => k in n.labels)) {
      out.set(`absent\0${k}`, { kind: 'absent', selectorKey: k, selectorValue: v, labelKey: k, labelValue: '', nodes: [] });
    }
  }
  return [...out.values()]
    .map((m) => ({ ...m, nodes: m.nodes.sort() }))
    .sort((a, b) => b.nodes.length - a.nodes.length || a.labelKey.localeCompare(b.labelKey) || a.labelValue.localeCompare(b.labelValue));
}

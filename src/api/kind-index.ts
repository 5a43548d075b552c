// Looks up the kinds this server serves by the parts of a REST path.
import type { KindDef } from '../apis/kind.js';

export interface GroupVersions {
  group: string;
  /** Preference order (first = preferred). */
  versions: string[];
}

export class KindIndex {
  private readonly byPath = new Map<string, KindDef>();
  readonly kinds: readonly KindDef[];
  readonly groups: GroupVersions[] = [];

  constructor(kinds: readonly KindDef[]) {
    this.kinds = kinds;
    const groups = new Map<string, string[]>();
    for (const def of kinds) {
      for (const v of def.versions) {
        this.byPath.set(`${def.group}/${v}/${def.plural}`, def);
        const vs = groups.get(def.group) ?? [];
        if (!vs.includes(v)) vs.push(v);
        groups.set(def.group, vs);
      }
    }
    for (const [group, versions] of groups) {
      versions.sort(compareKubeVersions);
      this.groups.push({ group, versions });
    }
  }

  find(group: string, version: string, plural: string): KindDef | undefined {
    return this.byPath.get(`${group}/${version}/${plural}`);
  }

  /** Kinds served in group/version. */
  inGroupVersion(group: string, version: string): KindDef[] {
    return this.kinds.filter((k) => k.group === group && k.versions.includes(version));
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.some((g) => g.group === group && g.versions.includes(version));
  }

  byGroupResource(group: string, plural: string): KindDef | undefined {
    return this.kinds.find((k) => k.group === group && k.plural === plural);
  }

  byKind(group: string, kind: string): KindDef | undefined {
    return this.kinds.find((k) => k.group === group && k.kind === kind);
  }
}

/** Kubernetes version priority: GA > beta > alpha, then by number (k8s.io/apimachinery/pkg/version). */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0];
    const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [la, ma, na] = rank(a);
  const [lb, mb, nb] = rank(b);
  return la - lb || ma - mb || na - nb || a.localeCompare(b);
}

/** `/registry/<group|core>/<plural>/…` → [group, plural]. */
export function groupResourceOfKey(key: string): [string, string] | undefined {
  const parts = key.split('/');
  if (parts.length < 5 || parts[1] !== 'registry') return undefined;
  return [parts[2] === 'core' ? '' : parts[2]!, parts[3]!];
}

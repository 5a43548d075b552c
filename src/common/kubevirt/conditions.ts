// KubeVirt-style status conditions, as virt-controller and virt-handler write them. Pure.

export interface KubevirtCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastProbeTime?: null;
  lastTransitionTime?: string;
}

/**
 * `want` merged over `old`: `lastProbeTime` null, `lastTransitionTime` kept while the status stays, no
 * heartbeat time (so an unchanged condition does not rewrite the object); conditions not in `want` stay.
 * Sorted by type, so the result compares equal when nothing changed.
 */
export function kubevirtConditions<C extends KubevirtCondition>(old: readonly C[], want: readonly KubevirtCondition[], now: string): C[] {
  const out = old.filter((o) => !want.some((w) => w.type === o.type)).map((c) => ({ ...c }));
  for (const w of want) {
    const prev = old.find((o) => o.type === w.type);
    out.push({
      type: w.type, status: w.status, reason: w.reason ?? '', message: w.message ?? '',
      lastProbeTime: null,
      lastTransitionTime: prev && prev.status === w.status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    } as C);
  }
  return out.sort((a, b) => a.type.localeCompare(b.type));
}

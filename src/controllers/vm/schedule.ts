// Picks a node for a VMI the way the Kubernetes scheduler picks one for its virt-launcher pod: Ready nodes
// matching `spec.nodeSelector` that have every bridge resource its NADs need (bridge-marker's
// `bridge.network.kubevirt.io/<bridge>` in the node's allocatable), least loaded first. Pure.
import type { KubeObject } from '../../common/object.js';
import { mapSelectorMatches } from '../../common/label-selector.js';
import { BRIDGE_RESOURCE_PREFIX, NAD_RESOURCE_ANNOTATION, parseNadConfig, CniConfigError } from '../../common/kubevirt/cni-config.js';
import { isolationError, vmiNics, type VmiSpecLike } from '../../common/kubevirt/vmi-networks.js';

export type ScheduleResult =
  | { node: string }
  /** No node fits now; the VMI waits (PodScheduled=False/Unschedulable) and is retried when nodes change. */
  | { unschedulable: string }
  /** The launcher could not be created at all (Synchronized=False/FailedCreate), e.g. a missing NAD. */
  | { failedCreate: string };

export interface ScheduleInput {
  vmi: KubeObject;
  nodes: KubeObject[];
  /** NADs by `<namespace>/<name>`. */
  nads: Map<string, KubeObject>;
  /** VMIs placed per node, for spreading. */
  load: Map<string, number>;
  globalNamespaces: readonly string[];
}

interface NodeStatusLike { conditions?: { type: string; status: string }[]; allocatable?: Record<string, string>; capacity?: Record<string, string> }

/** The extended resources a VMI's launcher requests: one per bridge NAD. */
export function requiredResources(input: Omit<ScheduleInput, 'nodes' | 'load'>): { resources: string[] } | { failedCreate: string } {
  const ns = input.vmi.metadata.namespace ?? '';
  const resources = new Set<string>();
  for (const nic of vmiNics(input.vmi.spec as VmiSpecLike | undefined, ns)) {
    if (nic.network.kind !== 'multus') continue;
    const { namespace, name } = nic.network;
    const iso = isolationError(ns, namespace, input.globalNamespaces);
    if (iso) return { failedCreate: iso };
    const nad = input.nads.get(`${namespace}/${name}`);
    if (!nad) return { failedCreate: `failed to locate network attachment definition ${namespace}/${name}` };
    const annotated = nad.metadata.annotations?.[NAD_RESOURCE_ANNOTATION];
    if (annotated) {
      resources.add(annotated);
      continue;
    }
    // Upstream requests nothing without the annotation and the launcher then fails on a node without the
    // bridge; virtnet asks for the bridge anyway, so such a VMI waits with a reason instead of failing.
    try {
      const cfg = parseNadConfig((nad.spec as { config?: string } | undefined)?.config);
      if (cfg.type === 'bridge') resources.add(`${BRIDGE_RESOURCE_PREFIX}${cfg.bridge}`);
    } catch (e) {
      if (e instanceof CniConfigError) return { failedCreate: `network attachment definition ${namespace}/${name}: ${e.message}` };
      throw e;
    }
  }
  return { resources: [...resources].sort() };
}

function quantityPositive(q: string | undefined): boolean {
  if (q === undefined) return false;
  const m = /^(\d+(?:\.\d+)?)/.exec(q);
  return m !== null && Number(m[1]) > 0;
}

export function schedule(input: ScheduleInput): ScheduleResult {
  const req = requiredResources(input);
  if ('failedCreate' in req) return req;
  const selector = (input.vmi.spec as { nodeSelector?: Record<string, string> } | undefined)?.nodeSelector;
  const reasons = new Map<string, number>();
  const bump = (r: string): void => { reasons.set(r, (reasons.get(r) ?? 0) + 1); };
  const fit: string[] = [];
  for (const n of input.nodes) {
    const st = (n.status ?? {}) as NodeStatusLike;
    const ready = st.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    if (!ready) { bump('node(s) had untolerated taint {node.kubernetes.io/unreachable: }'); continue; }
    if (n.spec && (n.spec as { unschedulable?: boolean }).unschedulable) { bump('node(s) were unschedulable'); continue; }
    if (!mapSelectorMatches(selector, n.metadata.labels)) { bump("node(s) didn't match Pod's node affinity/selector"); continue; }
    const alloc = st.allocatable ?? st.capacity ?? {};
    const missing = req.resources.filter((r) => !quantityPositive(alloc[r]));
    if (missing.length > 0) { for (const r of missing) bump(`Insufficient ${r}`); continue; }
    fit.push(n.metadata.name ?? '');
  }
  if (fit.length === 0) {
    // kube-scheduler's FitError: "<count> <reason>" strings, sorted.
    const parts = [...reasons].map(([r, c]) => `${c} ${r}`).sort();
    return { unschedulable: `0/${input.nodes.length} nodes are available: ${parts.join(', ')}.` };
  }
  fit.sort((a, b) => (input.load.get(a) ?? 0) - (input.load.get(b) ?? 0) || a.localeCompare(b));
  return { node: fit[0]! };
}

// The active project: the URL's namespace when there is one, else the last one chosen (remembered).
import { useLocation } from './router';

const KEY = 'virtnet.project';
export const ALL_NAMESPACES = '#ALL_NS#';

export function savedProject(): string {
  return localStorage.getItem(KEY) ?? 'default';
}

export function saveProject(ns: string): void {
  localStorage.setItem(KEY, ns);
}

/** `/k8s/ns/NS/…` → NS; `/k8s/all-namespaces/…` → ALL_NAMESPACES; elsewhere the remembered project. */
export function projectFromPath(path: string): string | undefined {
  const m = /^\/k8s\/ns\/([^/?]+)/.exec(path);
  if (m) return decodeURIComponent(m[1]!);
  if (path.startsWith('/k8s/all-namespaces')) return ALL_NAMESPACES;
  return undefined;
}

export function useActiveProject(): string {
  const path = useLocation();
  return projectFromPath(path) ?? savedProject();
}

/** The same page in another project: `/k8s/ns/A/x` → `/k8s/ns/B/x` (detail pages fall back to the list). */
export function pathInProject(path: string, ns: string): string {
  const rest = /^\/k8s\/(?:ns\/[^/?]+|all-namespaces)\/([^/?]+)/.exec(path)?.[1];
  if (!rest) return path;
  return ns === ALL_NAMESPACES ? `/k8s/all-namespaces/${rest}` : `/k8s/ns/${encodeURIComponent(ns)}/${rest}`;
}

/** The namespace to list in, or undefined for all namespaces. */
export function listNamespace(project: string): string | undefined {
  return project === ALL_NAMESPACES ? undefined : project;
}

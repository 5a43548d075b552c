// A small History-API router: the console's URLs are real paths the server answers with index.html.
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => { for (const l of listeners) l(); });

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

export function useLocation(): string {
  return useSyncExternalStore(
    (l) => { listeners.add(l); return () => listeners.delete(l); },
    () => location.pathname + location.search,
  );
}

/** Matches `/k8s/ns/:ns/virtualmachines/:name/:tab?` against a path; undefined when it does not fit. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const pp = pattern.split('/').filter(Boolean);
  const parts = path.split('?')[0]!.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  let i = 0;
  for (; i < pp.length; i++) {
    const seg = pp[i]!;
    const part = parts[i];
    if (seg.startsWith(':')) {
      const optional = seg.endsWith('?');
      const key = seg.slice(1, optional ? -1 : undefined);
      if (part === undefined) {
        if (optional) continue;
        return undefined;
      }
      params[key] = decodeURIComponent(part);
    } else if (seg !== part) {
      return undefined;
    }
  }
  return parts.length <= pp.length ? params : undefined;
}

export function Link({ to, children, ...rest }: { to: string; children: ReactNode; className?: string; 'data-test'?: string; 'aria-label'?: string }): ReactNode {
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={onClick} {...rest}>{children}</a>;
}

/** An anchor that navigates in-app; for PatternFly components that take a `component` (NavItem, …). */
export function RouterAnchor({ href, onClick, children, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement>): ReactNode {
  const click = (e: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(e);
    if (!href || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...rest}>{children}</a>;
}

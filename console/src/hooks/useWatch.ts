// useWatch(model, ns) → [items, loaded, error]; useWatchOne(model, name, ns) → [object|undefined, loaded, error].
// Backed by the shared watch cache: every open page stays live.
import { useMemo, useSyncExternalStore } from 'react';
import { watchCache } from '../api/watch-cache';
import type { Model } from '../api/models';
import type { K8sObject } from '../api/types';

export function useWatch<T extends K8sObject = K8sObject>(model: Model | undefined, ns?: string, query = ''): [T[], boolean, unknown] {
  const cache = useMemo(() => (model ? watchCache(model, ns || undefined, query) : undefined), [model, ns, query]);
  const snap = useSyncExternalStore(
    (l) => (cache ? cache.subscribe(l) : () => undefined),
    () => cache?.get() ?? EMPTY,
  );
  return [snap.items as T[], snap.loaded, snap.error];
}

export function useWatchOne<T extends K8sObject = K8sObject>(model: Model | undefined, name: string | undefined, ns?: string): [T | undefined, boolean, unknown] {
  const query = name ? `fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}` : '';
  const [items, loaded, error] = useWatch<T>(name ? model : undefined, ns, query);
  return [items[0], loaded, error];
}

const EMPTY = { items: [], loaded: false, error: undefined };

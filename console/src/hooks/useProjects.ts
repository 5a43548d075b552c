// The project names the signed-in user can choose from: every namespace for those who may list them, else
// OpenShift's projects list (the namespaces the user may get), polled since it has no watch here.
import { useEffect, useState } from 'react';
import { NamespaceModel } from '../api/models';
import { request } from '../api/client';
import type { K8sObject } from '../api/types';
import { useWatch } from './useWatch';

const POLL_MS = 10_000;

export function useProjects(): string[] {
  const [namespaces, , nsError] = useWatch(NamespaceModel);
  const [projects, setProjects] = useState<string[]>([]);
  const fallback = nsError !== undefined;
  useEffect(() => {
    if (!fallback) return undefined;
    let stopped = false;
    const load = (): void => {
      request<{ items: K8sObject[] }>('/apis/project.openshift.io/v1/projects')
        .then((l) => { if (!stopped) setProjects(l.items.map((p) => p.metadata.name)); }, () => undefined);
    };
    load();
    const timer = setInterval(load, POLL_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, [fallback]);
  return (fallback ? projects : namespaces.map((n) => n.metadata.name)).slice().sort();
}

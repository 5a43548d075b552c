// What the workload sends: its size, and the ConfigMaps it creates.

export interface Scale {
  /** Concurrent request clients. */
  clients: number;
  objects: number;
  /** Untimed creates, gets and patches (and a fifth as many lists) before the timed phases. */
  warmup: number;
  lists: number;
  listSize: number;
  watchers: number;
  changes: number;
  /** Changes per second during the watch phase, and how many writers send them. */
  changeRate: number;
  changeWriters: number;
  /** No phase runs longer than this; a phase cut short reports how far it got. */
  phaseLimitMs: number;
}

export const FULL_SCALE: Scale = {
  clients: 50, objects: 5000, warmup: 1000, lists: 1000, listSize: 50,
  watchers: 100, changes: 1000, changeRate: 200, changeWriters: 10, phaseLimitMs: 60_000,
};

/** Eight 120-character values: about 1 KB of data per ConfigMap. */
const FILLER = 'x'.repeat(120);
export function configMapBody(ns: string, name: string): string {
  const data: Record<string, string> = {};
  for (let k = 0; k < 8; k++) data[`key${k}`] = `${name}-${k}-${FILLER}`;
  return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns, labels: { app: 'bench' } }, data });
}

export function configMapsPath(ns: string, name?: string): string {
  return `/api/v1/namespaces/${ns}/configmaps${name === undefined ? '' : `/${name}`}`;
}

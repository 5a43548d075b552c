// The --store flag: `sqlite` (the data directory's store.db) or `etcd:URL[,URL…]` (client URLs of members).
export type StoreSpec = { kind: 'sqlite' } | { kind: 'etcd'; endpoints: string[] };

export function parseStoreSpec(flag: string): StoreSpec {
  const s = flag.trim();
  if (s === 'sqlite') return { kind: 'sqlite' };
  if (!s.startsWith('etcd:')) throw new Error(`--store must be sqlite or etcd:URL[,URL…], got ${JSON.stringify(flag)}`);
  const endpoints = s.slice('etcd:'.length).split(',').map((u) => u.trim()).filter(Boolean);
  if (endpoints.length === 0) throw new Error(`--store etcd: needs at least one member URL, e.g. etcd:http://127.0.0.1:2379`);
  for (const u of endpoints) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new Error(`--store: ${JSON.stringify(u)} is not a URL (expected http://HOST:PORT)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--store: ${JSON.stringify(u)}: etcd URLs are http:// or https://`);
    if (url.pathname !== '/' || url.search || url.hash) throw new Error(`--store: ${JSON.stringify(u)}: a member URL has no path`);
  }
  return { kind: 'etcd', endpoints };
}

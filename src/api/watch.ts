// Watch streams: newline-delimited JSON events, flushed one by one, filtered per watcher.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KindDef } from '../apis/kind.js';
import type { KubeObject } from '../common/object.js';
import { StoreError, type Store, type StoreEvent, type Watch } from './storage/store.js';
import { expired, badRequest } from '../common/status-error.js';
import { tableRow, columnDefinitions, type IncludeObject } from './table.js';

export interface WatchRequest {
  def: KindDef;
  version: string;
  prefix: string;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  bookmarks: boolean;
  table: boolean;
  include: IncludeObject;
  matches: (obj: KubeObject) => boolean;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** A stalled client is cut off rather than buffering without bound (the apiserver does the same). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const BOOKMARK_INTERVAL_MS = 30_000;
const DEFAULT_TIMEOUT_S = 1800;

/** The same event goes to many watchers: encode each (event, type, version) once. */
const encoded = new WeakMap<object, Map<string, string>>();

function encodePlain(obj: KubeObject, type: EventType, apiVersion: string): string {
  let byKey = encoded.get(obj);
  const k = `${type}|${apiVersion}`;
  const hit = byKey?.get(k);
  if (hit !== undefined) return hit;
  const view = obj.apiVersion === apiVersion ? obj : { ...obj, apiVersion };
  const line = `{"type":"${type}","object":${JSON.stringify(view)}}\n`;
  if (!byKey) {
    byKey = new Map();
    encoded.set(obj, byKey);
  }
  byKey.set(k, line);
  return line;
}

export async function serveWatch(store: Store, w: WatchRequest, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const apiVersion = w.def.group ? `${w.def.group}/${w.version}` : w.version;
  let columnsSent = false;
  const encode = (obj: KubeObject, type: EventType): string => {
    if (!w.table) return encodePlain(obj, type, apiVersion);
    const view = { ...obj, apiVersion };
    const t: Record<string, unknown> = {
      kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: obj.metadata.resourceVersion ?? '' },
      rows: [tableRow(w.def, view, w.include, new Date())],
    };
    if (!columnsSent) {
      t.columnDefinitions = columnDefinitions(w.def);
      columnsSent = true;
    }
    return JSON.stringify({ type, object: t }) + '\n';
  };

  let fromRv: number;
  const initial: KubeObject[] = [];
  if (w.resourceVersion === undefined || w.resourceVersion === '' || w.resourceVersion === '0') {
    const list = await store.list(w.prefix);
    for (const s of list.items) if (w.matches(s.object)) initial.push(s.object);
    fromRv = list.rv;
  } else {
    fromRv = Number(w.resourceVersion);
    if (!Number.isSafeInteger(fromRv) || fromRv < 0) throw badRequest(`invalid resource version: ${w.resourceVersion}`);
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.socket?.setNoDelay(true);
  res.flushHeaders();

  let closed = false;
  let watch: Watch | undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = (): void => {
    if (closed) return;
    closed = true;
    watch?.stop();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  const send = (line: string): void => {
    if (closed) return;
    res.write(line);
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };
  req.on('close', finish);
  res.on('error', finish);

  for (const o of initial) send(encode(o, 'ADDED'));
  let lastRv = fromRv;

  try {
    watch = await store.watch(w.prefix, fromRv, {
      onEvent: (ev: StoreEvent) => {
        lastRv = ev.rv;
        const type = filterType(ev, w.matches);
        if (type) send(encode(ev.object, type));
      },
      onError: () => finish(),
    });
  } catch (e) {
    if (e instanceof StoreError && e.code === 'Expired') {
      const status = expired(`too old resource version: ${fromRv} (${e.oldest ?? 0})`).toStatus();
      send(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
      finish();
      return;
    }
    finish();
    throw e;
  }
  if (closed) {
    watch.stop();
    return;
  }
  const timeoutS = w.timeoutSeconds && w.timeoutSeconds > 0 ? w.timeoutSeconds : DEFAULT_TIMEOUT_S;
  timers.push(setTimeout(finish, timeoutS * 1000));
  if (w.bookmarks) {
    const tick = (): void => {
      const bm = { kind: w.def.kind, apiVersion, metadata: { resourceVersion: String(lastRv) } };
      send(JSON.stringify({ type: 'BOOKMARK', object: bm }) + '\n');
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
    };
    timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS));
  }
}

/** A change seen through a selector: entering it is ADDED, leaving it is DELETED (as the watch cache does). */
function filterType(ev: StoreEvent, matches: (o: KubeObject) => boolean): EventType | undefined {
  if (ev.type === 'ADDED') return matches(ev.object) ? 'ADDED' : undefined;
  if (ev.type === 'DELETED') return matches(ev.prev ?? ev.object) ? 'DELETED' : undefined;
  const now = matches(ev.object);
  const before = ev.prev ? matches(ev.prev) : false;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}

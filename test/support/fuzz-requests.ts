// The fuzz test's request generator (pure): request i of seed s is always the same request, whatever order
// the workers take them in. Every hostile value carries the run's marker, so the executor log can be searched
// for it, and at least one character no Kubernetes name or Linux interface name allows, so that every
// object stays invalid (the lab must end up unchanged).

export interface FuzzRequest {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer | undefined;
  auth: 'admin' | 'none' | 'bad';
  /** Bytes written as they are on a fresh TLS connection instead (request lines the client library refuses). */
  raw?: Buffer;
}

/** mulberry32: small, fast, good enough to pick cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hostileMarker(seed: number): string {
  return `fzq${(seed >>> 0).toString(36)}`;
}

type Rng = () => number;
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rng, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

const SHELL = [';', '$(', '`', '|', '\n', '\u0000', '&&', '>', '<', "'", '"', '\\', ' ', '${IFS}', '\r\n', '\t', '*', '?', '~', '#', '!'];
const UNICODE = ['é', '😀', '\u202e', '\u200b', 'ｅｔｈ', 'ß', '\uffff', 'İ'];

/** A string that must never reach a command: the marker plus characters no name allows. */
function hostile(r: Rng, m: string): string {
  const meta = pick(r, SHELL);
  switch (int(r, 0, 11)) {
    case 0: return `${m}${meta}reboot`;
    case 1: return `$(${m})`;
    case 2: return `\`${m}\``;
    case 3: return `a|${m}`;
    case 4: return `${m}\nip link del eth0`;
    case 5: return `${m}\u0000x`;
    case 6: return `../../${m}${meta}`;
    case 7: return `${m}${meta}${'x'.repeat(int(r, 10, 300))}`;
    case 8: return `${m}${pick(r, UNICODE)}`;
    case 9: return `-${m}${meta}`;
    case 10: return `${m};rm -rf /`;
    default: return `${m}${meta}${pick(r, UNICODE)}${meta}`;
  }
}

interface Kind {
  name: string;
  collection: string;
  namespaced: boolean;
  /** A base object with hostile values in the fields that reach the kernel or the file system. */
  object(r: Rng, m: string, name: string): Record<string, unknown>;
  subresources?: string[];
}

const vmTemplate = (r: Rng, m: string): Record<string, unknown> => {
  const nic = pick(r, [hostile(r, m), 'nic0']);
  const net = nic === 'nic0' ? hostile(r, m) : nic;
  return {
    spec: {
      domain: { devices: { interfaces: [{ name: nic, bridge: {}, macAddress: pick(r, ['02:00:00:00:00:01', hostile(r, m)]) }] }, resources: { requests: { memory: '64Mi' } } },
      networks: [{ name: nic, multus: { networkName: pick(r, [hostile(r, m), `default/${hostile(r, m)}`, 'flat']) } }, { name: net, pod: {} }],
    },
  };
};

const KINDS: Kind[] = [
  { name: 'configmap', collection: '/api/v1/namespaces/default/configmaps', namespaced: true, object: (r, m, name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: hostile(r, m) } }) },
  { name: 'namespace', collection: '/api/v1/namespaces', namespaced: false, object: (_r, _m, name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) },
  { name: 'node', collection: '/api/v1/nodes', namespaced: false, object: (r, m, name) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': hostile(r, m) } } }) },
  {
    name: 'vm', collection: '/apis/kubevirt.io/v1/namespaces/default/virtualmachines', namespaced: true,
    object: (r, m, name) => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', metadata: { name }, spec: { runStrategy: 'Halted', template: vmTemplate(r, m) } }),
    subresources: ['start', 'stop', 'restart', 'migrate', 'addinterface', 'removeinterface'],
  },
  {
    name: 'vmi', collection: '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstances', namespaced: true,
    object: (r, m, name) => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name }, ...vmTemplate(r, m) }),
    subresources: ['console', 'vnc', 'pause', 'unpause'],
  },
  {
    name: 'vmim', collection: '/apis/kubevirt.io/v1/namespaces/default/virtualmachineinstancemigrations', namespaced: true,
    object: (r, m, name) => ({ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstanceMigration', metadata: { name }, spec: { vmiName: hostile(r, m) } }),
  },
  {
    name: 'nad', collection: '/apis/k8s.cni.cncf.io/v1/namespaces/default/network-attachment-definitions', namespaced: true,
    object: (r, m, name) => ({
      apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, annotations: { 'k8s.v1.cni.cncf.io/resourceName': `bridge.network.kubevirt.io/${hostile(r, m)}` } },
      spec: { config: JSON.stringify({ cniVersion: '0.3.1', name: hostile(r, m), type: 'bridge', bridge: hostile(r, m), vlan: pick(r, [0, 4095, -1, 1e9, hostile(r, m)]), macspoofchk: true, ipam: {} }) },
    }),
  },
  {
    name: 'nncp', collection: '/apis/nmstate.io/v1/nodenetworkconfigurationpolicies', namespaced: false,
    object: (r, m, name) => {
      const h = hostile(r, m);
      const iface = pick(r, [
        { name: h, type: 'linux-bridge', state: 'up', bridge: { port: [{ name: 'eth1' }] } },
        { name: 'fzbr0', type: 'linux-bridge', state: 'up', bridge: { port: [{ name: h }] } },
        { name: 'fzbr0', type: 'linux-bridge', state: 'up', ipv4: { enabled: true, address: [{ ip: h, 'prefix-length': 24 }] } },
        { name: `${h}.100`, type: 'vlan', vlan: { 'base-iface': 'eth1', id: 100 } },
        { name: 'fzv0', type: 'vlan', vlan: { 'base-iface': h, id: 100 } },
        { name: 'fzv0', type: 'vxlan', vxlan: { 'base-iface': 'eth0', id: 7, remote: h } },
        { name: 'fzbr0', type: 'linux-bridge', state: 'up', mtu: h },
      ]);
      const routes = pick(r, [undefined, { config: [{ destination: h, 'next-hop-interface': 'eth0' }] }, { config: [{ destination: '10.9.0.0/16', 'next-hop-interface': h }] }]);
      return { apiVersion: 'nmstate.io/v1', kind: 'NodeNetworkConfigurationPolicy', metadata: { name }, spec: { desiredState: { interfaces: [iface], ...(routes ? { routes } : {}) } } };
    },
  },
  {
    name: 'udn', collection: '/apis/k8s.ovn.org/v1/namespaces/default/userdefinednetworks', namespaced: true,
    object: (r, m, name) => ({ apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name }, spec: { topology: 'Layer2', layer2: { role: pick(r, ['Secondary', 'Primary']), subnets: [pick(r, [hostile(r, m), `10.0.0.0/24 ${hostile(r, m)}`, `${hostile(r, m)}/24`])] } } }),
  },
  {
    name: 'cudn', collection: '/apis/k8s.ovn.org/v1/clusteruserdefinednetworks', namespaced: false,
    object: (r, m, name) => ({
      apiVersion: 'k8s.ovn.org/v1', kind: 'ClusterUserDefinedNetwork', metadata: { name },
      spec: { namespaceSelector: { matchLabels: { [hostile(r, m)]: 'x' } }, network: { topology: 'Localnet', localnet: { role: 'Secondary', physicalNetworkName: hostile(r, m), subnets: [hostile(r, m)] } } },
    }),
  },
];

/** A name that no kind accepts (with the marker). */
const hostileName = (r: Rng, m: string): string => hostile(r, m);
/** Percent-encode for a URL segment, sometimes leaving the encoder's choices to the client library. */
const seg = (r: Rng, s: string): string => (r() < 0.8 ? encodeURIComponent(s) : s.replace(/[\s\u0000-\u001f#?%]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`));

function setDeep(o: unknown, r: Rng, value: unknown): void {
  let cur = o;
  for (let d = 0; d < 8; d++) {
    if (typeof cur !== 'object' || cur === null) return;
    const keys = Object.keys(cur);
    if (keys.length === 0) return;
    const k = pick(r, keys);
    const child = (cur as Record<string, unknown>)[k];
    if (typeof child !== 'object' || child === null || r() < 0.3) {
      (cur as Record<string, unknown>)[k] = value;
      return;
    }
    cur = child;
  }
}

const WRONG = (r: Rng, m: string): unknown => pick(r, [1, -1, 1e308, true, null, [], {}, [hostile(r, m)], { [hostile(r, m)]: 1 }, '', 'x'.repeat(int(r, 1, 5000))]);

function deepJson(r: Rng): string {
  const d = int(r, 101, 20_000);
  return pick(r, [`{"metadata":{"name":"x"},"data":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`, `${'['.repeat(d)}${']'.repeat(d)}`, `{"spec":${'['.repeat(d)}`]);
}

function aliasBomb(r: Rng, m: string): string {
  const width = int(r, 5, 12);
  const levels = int(r, 4, 9);
  let y = `a: &a [${Array(width).fill(`"${m}"`).join(',')}]\n`;
  for (let l = 1; l < levels; l++) y += `${String.fromCharCode(97 + l)}: &${String.fromCharCode(97 + l)} [${Array(width).fill(`*${String.fromCharCode(96 + l)}`).join(',')}]\n`;
  return y;
}

function deepYaml(r: Rng): string {
  const d = int(r, 101, 3000);
  return pick(r, [`metadata:\n  name: x\ndata: ${'['.repeat(d)}${']'.repeat(d)}\n`, Array.from({ length: d }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n', `x: ${'{a: '.repeat(d)}1${'}'.repeat(d)}\n`]);
}

function brokenJson(r: Rng, text: string): string {
  switch (int(r, 0, 5)) {
    case 0: return text.slice(0, int(r, 0, Math.max(0, text.length - 1)));
    case 1: { const i = int(r, 0, text.length); return text.slice(0, i) + pick(r, ['{', '}', '"', ',', '\\', '\u0000', ']', ':', '\ud800']) + text.slice(i); }
    case 2: return text.replace(/"/g, "'");
    case 3: return `${text}${text}`;
    case 4: return Buffer.from(Array.from({ length: int(r, 1, 200) }, () => int(r, 0, 255))).toString('latin1');
    default: return text.replace(/:/, '::');
  }
}

const SELECTOR_CHARS = 'abc=!,()in notexists.-_/ %&;$`|\\\'"\u0000';
const randomText = (r: Rng, alphabet: string, n: number): string => Array.from({ length: n }, () => alphabet[int(r, 0, alphabet.length - 1)]).join('');

function badQuery(r: Rng, m: string): string {
  const h = encodeURIComponent(hostile(r, m));
  return pick(r, [
    `labelSelector=${encodeURIComponent(randomText(r, SELECTOR_CHARS, int(r, 1, 40)))}`,
    `labelSelector=a%20in%20(${h}`,
    `labelSelector=${h}%3Dx`,
    `fieldSelector=${encodeURIComponent(randomText(r, SELECTOR_CHARS, int(r, 1, 40)))}`,
    `fieldSelector=metadata.name%3D%3D${h},spec.x%3Dy`,
    `resourceVersion=${pick(r, ['abc', '-1', '99999999999999999999999', '1e9', h, '0x10', ''])}`,
    `resourceVersion=1&resourceVersionMatch=${pick(r, ['Exact', 'NotOlderThan', h, ''])}`,
    `limit=${pick(r, ['-1', 'x', '1e20', '99999999999999999999', h])}`,
    `limit=1&continue=${pick(r, ['!!!', h, 'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTF9', 'AAAA'])}`,
    `timeoutSeconds=${pick(r, ['-1', 'x', h])}`,
    `fieldManager=${h}`,
    `fieldValidation=${pick(r, ['Strict', h, 'strict'])}`,
    `dryRun=${pick(r, ['All', h, 'yes'])}`,
    `propagationPolicy=${pick(r, [h, 'Orphan', 'x'])}`,
    `gracePeriodSeconds=${pick(r, ['-5', 'x', h])}`,
    `pretty=${h}&${h}=${h}`,
    `${'a='.repeat(int(r, 100, 1500))}`,
    `labelSelector=${'x'.repeat(int(r, 5000, 15000))}`,
    `%zz=%zz&%=&&&==`,
    `q=${encodeURIComponent(pick(r, UNICODE))}&%00=%00`,
  ]);
}

function weirdPath(r: Rng, m: string): string {
  const h = encodeURIComponent(hostile(r, m));
  const k = pick(r, KINDS);
  return pick(r, [
    `${k.collection}/..%2f..%2f${h}`,
    `/api/v1/namespaces/../../${h}`,
    `/api/v1/namespaces/%2e%2e/configmaps/${h}`,
    `${k.collection}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
    `${k.collection.replace('/default/', `/${h}/`)}`,
    `${k.collection}/${h}/${h}/${h}`,
    `/apis/${h}/v1/${h}`,
    `/apis/kubevirt.io/${h}/namespaces/default/virtualmachines`,
    `//api//v1//namespaces//default//configmaps`,
    `${k.collection}/${'a'.repeat(int(r, 254, 12000))}`,
    `/api/v1/namespaces/default/configmaps/${encodeURIComponent('ｃｍ')}`,
    `/openapi/v3/${h}`,
    `/openapi/v3/apis/${'..%2f'.repeat(10)}`,
    `/apis/subresources.kubevirt.io/v1/namespaces/${h}/virtualmachines/${h}/start`,
    `/apis/subresources.kubevirt.io/v1/namespaces/default/virtualmachineinstances/${h}/console`,
    `/api/v1/namespaces/default/configmaps/%00`,
    `/api/v1/namespaces/default/configmaps/${'%c0%ae'.repeat(4)}`,
    `/${'x/'.repeat(int(r, 50, 2000))}`,
    `/healthz/${h}`,
    `/version?${h}`,
  ]);
}

const CONTENT_TYPES = ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded',
  'application/vnd.kubernetes.protobuf', '', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'application/yaml', '*/*', 'application/json\u0000'];

/** Stands for the admin token in raw requests; the sender substitutes it. */
export const RAW_TOKEN = '@@TOKEN@@';

function rawRequest(r: Rng, m: string): Buffer {
  const h = hostile(r, m).replace(/[\r\n]/g, '');
  const auth = `Authorization: Bearer ${RAW_TOKEN}\r\n`;
  return Buffer.from(pick(r, [
    `GET /api/v1/namespaces/${h} HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n\r\n`,
    `${pick(r, ['FOO', 'PROPFIND', 'BREW', 'G ET', 'get', m.toUpperCase()])} /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    `GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(int(r, 17_000, 40_000))}\r\n\r\n`,
    `GET /${'a'.repeat(int(r, 17_000, 40_000))} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n${Array.from({ length: int(r, 2100, 3000) }, (_, i) => `X-${i}: y\r\n`).join('')}\r\n`,
    `POST /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n${h}\r\n0\r\n\r\n`,
    `POST /api/v1/namespaces HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{}{}{}{}`,
    `GET /api/v1/name\u0000spaces HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /api/v1/namespaces HTTP/1.1\r\nHost: x\r\nBad Header: ${h}\r\n\r\n`,
    `GET /api/v1/namespaces HTTP/9.9\r\nHost: x\r\n\r\n`,
    `\u0000\u0001\u0002${h}\r\n\r\n`,
    `GET /api/v1/namespaces HTTP/1.1\nHost: x\n${auth.replace('\r', '')}Connection: close\n\n`,
    `GET /api/v1/namespaces/default HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\nX-Fz: ${h}\r\n\r\n`,
    `POST /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${4 * 1024 * 1024}\r\nConnection: close\r\n\r\n{`,
  ]), 'latin1');
}

/** Request `i` of the run seeded `seed`. */
export function fuzzRequest(seed: number, i: number): FuzzRequest {
  const r = prng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  const m = hostileMarker(seed);
  const k = pick(r, KINDS);
  const json = { 'Content-Type': 'application/json' };
  const roll = r();
  // Mostly as admin, so that authorization never hides what validation does.
  const auth: FuzzRequest['auth'] = r() < 0.01 ? 'none' : r() < 0.01 ? 'bad' : 'admin';
  // Always a name no kind accepts: nothing a fuzz request sends is ever stored.
  const name = (): string => hostileName(r, m);
  const itemPath = (n: string): string => `${k.collection}/${seg(r, n)}`;
  const base = (n: string): Record<string, unknown> => k.object(r, m, n);
  if (roll < 0.30) {
    // create with a mutated object
    const o = base(name());
    const how = int(r, 0, 6);
    let body: string;
    let what = `create ${k.name}`;
    if (how === 0) { setDeep(o, r, WRONG(r, m)); body = JSON.stringify(o); what += ' wrong type'; }
    else if (how === 1) { setDeep(o, r, { [hostile(r, m)]: hostile(r, m), unknownField: 1 }); (o as Record<string, unknown>)[hostile(r, m)] = 1; body = JSON.stringify(o); what += ' unknown fields'; }
    else if (how === 2) { body = brokenJson(r, JSON.stringify(o)); what += ' broken JSON'; }
    else if (how === 3) { body = deepJson(r); what += ' deep JSON'; }
    else if (how === 4 && r() < 0.05) { body = JSON.stringify({ ...o, data: { x: 'y'.repeat(3 * 1024 * 1024 + int(r, 1, 1000)) } }); what += ' huge'; }
    else if (how === 5) { (o['metadata'] as Record<string, unknown>)['name'] = hostileName(r, m); (o['metadata'] as Record<string, unknown>)['namespace'] = hostile(r, m); body = JSON.stringify(o); what += ' hostile metadata'; }
    else { body = JSON.stringify(o); what += ' hostile values'; }
    const qs = r() < 0.2 ? `?${badQuery(r, m)}` : r() < 0.5 ? '?fieldValidation=Strict' : '';
    return { what, method: 'POST', path: k.collection + qs, headers: r() < 0.9 ? json : { 'Content-Type': pick(r, CONTENT_TYPES) }, body, auth };
  }
  if (roll < 0.42) {
    // server-side apply with YAML: alias bombs, deep documents, hostile values
    const n = name();
    const how = int(r, 0, 3);
    const body = how === 0 ? aliasBomb(r, m) : how === 1 ? deepYaml(r) : how === 2 ? brokenJson(r, JSON.stringify(base(n))) : JSON.stringify(base(n)).replace(/^\{/, '{"fz": *x, ');
    return { what: `apply ${k.name} ${['alias bomb', 'deep YAML', 'broken', 'bad alias'][how]}`, method: 'PATCH', path: `${itemPath(n)}?fieldManager=${pick(r, ['fz', encodeURIComponent(hostile(r, m))])}&force=true`, headers: { 'Content-Type': 'application/apply-patch+yaml' }, body, auth };
  }
  if (roll < 0.52) {
    const ct = pick(r, ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
    const h = hostile(r, m);
    const body = pick(r, [
      JSON.stringify([{ op: pick(r, ['add', 'replace', 'move', 'copy', 'test', 'frob', h]), path: pick(r, ['/metadata/name', `/${h}`, '/spec/template/spec/networks/-', '/../..', '~2', '/a~1b']), value: h, from: `/${h}` }]),
      JSON.stringify({ metadata: { name: h, labels: { [h]: h } }, spec: WRONG(r, m) }),
      deepJson(r),
      brokenJson(r, JSON.stringify({ spec: { x: h } })),
    ]);
    return { what: `patch ${k.name} (${ct})`, method: 'PATCH', path: itemPath(pick(r, [hostileName(r, m), 'kubernetes', 'default', 'fzbr0'])), headers: { 'Content-Type': ct }, body, auth };
  }
  if (roll < 0.58) {
    const n = name();
    const o = base(hostileName(r, m));
    if (r() < 0.5) setDeep(o, r, WRONG(r, m));
    return { what: `replace ${k.name}`, method: 'PUT', path: itemPath(n), headers: json, body: JSON.stringify(o), auth };
  }
  if (roll < 0.64) {
    return { what: `${pick(r, ['get', 'delete'])} ${k.name}`, method: r() < 0.5 ? 'GET' : 'DELETE', path: itemPath(hostileName(r, m)) + (r() < 0.3 ? `?${badQuery(r, m)}` : ''), headers: {}, body: r() < 0.2 ? JSON.stringify({ kind: 'DeleteOptions', propagationPolicy: hostile(r, m), preconditions: { uid: hostile(r, m) } }) : undefined, auth };
  }
  if (roll < 0.70) {
    const vmk = pick(r, KINDS.filter((x) => x.subresources));
    const sub = pick(r, vmk.subresources!);
    const n = pick(r, [hostileName(r, m), 'fedora01']);
    const ns = pick(r, ['default', hostile(r, m)]);
    const path = `/apis/subresources.kubevirt.io/v1/namespaces/${seg(r, ns)}/${vmk.name === 'vm' ? 'virtualmachines' : 'virtualmachineinstances'}/${seg(r, n)}/${sub}`;
    const body = pick(r, [undefined, JSON.stringify({ name: hostile(r, m), networkAttachmentDefinitionName: hostile(r, m) }), brokenJson(r, '{"name":"x"}'), deepJson(r)]);
    return { what: `subresource ${vmk.name}/${sub}`, method: pick(r, ['PUT', 'PUT', 'GET', 'POST']), path, headers: json, body, auth };
  }
  if (roll < 0.80) return { what: 'list with bad query', method: 'GET', path: `${k.collection}?${badQuery(r, m)}`, headers: {}, auth };
  if (roll < 0.88) {
    const path = weirdPath(r, m);
    let method = pick(r, ['GET', 'GET', 'POST', 'DELETE', 'PATCH', 'PUT', 'OPTIONS', 'HEAD']);
    // A write to a path that may still name a real collection (`//api//v1//nodes`) would be a valid request
    // (DELETE of a collection deletes it): writes go only to paths that carry the marker.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !path.includes(m)) method = 'GET';
    return { what: 'weird path', method, path, headers: json, body: r() < 0.3 ? '{}' : undefined, auth };
  }
  if (roll < 0.95) {
    const h = hostile(r, m).replace(/[\r\n\u0000]/g, '');
    const headers: Record<string, string> = pick(r, [
      { 'Content-Type': pick(r, CONTENT_TYPES).replace('\u0000', '') },
      { Accept: pick(r, ['application/vnd.kubernetes.protobuf', 'application/json;as=Table;v=v1;g=meta.k8s.io', `application/json;as=${h}`, 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', '*/*;q=x']) },
      { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' },
      { 'Content-Type': 'application/json', 'X-Forwarded-For': h, 'User-Agent': h, 'Impersonate-User': h, 'Impersonate-Group': 'system:masters' },
      { 'Content-Type': 'application/json', Authorization: `Bearer ${h}` },
      { 'Content-Type': 'application/json', Authorization: `Basic ${Buffer.from(`${h}:x`).toString('base64')}` },
      { 'Content-Type': 'application/json', Expect: '100-continue' },
    ]);
    const keepAuth = !('Authorization' in headers);
    return { what: `headers ${Object.keys(headers).join(',')}`, method: pick(r, ['POST', 'GET', 'PATCH']), path: pick(r, [k.collection, itemPath(hostileName(r, m))]), headers, body: JSON.stringify(base(hostileName(r, m))), auth: keepAuth ? auth : 'none' };
  }
  return { what: 'raw bytes', method: 'RAW', path: '', headers: {}, auth, raw: rawRequest(r, m) };
}

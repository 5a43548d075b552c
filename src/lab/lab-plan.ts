// The lab as data: which namespaces, links, bridges, addresses, routes and processes make up the lab's
// datacenter (docs/architecture.md §4). Pure: no I/O; lab-apply.ts performs it, teardown.ts undoes it.
//
//              netns vn-<id>-fabric (the datacenter; also the router, ip_forward=1 inside it only)
//   bridge machine 10.89.0.1/24 ─┬─ eth0 of every node (10.89.0.10, .11, …; default via 10.89.0.1)
//   veth cp        10.89.1.1/24 ─┴─ vn-<id>-control-plane eth0 10.89.1.10 (off-link from the nodes)
//   veth internet  198.18.0.1/24 ── vn-<id>-internet eth0 198.18.0.10 (RFC 2544 benchmarking range)
//   bridge flat    192.168.64.1/18 + dnsmasq (DHCP .64.100–.127.200) ── eth1 of bare-metal nodes,
//                                    enslaved to br-flat inside the node
//
// Every link is created directly inside a lab namespace, so nothing appears in the root namespace.
import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { LabError } from './lab-error.js';

export interface LabInput {
  /** Short lab id: lowercase letters and digits, 1–8 characters; every name carries `vn-<id>-`. */
  id: string;
  workers: number;
  baremetal: number;
  /** Absolute directory for the state file, dnsmasq's pid, lease and log files. */
  dataDir: string;
}

export type NamespaceRole = 'fabric' | 'internet' | 'control-plane' | 'node';
export type NodeRole = 'worker' | 'baremetal';

export interface LabNamespace {
  name: string;
  role: NamespaceRole;
}

/** One end of a link: its namespace and its name there. */
export interface LinkEnd {
  netns: string;
  name: string;
}

/** A veth pair; `a` is created with `b` as its peer, both directly in their namespaces. */
export interface VethPair {
  a: LinkEnd;
  b: LinkEnd;
}

export interface LabBridge {
  netns: string;
  name: string;
}

export interface BridgePort {
  netns: string;
  name: string;
  master: string;
}

export interface LabAddress {
  netns: string;
  dev: string;
  /** address/prefix */
  cidr: string;
}

export interface LabRoute {
  netns: string;
  /** `default` or a CIDR */
  dst: string;
  via: string;
}

export interface LabSysctl {
  netns: string;
  key: string;
  value: string;
}

/** A long-running daemon started inside a namespace; it writes `pidFile` itself. */
export interface LabProcess {
  name: string;
  netns: string;
  argv: string[];
  pidFile: string;
}

export interface LabNode {
  /** Kubernetes node name, e.g. `worker-0`, `metal-1`. */
  name: string;
  role: NodeRole;
  netns: string;
  /** eth0's address on the machine network, without prefix length. */
  address: string;
  gateway: string;
  /** Bare-metal nodes: the NIC on the flat network and the bridge it is enslaved to. */
  flat?: { nic: string; bridge: string };
  labels: Record<string, string>;
}

export interface LabPlan {
  id: string;
  prefix: string;
  dataDir: string;
  machineNetwork: { cidr: string; router: string };
  controlPlane: { netns: string; address: string; cidr: string; router: string };
  internet: { netns: string; address: string; cidr: string; router: string };
  flatNetwork: { cidr: string; serverAddress: string; rangeStart: string; rangeEnd: string };
  fabric: string;
  namespaces: LabNamespace[];
  bridges: LabBridge[];
  veths: VethPair[];
  ports: BridgePort[];
  /** Links to set up, after enslaving (bridges and veth ends; `lo` of every namespace). */
  up: LinkEnd[];
  addresses: LabAddress[];
  routes: LabRoute[];
  sysctls: LabSysctl[];
  processes: LabProcess[];
  nodes: LabNode[];
  /** Files the lab creates in dataDir (besides lab.json), removed by teardown. */
  files: string[];
}

export const MACHINE_NET = '10.89.0';
export const CONTROL_PLANE_NET = '10.89.1';
export const INTERNET_NET = '198.18.0';
export const FIRST_NODE_HOST = 10;
/** .10 … .254 on the machine /24. */
export const MAX_NODES = 245;
export const FLAT_BRIDGE = 'flat';
export const MACHINE_BRIDGE = 'machine';
export const NODE_FLAT_BRIDGE = 'br-flat';
export const WORKER_INSTANCE_TYPE = 'm5.4xlarge';
export const BAREMETAL_INSTANCE_TYPE = 'c5n.metal';

const ID_RE = /^[a-z0-9]{1,8}$/;
const IFNAMSIZ = 15;

export function labPrefix(id: string): string {
  return `vn-${id}-`;
}

/** The id a data directory's lab gets unless one is given: stable per directory, distinct between them. */
export function defaultLabId(dataDir: string): string {
  return 'l' + createHash('sha256').update(dataDir).digest('hex').slice(0, 5);
}

export function validateLabId(id: string): void {
  if (!ID_RE.test(id)) {
    throw new LabError('invalid-input', `lab id must be 1–8 lowercase letters or digits, got ${JSON.stringify(id)}`);
  }
}

/** The files a lab keeps in its data directory; each carries the lab prefix. */
export function labFiles(id: string, dataDir: string): { pid: string; leases: string; log: string } {
  const p = labPrefix(id);
  return {
    pid: join(dataDir, `${p}dnsmasq.pid`),
    leases: join(dataDir, `${p}flat.leases`),
    log: join(dataDir, `${p}dnsmasq.log`),
  };
}

function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new LabError('invalid-input', `${what} must be a whole number ≥ 0, got ${n}`);
}

function ifname(name: string): string {
  if (name.length > IFNAMSIZ) throw new LabError('invalid-input', `interface name ${name} is longer than ${IFNAMSIZ}`);
  return name;
}

export function planLab(input: LabInput): LabPlan {
  const { id, workers, baremetal, dataDir } = input;
  validateLabId(id);
  checkCount('workers', workers);
  checkCount('baremetal', baremetal);
  if (workers + baremetal > MAX_NODES) {
    throw new LabError('invalid-input', `at most ${MAX_NODES} nodes fit the machine network, asked for ${workers + baremetal}`);
  }
  if (!isAbsolute(dataDir)) throw new LabError('invalid-input', `dataDir must be absolute, got ${dataDir}`);

  const prefix = labPrefix(id);
  const fabric = `${prefix}fabric`;
  const cpNs = `${prefix}control-plane`;
  const inetNs = `${prefix}internet`;
  const files = labFiles(id, dataDir);

  const machine = { cidr: `${MACHINE_NET}.0/24`, router: `${MACHINE_NET}.1` };
  const controlPlane = { netns: cpNs, address: `${CONTROL_PLANE_NET}.10`, cidr: `${CONTROL_PLANE_NET}.0/24`, router: `${CONTROL_PLANE_NET}.1` };
  const internet = { netns: inetNs, address: `${INTERNET_NET}.10`, cidr: `${INTERNET_NET}.0/24`, router: `${INTERNET_NET}.1` };
  const flatNetwork = { cidr: '192.168.64.0/18', serverAddress: '192.168.64.1', rangeStart: '192.168.64.100', rangeEnd: '192.168.127.200' };

  const plan: LabPlan = {
    id, prefix, dataDir, machineNetwork: machine, controlPlane, internet, flatNetwork, fabric,
    namespaces: [
      { name: fabric, role: 'fabric' },
      { name: cpNs, role: 'control-plane' },
      { name: inetNs, role: 'internet' },
    ],
    bridges: [{ netns: fabric, name: MACHINE_BRIDGE }, { netns: fabric, name: FLAT_BRIDGE }],
    veths: [
      { a: { netns: cpNs, name: 'eth0' }, b: { netns: fabric, name: 'cp' } },
      { a: { netns: inetNs, name: 'eth0' }, b: { netns: fabric, name: 'internet' } },
    ],
    ports: [],
    up: [],
    addresses: [
      { netns: fabric, dev: MACHINE_BRIDGE, cidr: `${machine.router}/24` },
      { netns: fabric, dev: 'cp', cidr: `${controlPlane.router}/24` },
      { netns: fabric, dev: 'internet', cidr: `${internet.router}/24` },
      { netns: fabric, dev: FLAT_BRIDGE, cidr: `${flatNetwork.serverAddress}/18` },
      { netns: cpNs, dev: 'eth0', cidr: `${controlPlane.address}/24` },
      { netns: inetNs, dev: 'eth0', cidr: `${internet.address}/24` },
    ],
    routes: [
      { netns: cpNs, dst: 'default', via: controlPlane.router },
      { netns: inetNs, dst: 'default', via: internet.router },
    ],
    // The fabric namespace is the datacenter's router; forwarding is enabled there only, never on the host.
    sysctls: [{ netns: fabric, key: 'net.ipv4.ip_forward', value: '1' }],
    processes: [{
      name: 'dnsmasq',
      netns: fabric,
      pidFile: files.pid,
      argv: [
        'dnsmasq',
        '--conf-file=/dev/null', // ignore the host's /etc/dnsmasq.conf
        `--pid-file=${files.pid}`,
        `--interface=${FLAT_BRIDGE}`,
        '--bind-interfaces',
        '--except-interface=lo',
        '--port=0', // DHCP only, no DNS
        `--dhcp-range=${flatNetwork.rangeStart},${flatNetwork.rangeEnd},255.255.192.0,1h`,
        `--dhcp-leasefile=${files.leases}`,
        '--dhcp-authoritative',
        // dnsmasq pings an address for 3 s before offering it; on the lab's private segment that only delays
        // every VM's first lease.
        '--no-ping',
        // No router and no DNS option: the flat network is a secondary network; a default route from it
        // would fight the VM's primary (pod) network.
        '--dhcp-option=3',
        '--dhcp-option=6',
        `--log-facility=${files.log}`,
        '--log-dhcp',
      ],
    }],
    nodes: [],
    files: [files.pid, files.leases, files.log],
  };

  const addNode = (name: string, role: NodeRole, index: number): void => {
    const netns = `${prefix}${name}`;
    const address = `${MACHINE_NET}.${FIRST_NODE_HOST + index}`;
    plan.namespaces.push({ name: netns, role: 'node' });
    plan.veths.push({ a: { netns, name: 'eth0' }, b: { netns: fabric, name: ifname(name) } });
    plan.ports.push({ netns: fabric, name, master: MACHINE_BRIDGE });
    plan.addresses.push({ netns, dev: 'eth0', cidr: `${address}/24` });
    plan.routes.push({ netns, dst: 'default', via: machine.router });
    const node: LabNode = {
      name, role, netns, address, gateway: machine.router,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/worker': '',
        'node.kubernetes.io/instance-type': role === 'baremetal' ? BAREMETAL_INSTANCE_TYPE : WORKER_INSTANCE_TYPE,
      },
    };
    if (role === 'baremetal') {
      // The guide says br-flat "was created beforehand": the lab's provisioning does it.
      const fabricEnd = ifname(`${name}-flat`);
      plan.veths.push({ a: { netns, name: 'eth1' }, b: { netns: fabric, name: fabricEnd } });
      plan.ports.push({ netns: fabric, name: fabricEnd, master: FLAT_BRIDGE });
      plan.bridges.push({ netns, name: NODE_FLAT_BRIDGE });
      plan.ports.push({ netns, name: 'eth1', master: NODE_FLAT_BRIDGE });
      node.flat = { nic: 'eth1', bridge: NODE_FLAT_BRIDGE };
    }
    plan.nodes.push(node);
  };
  for (let i = 0; i < workers; i++) addNode(`worker-${i}`, 'worker', i);
  for (let i = 0; i < baremetal; i++) addNode(`metal-${i}`, 'baremetal', workers + i);

  plan.up = [
    ...plan.namespaces.map((n) => ({ netns: n.name, name: 'lo' })),
    ...plan.bridges.map((b) => ({ netns: b.netns, name: b.name })),
    ...plan.veths.flatMap((v) => [v.a, v.b]),
  ];
  return plan;
}

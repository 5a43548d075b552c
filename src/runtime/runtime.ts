// The VM runtime interface: what the node agent needs from a way of running a VirtualMachineInstance.
// Two implementations (`qemu`: a real VM; `netns`: the VM as a network namespace) pass one contract suite
// (test/runtime/runtime-contract.ts). A runtime keeps everything it needs to find a VM again (pid files,
// sockets, the launch record) under `stateRoot/<id>/`, so an agent that restarts re-adopts running VMs.
//
// The network side is prepared by the caller: every NIC names a bridge that already exists in the launch's
// `hostNetns` (the VM's launcher namespace, KubeVirt's virt-launcher pod). The runtime creates the
// host-side link (a tap for qemu, a veth for netns), enslaves it to that bridge and brings it up.

export type RuntimeKind = 'qemu' | 'netns';

export interface NicLaunch {
  /** The KubeVirt interface name (`spec.domain.devices.interfaces[].name`). */
  name: string;
  /** Lowercase colon form, e.g. `02:5a:00:00:00:01`. */
  mac: string;
  /** KubeVirt model (`virtio`, `e1000`, …); the netns runtime ignores it. */
  model: string;
  /** The host-side link the runtime creates in `hostNetns` (≤ 15 bytes, [A-Za-z0-9_.-]). */
  hostIfName: string;
  /** An existing bridge in `hostNetns` that the host-side link joins. */
  bridge: string;
  /**
   * How the guest configures the NIC. `dhcp`: a DHCP client (the built-in guest does DHCP on every NIC;
   * the netns runtime runs busybox udhcpc on it). `static`: the netns runtime sets the address and default
   * route itself (a real guest would get them by DHCP from the launcher, KubeVirt's in-pod DHCP).
   */
  ip: { mode: 'dhcp' } | { mode: 'static'; cidr: string; gateway?: string } | { mode: 'none' };
}

export interface CloudInit {
  /** `#cloud-config` user-data as the VM spec carries it. */
  userData: string;
  networkData?: string;
}

export interface DiskLaunch {
  /** `builtin`: the guest image built by `make build` (kernel + initramfs). `qcow2`: a disk image file. */
  kind: 'builtin' | 'qcow2';
  /** For qcow2: the VM's own disk (a copy-on-write overlay of the DataSource's image). */
  path?: string;
}

export interface VmLaunch {
  /** Unique and stable for the VMI: [a-z0-9-], ≤ 40 characters; names the state directory. */
  id: string;
  /** Namespace the runtime's host side lives in (and QEMU runs in); undefined: the caller's own. */
  hostNetns: string | undefined;
  /** Guest hostname (cloud-init `local-hostname`; the VM's name). */
  hostname: string;
  nics: NicLaunch[];
  memoryMiB: number;
  cpus: number;
  disk: DiskLaunch;
  cloudInit?: CloudInit;
}

export interface GuestInterface {
  /** The guest's name for the NIC (`eth0`, `enp1s0`). */
  name: string;
  mac: string;
  /** Addresses without prefix length, IPv4 first, link-local IPv6 left out (as KubeVirt reports them). */
  ipAddresses: string[];
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface VmState {
  running: boolean;
  /** Set when the VM stopped on its own (crash, guest poweroff): what a user sees on the VMI. */
  exitReason?: string;
  /** `kvm` or `tcg` for qemu; `netns` for netns. */
  accelerator?: string;
}

export interface VmRuntime {
  readonly kind: RuntimeKind;
  /** Starts the VM; resolves once the process/namespace exists (not when the guest has booted). */
  start(launch: VmLaunch): Promise<void>;
  /** Stops the VM and removes its host-side links and state; idempotent (an unknown id is fine). */
  stop(id: string, opts?: { graceMs?: number }): Promise<void>;
  state(id: string): Promise<VmState>;
  /** Ids of the VMs this runtime has state for (running or not): what an agent re-adopts. */
  list(): Promise<string[]>;
  /** The guest's view of its NICs; rejects while the guest agent is not connected (qemu). */
  guestInterfaces(id: string): Promise<GuestInterface[]>;
  /** Runs a command in the guest (qemu: `guest-exec` through the guest agent). */
  exec(id: string, argv: string[], opts?: { timeoutMs?: number; input?: string }): Promise<ExecResult>;
  /** A unix socket that is the VM's serial console: bytes in are typed, bytes out are the screen. */
  consoleSocket(id: string): string;
  /** Adds a NIC to a running VM (hot plug). */
  hotplugNic(id: string, nic: NicLaunch): Promise<void>;
  /**
   * Live migration, optional. On the target node: gets ready to receive VM `id` into `target` (qemu: a
   * QEMU waiting with `-incoming`); returns the target as the source must see it. Not called for
   * runtimes without it.
   */
  prepareIncoming?(id: string, target: MigrationTarget): Promise<MigrationTarget>;
  /**
   * On the source node: moves running VM `id` to `target` (another launcher on the same machine, another
   * runtime instance's stateRoot, which then owns it under the same id). Resolves once the VM runs there;
   * on rejection the VM still runs here.
   */
  migrate?(id: string, target: MigrationTarget): Promise<void>;
  /** On the target node: undoes prepareIncoming after a failed migration (never touches a VM that runs elsewhere). */
  abortIncoming?(id: string): Promise<void>;
}

/** Where a migrating VM goes: the target launcher and its NICs (same names and MACs), and the target's state root. */
export interface MigrationTarget {
  hostNetns: string | undefined;
  nics: NicLaunch[];
  stateRoot: string;
  /** qemu: the incoming QEMU's migration socket (`unix:<path>`). */
  uri?: string;
}

export interface RuntimeOptions {
  /** Directory for per-VM state (`<stateRoot>/<id>/`). */
  stateRoot: string;
  /** Prefix for every kernel object the runtime creates outside `hostNetns` (netns runtime: the VM's
   * namespace is `<netnsPrefix>vm-<id>`): the lab's `vn-<labid>-`, so lab teardown removes them. */
  netnsPrefix: string;
}

const ID = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
export function checkVmId(id: string): void {
  if (!ID.test(id)) throw new Error(`invalid VM id ${JSON.stringify(id)}: want [a-z0-9-], at most 40 characters`);
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
export function checkIfName(name: string): void {
  if (!IFNAME.test(name)) throw new Error(`invalid interface name ${JSON.stringify(name)}: at most 15 bytes of [A-Za-z0-9_.-]`);
}

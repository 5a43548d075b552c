// The node agent's VM role (KubeVirt's virt-handler): runs the VMIs placed on this node. For each VMI it
// prepares the launcher networking, starts the VM in its runtime, and reports phase, interfaces (from the
// domain, then from the guest agent) and conditions; it stops VMs whose VMI is deleted, hot-plugs NICs the
// VM controller added, keeps the node's pod network routes and bridge capacity (bridge-marker) current.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../../client/index.js';
import { deepEqual, kubeTime, type KubeObject } from '../../common/object.js';
import type { VmRuntime, NicLaunch, GuestInterface } from '../../runtime/runtime.js';
import type { VmPlumbing, LauncherNic } from './vm-plumbing.js';
import { allocatePodIp, planNic, planVmiLaunch, vmiRuntimeId, LaunchError, POD_IP_ANNOTATION, RUNTIME_ANNOTATION, type PlannedNic } from './vmi-launch-plan.js';
import { vmiNics } from '../../common/kubevirt/vmi-networks.js';
import { kubevirtConditions } from '../../common/kubevirt/conditions.js';
import { formatIpv4, nthAddress, parseCidr } from '../../common/ipv4.js';
import { indexUdnNads, type OvnNetConfig } from '../../common/kubevirt/udn-attachments.js';

import { BRIDGE_RESOURCE_PREFIX } from '../../common/kubevirt/cni-config.js';
import { Semaphore } from '../../common/semaphore.js';
import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { existsSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../netns.js';
import { VmNetworkError } from '../vm-network/error.js';
import { MigrationAgent, launcherIdOf } from './migration.js';
import { inFlight, type MigrationState } from '../../controllers/vm/migration-plan.js';

export const VMI_FINALIZER = 'foregroundDeleteVirtualMachine';
export const STATE_ANNOTATION = 'virtnet.io/runtime-state';
export const PREFIX_ANNOTATION = 'virtnet.io/runtime-prefix';
export const CONSOLE_SOCKET_ANNOTATION = 'virtnet.io/console-socket';
/**
 * VMIs launched at once. A launch is a dozen processes (launcher plumbing, runtime start), so more at once
 * only share the CPU; the queue has many more workers than this so that the cheap look at a running VM
 * (its guest's addresses) never waits behind a backlog of launches (bench/vm: 100 VMs at once).
 */
const LAUNCH_SLOTS = 4;
const QUEUE_WORKERS = 64;
const MARKER_PERIOD_MS = 30_000;
const POD_SYNC_COALESCE_MS = 1000;

interface Condition { type: string; status: string; reason?: string; message?: string; lastProbeTime?: null; lastTransitionTime?: string }
interface VmiStatusIface { name?: string; mac?: string; interfaceName?: string; ipAddress?: string; ipAddresses?: string[]; infoSource?: string; queueCount?: number; linkState?: string; podInterfaceName?: string }
interface VmiStatus { migrationState?: MigrationState; phase?: string; nodeName?: string; conditions?: Condition[]; interfaces?: VmiStatusIface[]; reason?: string }

export interface VmHandlerOptions {
  node: string;
  runtimes: Partial<Record<'qemu' | 'netns', VmRuntime>>;
  defaultRuntime: 'qemu' | 'netns';
  plumbing: VmPlumbing;
  /** Where runtimes keep state, reported on the VMI for `virtnet vm exec|console` on this host. */
  stateRoots: Partial<Record<'qemu' | 'netns', string>>;
  /** Where a DataVolume's copy-on-write disk (over a qcow2 DataSource image) lives: `<diskRoot>/<dv uid>.qcow2`. */
  diskRoot?: string;
  /** The runtimes' netnsPrefix, reported on the VMI with the state root. */
  runtimePrefix: string;
  log: (m: string) => void;
  /** How often a running VMI's guest is asked for its interfaces (faster until every NIC has an address). */
  pollMs?: number;
}

function conds(list: Condition[] | undefined, want: Condition[], now: string): Condition[] {
  return kubevirtConditions(list ?? [], want, now);
}

export class VmHandler {
  private readonly vmis: Informer;
  private readonly nads: Informer;
  private readonly nodes: Informer;
  private readonly queue: WorkQueue;
  private readonly launchSlots = new Semaphore(LAUNCH_SLOTS);
  private readonly reservedPodIps = new Set<string>();
  /**
   * VMIs (key → uid) this agent launched and reported Running, until its informer shows that: the watch
   * may lag the write (with several API servers it comes from another one), and a VMI still seen as
   * Scheduled must not be launched again over the running VM.
   */
  private readonly launched = new Map<string, string>();
  /**
   * Addresses of the IPAMClaims of this node's VMIs (`ns/claim` → address), read when a VMI launches here and
   * reused for the DHCP reservations of the node's later launches. Not a watch of every claim: that would
   * send each agent every VM's claim, events growing with VMs × nodes. A claim keeps its address for its
   * life; a launch always reads its own claims afresh.
   */
  private readonly claimIps = new Map<string, string>();
  /** One reservation write at a time per network (ensureUdn). */
  private readonly udnLocks = new KeyedSerializer();
  /** VMs started whose Running status write failed, per VMI key: the status to write again. */
  private readonly unreported = new Map<string, { uid: string; report: Record<string, unknown> }>();
  /** Launches waiting for their IPAMClaim's address, per VMI key: the backoff of the next look. */
  private readonly ipamWaits = new Map<string, number>();
  /** Looks at a running guest still without its address, per VMI key: the backoff of the next look. */
  private readonly ipWaits = new Map<string, number>();
  private podNetwork = '';
  private podSyncPending = false;
  private lastCapacity = '';
  private readonly migrations: MigrationAgent;

  constructor(private readonly client: ApiClient, private readonly opts: VmHandlerOptions) {
    this.vmis = new Informer(client, R.vmi, undefined, { labelSelector: `kubevirt.io/nodeName=${opts.node}` });
    this.nads = new Informer(client, R.nad);
    this.nodes = new Informer(client, R.node);
    this.queue = new WorkQueue((k) => this.reconcile(k), QUEUE_WORKERS, (k, e) => opts.log(`vmi ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.vmis.addHandlers({ onAdd: self, onUpdate: self, onDelete: self });
    this.migrations = new MigrationAgent(client, {
      node: opts.node, log: opts.log, runtimeFor: (k) => this.runtimeFor(k), stateRoot: (k) => this.opts.stateRoots[k as 'qemu' | 'netns'] ?? '',
      prepareLauncher: (vmi, launcherId, runtime) => this.prepareMigrationLauncher(vmi, launcherId, runtime),
      teardownLauncher: (id) => this.opts.plumbing.teardownLauncher(id),
    });
    this.nodes.addHandlers({ onAdd: () => this.podNetworkChanged(), onUpdate: () => this.podNetworkChanged(), onDelete: () => this.podNetworkChanged() });
  }

  async start(): Promise<void> {
    for (const i of [this.vmis, this.nads, this.nodes]) i.start();
    await Promise.all([this.vmis.synced, this.nads.synced, this.nodes.synced]);
    await this.migrations.start();
    this.queue.add('@pod-network');
    this.queue.add('@gc');
    this.kickBridgeMarker();
  }

  /**
   * Reports the node's bridges now (a policy was applied), then every 30 s for bridges made by other means:
   * each look is a netlink dump under the host's one RTNL lock, shared by all the lab's nodes.
   */
  kickBridgeMarker(): void {
    this.queue.add('@bridge-marker');
  }

  stop(): void {
    this.migrations.stop();
    for (const i of [this.vmis, this.nads, this.nodes]) i.stop();
    this.queue.stop();
  }

  private runtimeFor(kind: string | undefined): VmRuntime {
    const k = (kind ?? this.opts.defaultRuntime) as 'qemu' | 'netns';
    const rt = this.opts.runtimes[k];
    if (!rt) throw new LaunchError('Unsupported', `VM runtime ${k} is not available on node ${this.opts.node}`);
    return rt;
  }

  private async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    if (key === '@pod-network') return this.syncPodNetwork();
    if (key === '@gc') return this.collectGarbage();
    if (key === '@bridge-marker') {
      await this.markBridges().catch((e: unknown) => this.opts.log(`bridge-marker: ${(e as Error).message}`));
      return { requeueAfter: MARKER_PERIOD_MS };
    }
    const vmi = this.vmis.get(key);
    const st = (vmi?.status ?? {}) as VmiStatus;
    const launchedUid = this.launched.get(key);
    if (launchedUid !== undefined && (vmi?.metadata.uid !== launchedUid || st.phase !== 'Scheduled')) this.launched.delete(key);
    if (!vmi) {
      this.ipWaits.delete(key);
      this.ipamWaits.delete(key);
      this.unreported.delete(key);
      return;
    }
    if (st.nodeName !== this.opts.node) return;
    if (vmi.metadata.deletionTimestamp) return this.shutdown(vmi);
    switch (st.phase) {
      case 'Scheduled': return this.launchSlots.use(async () => {
        // The VMI as it is once a slot is free; if it is no longer ours to launch, the change that made it so
        // has queued the key again.
        const now = this.vmis.get(key);
        const nst = (now?.status ?? {}) as VmiStatus;
        if (!now || now.metadata.deletionTimestamp || nst.nodeName !== this.opts.node || nst.phase !== 'Scheduled') return;
        // Launched already: the informer has not seen the Running status yet (its event requeues the key).
        if (this.launched.get(key) === now.metadata.uid) return { requeueAfter: 500 };
        const pending = this.unreported.get(key);
        if (pending !== undefined && pending.uid === now.metadata.uid) return this.reportRunning(key, now, pending.report);
        return this.launch(now);
      });
      // While it migrates, the VM is the migration's (the source's runtime may let it go at any moment).
      case 'Running': return inFlight(st.migrationState) ? { requeueAfter: 1000 } : this.watchRunning(vmi);
      default: return;
    }
  }

  /** A launched VM's Running status, written again after a failed write (an error here retries with backoff). */
  private async reportRunning(key: string, vmi: KubeObject, report: Record<string, unknown>): Promise<{ requeueAfter: number }> {
    await this.patchVmi(vmi, report);
    this.unreported.delete(key);
    this.launched.set(key, vmi.metadata.uid ?? '');
    this.opts.log(`vmi ${key}: running (its status written on a later try)`);
    return { requeueAfter: 500 };
  }

  private async patchVmi(vmi: KubeObject, patch: Record<string, unknown>): Promise<void> {
    await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'merge', patch)
      .catch((e: unknown) => { if (!isNotFound(e)) throw e; });
  }

  private async fail(vmi: KubeObject, e: unknown): Promise<void> {
    const reason = e instanceof LaunchError ? e.reason : 'FailedCreate';
    const message = (e as Error).message;
    this.opts.log(`vmi ${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}: ${message}`);
    const st = (vmi.status ?? {}) as VmiStatus;
    await this.patchVmi(vmi, { status: { phase: 'Failed', reason, conditions: conds(st.conditions, [
      { type: 'Synchronized', status: 'False', reason, message },
      { type: 'Ready', status: 'False', reason: 'GuestNotRunning', message: 'Guest VM is not reported as running' },
    ], kubeTime()) } });
  }

  private async podIpFor(vmi: KubeObject): Promise<string> {
    const have = vmi.metadata.annotations?.[POD_IP_ANNOTATION];
    if (have) return have;
    const slice = (this.nodes.get(this.opts.node)?.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (!slice) throw new LaunchError('PodNetworkNotReady', `node ${this.opts.node} has no pod CIDR yet`);
    // Picked and reserved in one synchronous step, so concurrent launches never pick the same address and
    // need not wait for each other's API round trip.
    const used = new Set(this.reservedPodIps);
    for (const v of this.vmis.list()) {
      const ip = v.metadata.annotations?.[POD_IP_ANNOTATION];
      if (ip) used.add(ip);
    }
    const ip = allocatePodIp(slice, used);
    if (!ip) throw new LaunchError('PodNetworkExhausted', `node ${this.opts.node}: no free address in pod CIDR ${slice}`);
    this.reservedPodIps.add(ip);
    try {
      // Recorded on the VMI before use, guarded by resourceVersion, so no two VMIs hold the same address.
      await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'merge', { metadata: { resourceVersion: vmi.metadata.resourceVersion, annotations: { [POD_IP_ANNOTATION]: ip } } });
    } catch (e) {
      this.reservedPodIps.delete(ip);
      throw e;
    }
    return ip;
  }

  private async launcherNics(vmi: KubeObject, planned: PlannedNic[]): Promise<LauncherNic[]> {
    const out: LauncherNic[] = [];
    for (const p of planned) {
      if (p.binding === 'masquerade') out.push({ planned: p, podIp: await this.podIpFor(vmi) });
      else if (p.binding === 'udn') out.push({ planned: p, udn: await this.ensureUdn(p.network.config, p.network.nad, { vmi, nic: p }) });
      else out.push({ planned: p });
    }
    return out;
  }

  /**
   * The IPAMClaim's address (`192.168.254.3/24` → the address), or a LaunchError while IPAM has not answered
   * (the launch is retried). `fresh`: read it from the API even when known (the VMI launching here).
   */
  private async claimedIp(namespace: string, claim: string, fresh: boolean): Promise<string> {
    const key = `${namespace}/${claim}`;
    const known = this.claimIps.get(key);
    if (known !== undefined && !fresh) return known;
    const c = await this.client.getIfExists(R.ipamClaim, namespace, claim);
    const ip = (c?.status as { ips?: string[] } | undefined)?.ips?.find((x) => !x.includes(':'))?.split('/')[0];
    if (!ip) {
      this.claimIps.delete(key);
      throw new LaunchError('IPAMPending', `waiting for IPAMClaim ${key} to get an address`);
    }
    this.claimIps.set(key, ip);
    return ip;
  }

  /** The DataVolumes the VMI's volumes name (`ns/name` → object), read when it launches. */
  private async dataVolumesOf(vmi: KubeObject): Promise<Map<string, KubeObject>> {
    const ns = vmi.metadata.namespace ?? '';
    const names = ((vmi.spec as { volumes?: { dataVolume?: { name?: string } }[] } | undefined)?.volumes ?? [])
      .flatMap((v) => (v.dataVolume?.name ? [v.dataVolume.name] : []));
    const out = new Map<string, KubeObject>();
    for (const name of names) {
      const dv = await this.client.getIfExists(R.dataVolume, ns, name);
      if (dv) out.set(`${ns}/${name}`, dv);
    }
    return out;
  }

  /**
   * Sets up (or updates) a Layer2 UDN on this node: its overlay to every other node, the gateway, and the
   * DHCP reservations of this node's VMs on it (`adding`: the VMI being launched, not yet Running).
   */
  private async ensureUdn(config: OvnNetConfig, nadKey: string, adding?: { vmi: KubeObject; nic: PlannedNic }): Promise<{ bridge: string; mtu: number }> {
    // The launching VMI's own address first (IPAMPending retries the launch), outside the network's lock.
    if (adding?.nic.binding === 'udn') await this.claimedIp(adding.vmi.metadata.namespace ?? '', adding.nic.network.claim, true);
    // Each call hands the DHCP daemon the network's whole reservation list: the list is made inside the
    // lock, so the last write of concurrent launches is the one that knows of all of them.
    return this.udnLocks.run(config.name, () => this.ensureUdnLocked(config, nadKey, adding));
  }

  private async ensureUdnLocked(config: OvnNetConfig, nadKey: string, adding?: { vmi: KubeObject; nic: PlannedNic }): Promise<{ bridge: string; mtu: number }> {
    const nad = this.nads.get(nadKey);
    const vni = Number(nad?.metadata.annotations?.['k8s.ovn.org/network-id']);
    if (!Number.isInteger(vni) || vni < 1) throw new LaunchError('IPAMPending', `network ${config.name} has no network id yet`);
    const subnet = config.subnets.find((x) => !x.includes(':'));
    if (!subnet) throw new LaunchError('Unsupported', `network ${config.name}: only IPv4 Layer2 subnets are implemented`);
    const nodes = this.nodes.list();
    const addr = (n: KubeObject | undefined): string | undefined => (n?.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const localIP = addr(nodes.find((n) => n.metadata.name === this.opts.node));
    if (!localIP) throw new LaunchError('PodNetworkNotReady', `node ${this.opts.node} has no InternalIP`);
    const peers = nodes.filter((n) => n.metadata.name !== this.opts.node).map(addr).filter((a): a is string => !!a).sort();
    const reservations: { mac: string; ip: string; hostname: string }[] = [];
    const nadsMap = new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n]));
    const udnIndex = indexUdnNads(this.nads.list());
    const vmis = this.vmis.list().filter((v) => !v.metadata.deletionTimestamp && (v.status as { nodeName?: string } | undefined)?.nodeName === this.opts.node);
    for (const v of adding && !vmis.some((x) => x.metadata.uid === adding.vmi.metadata.uid) ? [...vmis, adding.vmi] : vmis) {
      for (const n of vmiNics(v.spec as never, v.metadata.namespace ?? '')) {
        let p: PlannedNic;
        try {
          p = planNic(v, n, nadsMap, udnIndex);
        } catch {
          continue;
        }
        if (p.binding !== 'udn' || p.network.config.name !== config.name) continue;
        const own = adding !== undefined && v === adding.vmi;
        // A VMI not running yet whose address this agent has not read is not being launched either (a launch
        // reads its claim before it comes here): its own launch adds it, no need to ask the API now.
        const ns = v.metadata.namespace ?? '';
        if (!own && (v.status as VmiStatus | undefined)?.phase !== 'Running' && !this.claimIps.has(`${ns}/${p.network.claim}`)) continue;
        try {
          reservations.push({ mac: p.mac, ip: await this.claimedIp(ns, p.network.claim, false), hostname: v.metadata.name ?? '' });
        } catch (e) {
          if (own) throw e;
          this.opts.log(`network ${config.name}: no DHCP reservation for ${v.metadata.namespace ?? ''}/${v.metadata.name ?? ''} this time: ${(e as Error).message}`);
        }
      }
    }
    const block = parseCidr(subnet);
    if (!block) throw new LaunchError('Unsupported', `network ${config.name}: subnet ${subnet} is not an IPv4 CIDR`);
    // A Layer2 UDN's gateway: the subnet's first host address.
    const gateway = formatIpv4(nthAddress(block, 1));
    return this.opts.plumbing.ensureUdn({ key: config.name, vni, subnet, gateway, ...(config.mtu !== undefined ? { mtu: config.mtu } : {}), peers, localIP, reservations });
  }

  private async launch(vmi: KubeObject): Promise<{ requeueAfter?: number } | void> {
    // Read outside the try: an API error here is retried by the queue, it does not fail the VMI.
    const dataVolumes = await this.dataVolumesOf(vmi);
    let plan;
    try {
      plan = planVmiLaunch({
        vmi,
        nads: new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n])),
        dataVolumes,
        defaultRuntime: this.opts.defaultRuntime,
      });
    } catch (e) {
      if (e instanceof LaunchError && e.reason === 'DataVolumeNotReady') return { requeueAfter: 1000 };
      return this.fail(vmi, e);
    }
    const key = `${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}`;
    let runtime: VmRuntime | undefined;
    let plumbed = false;
    let started = false;
    try {
      runtime = this.runtimeFor(plan.runtime);
      const nics = await this.launcherNics(vmi, plan.nics);
      plumbed = true;
      const launcher = await this.opts.plumbing.setupLauncher(plan.id, nics, runtime.kind === 'qemu');
      await runtime.start({
        id: plan.id, hostNetns: launcher.netns, hostname: vmi.metadata.name ?? plan.id, nics: launcher.nics,
        memoryMiB: plan.memoryMiB, cpus: plan.cpus,
        disk: plan.disk.kind === 'qcow2' ? { kind: 'qcow2', path: await this.dataVolumeDisk(plan.disk) } : { kind: 'builtin' },
        ...(plan.userData !== undefined ? { cloudInit: { userData: plan.userData } } : {}),
      });
      started = true;
      const fresh = this.vmis.get(key) ?? vmi;
      const st = (fresh.status ?? {}) as VmiStatus;
      const report = {
        metadata: { annotations: { [RUNTIME_ANNOTATION]: runtime.kind, [STATE_ANNOTATION]: this.opts.stateRoots[runtime.kind] ?? '',
          [PREFIX_ANNOTATION]: this.opts.runtimePrefix, [CONSOLE_SOCKET_ANNOTATION]: runtime.consoleSocket(plan.id) } },
        status: {
          phase: 'Running',
          interfaces: this.domainInterfaces(fresh, launcher.nics, nics.map((n) => n.planned.binding === 'masquerade')),
          conditions: conds(st.conditions, [
            { type: 'Ready', status: 'True' },
            { type: 'Synchronized', status: 'True' },
          ], kubeTime()),
        },
      };
      try {
        await this.patchVmi(fresh, report);
      } catch (e) {
        // The VM runs; only its report is missing (a slow API may even have applied it): keep the VM and
        // report again, rather than tear a running VM down and launch it anew.
        this.unreported.set(key, { uid: vmi.metadata.uid ?? '', report });
        this.opts.log(`vmi ${key}: running, its Running status not written yet: ${(e as Error).message}`);
        return { requeueAfter: 1000 };
      }
      this.launched.set(key, vmi.metadata.uid ?? '');
      this.ipamWaits.delete(key);
      this.opts.log(`vmi ${key}: running (${runtime.kind}, launcher ${launcher.netns})`);
      return { requeueAfter: 500 };
    } catch (e) {
      // A VMI never reported Running keeps no VM: the launch is redone from scratch (e.g. once the API,
      // down when the Running status was written, is back).
      const rt = runtime as VmRuntime | undefined; // assigned in the try, whatever flow analysis says
      if (started) await rt?.stop(plan.id).catch(() => undefined);
      // Nothing to undo before the launcher's setup began (a launch waiting for IPAM retries cheaply).
      if (plumbed) await this.opts.plumbing.teardownLauncher(plan.id).catch(() => undefined);
      // IPAM answers through the IPAMClaim, read again after a backoff (0.25 s doubling to 4 s): this
      // agent does not watch every claim of the cluster.
      if (e instanceof LaunchError && e.reason === 'IPAMPending') {
        const n = (this.ipamWaits.get(key) ?? 0) + 1;
        this.ipamWaits.set(key, n);
        return { requeueAfter: 250 * 2 ** Math.min(n - 1, 4) };
      }
      // Left over from a launch an earlier agent process began and never finished (killed mid-way): the
      // launcher is gone now, the VM goes too; then try again rather than fail the VMI.
      const leftoverVm = !started && rt !== undefined && /already exists/.test((e as Error).message) &&
        (await rt.list().catch((): string[] => [])).includes(plan.id);
      if ((e instanceof VmNetworkError && e.code === 'launcher-exists') || leftoverVm) {
        if (!started) await rt?.stop(plan.id).catch(() => undefined);
        return { requeueAfter: 500 };
      }
      return this.fail(vmi, e);
    }
  }

  /**
   * A migration target's launcher: the VMI's NICs on this node under `launcherId`. A masquerade NIC gets a
   * new pod IP from this node's slice (reserved here, recorded on the VMI by the controller on success);
   * UDN NICs get this node's DHCP reservation (ensureUdn with the VMI) before the launcher exists.
   */
  private async prepareMigrationLauncher(vmi: KubeObject, launcherId: string, runtime: VmRuntime): Promise<{ netns: string; nics: NicLaunch[]; podIp?: string }> {
    const plan = planVmiLaunch({
      vmi, nads: new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n])),
      dataVolumes: await this.dataVolumesOf(vmi),
      defaultRuntime: this.opts.defaultRuntime,
    });
    let podIp: string | undefined;
    if (plan.nics.some((n) => n.binding === 'masquerade')) {
      const slice = (this.nodes.get(this.opts.node)?.spec as { podCIDR?: string } | undefined)?.podCIDR;
      if (!slice) throw new LaunchError('PodNetworkNotReady', `node ${this.opts.node} has no pod CIDR yet`);
      const used = new Set([...this.reservedPodIps, ...this.vmis.list().map((v) => v.metadata.annotations?.[POD_IP_ANNOTATION] ?? '')]);
      podIp = allocatePodIp(slice, used);
      if (!podIp) throw new LaunchError('PodNetworkExhausted', `node ${this.opts.node}: no free address in pod CIDR ${slice}`);
      this.reservedPodIps.add(podIp);
    }
    const here = { ...vmi, metadata: { ...vmi.metadata, annotations: { ...vmi.metadata.annotations, ...(podIp ? { [POD_IP_ANNOTATION]: podIp } : {}) } } };
    const nics = await this.launcherNics(here, plan.nics);
    const launcher = await this.opts.plumbing.setupLauncher(launcherId, nics, runtime.kind === 'qemu');
    return { netns: launcher.netns, nics: launcher.nics, ...(podIp ? { podIp } : {}) };
  }

  /**
   * The VM's own disk over a qcow2 image: a copy-on-write overlay per DataVolume, created on first start
   * and kept (the VM's data) until the DataVolume goes.
   */
  private async dataVolumeDisk(disk: { base: string; dataVolumeUid: string }): Promise<string> {
    if (!this.opts.diskRoot) throw new LaunchError('Unsupported', 'this agent has no disk directory for DataVolumes');
    const path = join(this.opts.diskRoot, `${disk.dataVolumeUid}.qcow2`);
    if (!existsSync(path)) {
      await mkdir(this.opts.diskRoot, { recursive: true });
      await run('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', disk.base, `${path}.tmp`], { timeoutMs: 60_000 });
      await rename(`${path}.tmp`, path);
    }
    return path;
  }

  /** The interfaces as the domain knows them, before the guest reports: name, MAC, pod IP for masquerade. */
  private domainInterfaces(vmi: KubeObject, nics: NicLaunch[], masquerade: boolean[]): VmiStatusIface[] {
    const podIp = vmi.metadata.annotations?.[POD_IP_ANNOTATION];
    return nics.map((n, i) => {
      const masq = masquerade[i] === true;
      return {
        name: n.name, mac: n.mac, infoSource: 'domain', queueCount: 1, linkState: 'up',
        ...(masq && podIp ? { ipAddress: podIp, ipAddresses: [podIp], podInterfaceName: 'eth0' } : {}),
      };
    });
  }

  private async watchRunning(vmi: KubeObject): Promise<{ requeueAfter?: number } | void> {
    const id = vmiRuntimeId(vmi);
    const runtime = this.runtimeFor(vmi.metadata.annotations?.[RUNTIME_ANNOTATION]);
    const state = await runtime.state(id);
    const st = (vmi.status ?? {}) as VmiStatus;
    if (!state.running) {
      await this.opts.plumbing.teardownLauncher(launcherIdOf(vmi)).catch(() => undefined);
      await runtime.stop(id).catch(() => undefined);
      const failed = state.exitReason !== undefined && !/poweroff|shutdown/i.test(state.exitReason);
      await this.patchVmi(vmi, { status: { phase: failed ? 'Failed' : 'Succeeded', ...(state.exitReason ? { reason: state.exitReason } : {}),
        conditions: conds(st.conditions, [{ type: 'Ready', status: 'False', reason: 'GuestNotRunning', message: state.exitReason ?? 'Guest VM is not running' }], kubeTime()) } });
      return;
    }
    try {
      await this.hotplug(vmi, runtime);
    } catch (e) {
      // The VM keeps running without the NIC; the VMI (and through it the VM's Failure condition) says why.
      const message = `hot plug: ${(e as Error).message}`;
      if (st.conditions?.find((c) => c.type === 'Synchronized')?.message !== message) {
        this.opts.log(`vmi ${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}: ${message}`);
        await this.patchVmi(vmi, { status: { conditions: conds(st.conditions, [{ type: 'Synchronized', status: 'False', reason: 'HotplugFailed', message }], kubeTime()) } });
      }
      return { requeueAfter: 5000 };
    }
    let guest: GuestInterface[] | undefined;
    try {
      guest = await runtime.guestInterfaces(id);
    } catch {
      guest = undefined;
    }
    const next = this.mergeGuest(vmi, guest);
    const agent = runtime.kind === 'qemu'
      ? [guest ? { type: 'AgentConnected', status: 'True' } : { type: 'AgentConnected', status: 'False', reason: 'GuestAgentNotConnected', message: 'the guest agent has not answered yet' }]
      : [];
    const nextConds = conds(st.conditions, agent, kubeTime());
    if (!deepEqual(next, st.interfaces) || !deepEqual(nextConds.map((c) => [c.type, c.status]), (st.conditions ?? []).map((c) => [c.type, c.status]))) {
      await this.patchVmi(vmi, { status: { interfaces: next, conditions: nextConds } });
    }
    // A guest waiting for its address is looked at again soon, then less often: every look is a netlink dump
    // under the host's one RTNL lock, which a hundred nodes' VMs share in the lab.
    const key = `${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}`;
    if (!next.some((i) => !i.ipAddress)) {
      this.ipWaits.delete(key);
      return { requeueAfter: this.opts.pollMs ?? 5000 };
    }
    const n = (this.ipWaits.get(key) ?? 0) + 1;
    this.ipWaits.set(key, n);
    return { requeueAfter: Math.min(this.opts.pollMs ?? 5000, 250 * 2 ** Math.min(n, 5)) };
  }

  /** Status interfaces: the domain's list, with the guest's names and addresses where the guest reports them. */
  private mergeGuest(vmi: KubeObject, guest: GuestInterface[] | undefined): VmiStatusIface[] {
    const cur = ((vmi.status ?? {}) as VmiStatus).interfaces ?? [];
    return cur.map((i) => {
      const g = guest?.find((x) => x.mac.toLowerCase() === (i.mac ?? '').toLowerCase());
      if (!g) return i;
      const masq = i.podInterfaceName === 'eth0';
      // Masquerade: the guest holds 10.0.2.2; the VMI reports the pod IP, as KubeVirt does.
      const ips = masq ? (i.ipAddresses ?? []) : g.ipAddresses;
      return {
        ...i, interfaceName: g.name, infoSource: 'domain, guest-agent',
        ...(ips.length ? { ipAddress: ips[0], ipAddresses: ips } : {}),
      };
    });
  }

  /** NICs in the VMI spec that the running VM lacks are plugged in. */
  private async hotplug(vmi: KubeObject, runtime: VmRuntime): Promise<void> {
    const st = (vmi.status ?? {}) as VmiStatus;
    // No interfaces reported means the launch's status write has not landed: nothing to compare against.
    if (!st.interfaces || st.interfaces.length === 0) return;
    const have = new Set(st.interfaces.map((i) => i.name));
    const missing = vmiNics(vmi.spec as never, vmi.metadata.namespace ?? '').filter((n) => n.state !== 'absent' && !have.has(n.name));
    if (missing.length === 0) return;
    const nads = new Map(this.nads.list().map((n) => [`${n.metadata.namespace ?? ''}/${n.metadata.name ?? ''}`, n]));
    const added: NicLaunch[] = [];
    const masq: boolean[] = [];
    let index = have.size;
    const udn = indexUdnNads(this.nads.list());
    for (const m of missing) {
      const planned = planNic(vmi, m, nads, udn);
      const [ln] = await this.launcherNics(vmi, [planned]);
      const nic = await this.opts.plumbing.addLauncherNic(launcherIdOf(vmi), ln!, index++, runtime.kind === 'qemu');
      await runtime.hotplugNic(vmiRuntimeId(vmi), nic);
      added.push(nic);
      masq.push(planned.binding === 'masquerade');
      this.opts.log(`vmi ${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}: hot-plugged ${m.name}`);
    }
    const ifaces = [...(st.interfaces ?? []), ...this.domainInterfaces(vmi, added, masq)];
    await this.patchVmi(vmi, { status: { interfaces: ifaces, conditions: conds(st.conditions, [{ type: 'Synchronized', status: 'True' }], kubeTime()) } });
    (vmi.status as VmiStatus).interfaces = ifaces;
  }

  private async shutdown(vmi: KubeObject): Promise<void> {
    const id = vmiRuntimeId(vmi);
    const kind = vmi.metadata.annotations?.[RUNTIME_ANNOTATION];
    for (const rt of Object.values(this.opts.runtimes)) {
      if (kind && rt.kind !== kind) continue;
      await rt.stop(id, { graceMs: 2000 });
    }
    await this.opts.plumbing.teardownLauncher(launcherIdOf(vmi));
    const ip = vmi.metadata.annotations?.[POD_IP_ANNOTATION];
    if (ip) this.reservedPodIps.delete(ip);
    this.unreported.delete(`${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}`);
    const claims = `${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}.`;
    for (const k of this.claimIps.keys()) if (k.startsWith(claims)) this.claimIps.delete(k);
    const fins = vmi.metadata.finalizers ?? [];
    if (fins.includes(VMI_FINALIZER)) {
      await this.client.patch(R.vmi, vmi.metadata.namespace, vmi.metadata.name ?? '', 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: vmi.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: fins.filter((f) => f !== VMI_FINALIZER) },
      ]).catch((e: unknown) => { if (!isNotFound(e)) throw e; });
    }
    this.opts.log(`vmi ${vmi.metadata.namespace ?? ''}/${vmi.metadata.name ?? ''}: stopped`);
  }

  /** VMs and launchers of this node whose VMI is gone (e.g. deleted while the agent was down). */
  private async collectGarbage(): Promise<void> {
    const live = new Set(this.vmis.list().flatMap((v) => [vmiRuntimeId(v), launcherIdOf(v)]));
    // Runtime state is this node's own (DATA/vms/<node>/…).
    for (const rt of Object.values(this.opts.runtimes)) {
      for (const id of await rt.list()) if (!live.has(id)) await rt.stop(id);
    }
    // Launcher namespaces of all the lab's nodes share one name space: remove only those of VMIs that exist on
    // no node any more.
    // A launcher id is the VMI uid, or the uid with a suffix (a migration's target): 36 characters of uid first.
    const everywhere = new Set((await this.client.list(R.vmi)).items.map((v) => vmiRuntimeId(v)));
    for (const id of await this.opts.plumbing.listLaunchers()) if (!everywhere.has(id.slice(0, 36))) await this.opts.plumbing.teardownLauncher(id);
  }

  private async syncPodNetwork(): Promise<void> {
    const nodes = this.nodes.list();
    const me = nodes.find((n) => n.metadata.name === this.opts.node);
    const slice = (me?.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (!slice) return;
    const peers = nodes.filter((n) => n !== me).flatMap((n) => {
      const s = (n.spec as { podCIDR?: string } | undefined)?.podCIDR;
      const a = (n.status as { addresses?: { type: string; address: string }[] } | undefined)?.addresses?.find((x) => x.type === 'InternalIP')?.address;
      return s && a ? [{ slice: s, address: a }] : [];
    }).sort((a, b) => a.slice.localeCompare(b.slice));
    const want = JSON.stringify({ slice, peers });
    if (want === this.podNetwork) return;
    await this.opts.plumbing.ensurePodNetwork({ slice, peers });
    this.podNetwork = want;
    for (const v of this.vmis.list()) this.queue.add(`${v.metadata.namespace ?? ''}/${v.metadata.name ?? ''}`);
  }

  /**
   * A Node changed: the pod network's peers may have. Looked at once a second at most: while a hundred
   * nodes join, every one of them would otherwise rewrite its routes, nft table and sysctls per join.
   */
  private podNetworkChanged(): void {
    if (this.podSyncPending) return;
    this.podSyncPending = true;
    const t = setTimeout(() => {
      this.podSyncPending = false;
      this.queue.add('@pod-network');
    }, POD_SYNC_COALESCE_MS);
    t.unref();
  }

  /** bridge-marker: the node's bridges as `bridge.network.kubevirt.io/<bridge>` capacity and allocatable. */
  private async markBridges(): Promise<void> {
    const cap = await this.opts.plumbing.bridgeCapacity();
    const node = this.nodes.get(this.opts.node);
    if (!node) return;
    const st = (node.status ?? {}) as { capacity?: Record<string, string>; allocatable?: Record<string, string> };
    const key = JSON.stringify(cap);
    const stale = Object.keys(st.capacity ?? {}).filter((k) => k.startsWith(BRIDGE_RESOURCE_PREFIX) && !(k in cap));
    const current = Object.fromEntries(Object.entries(st.allocatable ?? {}).filter(([k]) => k.startsWith(BRIDGE_RESOURCE_PREFIX)));
    if (key === this.lastCapacity && stale.length === 0 && deepEqual(current, cap)) return;
    const delta: Record<string, string | null> = { ...cap };
    for (const k of stale) delta[k] = null;
    await this.client.patch(R.node, undefined, this.opts.node, 'merge', { status: { capacity: delta, allocatable: delta } }, { subresource: 'status', fieldManager: 'bridge-marker' });
    this.lastCapacity = key;
  }
}

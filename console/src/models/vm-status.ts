// Pure: what the VM pages show from a VM, its VMI, its IPAMClaims and migrations: which actions apply,
// the Network tile's rows, and why a running interface has no address yet (upstream shows nothing then).

interface Cond { type: string; status: string; reason?: string; message?: string }
interface VmiIface { name?: string; ipAddress?: string; ipAddresses?: string[]; mac?: string; interfaceName?: string; infoSource?: string }
interface Meta { name: string; namespace?: string; creationTimestamp?: string; deletionTimestamp?: string; annotations?: Record<string, string>; labels?: Record<string, string>; uid?: string }

export interface VmObj {
  metadata: Meta;
  spec?: { running?: boolean; runStrategy?: string; template?: { spec?: { domain?: { devices?: { interfaces?: { name: string; model?: string; macAddress?: string; state?: string; bridge?: unknown; masquerade?: unknown; sriov?: unknown; binding?: { name?: string } }[] } }; networks?: { name: string; pod?: unknown; multus?: { networkName?: string } }[] } } };
  status?: { printableStatus?: string; conditions?: Cond[] };
}

export interface VmiObj {
  metadata: Meta;
  status?: { phase?: string; nodeName?: string; interfaces?: VmiIface[]; conditions?: Cond[]; guestOSInfo?: { prettyName?: string; name?: string }; migrationState?: { sourceNode?: string; targetNode?: string; completed?: boolean; failed?: boolean } };
}

export interface ClaimObj {
  metadata: Meta;
  status?: { ips?: string[]; conditions?: Cond[] };
}

export interface MigrationObj {
  metadata: Meta;
  spec?: { vmiName?: string };
  status?: { phase?: string; migrationState?: { sourceNode?: string; targetNode?: string; failureReason?: string } };
}

export function runStrategy(vm: VmObj): string {
  return vm.spec?.runStrategy ?? (vm.spec?.running === true ? 'Always' : 'Halted');
}

/** A VMI that exists, is not finished and is not being deleted. */
export function vmiLive(vmi: VmiObj | undefined): boolean {
  const p = vmi?.status?.phase;
  return vmi !== undefined && !vmi.metadata.deletionTimestamp && p !== 'Succeeded' && p !== 'Failed';
}

export function vmiRunning(vmi: VmiObj | undefined): boolean {
  return vmiLive(vmi) && vmi?.status?.phase === 'Running';
}

export const MIGRATION_DONE = ['Succeeded', 'Failed'];

export function latestMigration(migrations: readonly MigrationObj[], vmName: string): MigrationObj | undefined {
  return migrations
    .filter((m) => m.spec?.vmiName === vmName)
    .sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name))
    .at(-1);
}

export interface ActionStates { start: boolean; stop: boolean; restart: boolean; migrate: boolean }

/** Which actions the menu enables, as virt-api would accept them (run-strategy rules of the subresources). */
export function actionStates(vm: VmObj, vmi: VmiObj | undefined, migration?: MigrationObj): ActionStates {
  const deleting = vm.metadata.deletionTimestamp !== undefined;
  const live = vmiLive(vmi);
  const rs = runStrategy(vm);
  const migrating = migration !== undefined && !MIGRATION_DONE.includes(migration.status?.phase ?? '');
  return {
    start: !deleting && !live,
    stop: !deleting && (live || (rs !== 'Halted' && rs !== 'Manual')),
    restart: !deleting && rs !== 'Halted' && live,
    migrate: !deleting && vmiRunning(vmi) && !migrating,
  };
}

/** The VMI's addresses, every interface's, in order, without duplicates. */
export function vmiIps(vmi: VmiObj | undefined): string[] {
  const out: string[] = [];
  for (const i of vmi?.status?.interfaces ?? []) {
    for (const ip of i.ipAddresses ?? (i.ipAddress ? [i.ipAddress] : [])) if (ip && !out.includes(ip)) out.push(ip);
  }
  return out;
}

/** The guest OS: what the guest agent reports, else the template annotations OpenShift writes. */
export function operatingSystem(vm: VmObj, vmi: VmiObj | undefined): string | undefined {
  const guest = vmi?.status?.guestOSInfo?.prettyName ?? vmi?.status?.guestOSInfo?.name;
  if (guest) return guest;
  const ann = vm.metadata.annotations ?? {};
  const named = Object.entries(ann).find(([k]) => k.startsWith('name.os.template.kubevirt.io/'));
  return named?.[1] ?? ann['vm.kubevirt.io/os'] ?? vm.metadata.labels?.['vm.kubevirt.io/os'] ?? undefined;
}

/** Why an interface of a running VM has no address (rendered by the view in the user's language). */
export type NoIpReason =
  | { kind: 'ipam-allocated'; claim: string; ips: string[] }
  | { kind: 'ipam-failed'; claim: string; reason: string; message: string }
  | { kind: 'ipam-pending'; claim: string }
  | { kind: 'ipam-missing'; claim: string }
  | { kind: 'dhcp-bridge' }
  | { kind: 'dhcp-masquerade' }
  | { kind: 'unplugged' }
  | { kind: 'not-reported' };

export interface NicRow {
  name: string;
  /** "Pod networking", or the Multus network name. */
  network: string;
  binding: string;
  ips: string[];
  mac?: string;
  guestInterface?: string;
  /** Set when the VM runs and the interface has no address. */
  noIp?: NoIpReason;
}

function bindingOf(i: { bridge?: unknown; masquerade?: unknown; sriov?: unknown; binding?: { name?: string } }): string {
  if (i.binding?.name) return i.binding.name;
  if (i.bridge !== undefined) return 'bridge';
  if (i.masquerade !== undefined) return 'masquerade';
  if (i.sriov !== undefined) return 'sriov';
  return '';
}

/**
 * The Network tile: one row per interface of the running VMI (else of the VM template). A UDN NIC
 * (`l2bridge` on the pod network) gets its address from the IPAMClaim `<vm>.<network>`; a bridge or
 * masquerade NIC from DHCP in the guest.
 */
export function networkRows(vm: VmObj, vmi: VmiObj | undefined, claims: readonly ClaimObj[]): NicRow[] {
  const tmpl = vm.spec?.template?.spec;
  const ifaces = tmpl?.domain?.devices?.interfaces ?? [];
  const nets = tmpl?.networks ?? [];
  const running = vmiRunning(vmi);
  const status = vmi?.status?.interfaces ?? [];
  const rows: NicRow[] = ifaces.map((i) => {
    const net = nets.find((n) => n.name === i.name);
    const st = status.find((s) => s.name === i.name);
    const ips = st?.ipAddresses?.length ? [...st.ipAddresses] : st?.ipAddress ? [st.ipAddress] : [];
    const binding = bindingOf(i);
    const row: NicRow = {
      name: i.name,
      network: net?.pod !== undefined ? 'Pod networking' : net?.multus?.networkName ?? '-',
      binding,
      ips,
      ...(st?.mac ?? i.macAddress ? { mac: st?.mac ?? i.macAddress } : {}),
      ...(st?.interfaceName ? { guestInterface: st.interfaceName } : {}),
    };
    if (running && ips.length === 0) row.noIp = noIpReason(vm, i, binding, claims);
    return row;
  });
  // Interfaces the guest reports that the template does not name (e.g. the agent's view of extra links).
  for (const s of status) {
    if (!s.name || rows.some((r) => r.name === s.name)) continue;
    rows.push({ name: s.name, network: '-', binding: '', ips: s.ipAddresses ?? (s.ipAddress ? [s.ipAddress] : []), ...(s.mac ? { mac: s.mac } : {}), ...(s.interfaceName ? { guestInterface: s.interfaceName } : {}) });
  }
  return rows;
}

function noIpReason(vm: VmObj, i: { name: string; state?: string }, binding: string, claims: readonly ClaimObj[]): NoIpReason {
  if (i.state === 'absent' || i.state === 'down') return { kind: 'unplugged' };
  if (binding === 'l2bridge' || binding === 'passt') {
    const claim = `${vm.metadata.name}.${i.name}`;
    const c = claims.find((x) => x.metadata.name === claim && (x.metadata.namespace ?? '') === (vm.metadata.namespace ?? ''));
    if (!c) return { kind: 'ipam-missing', claim };
    const cond = c.status?.conditions?.find((x) => x.type === 'IPsAllocated');
    if (cond?.status === 'False') return { kind: 'ipam-failed', claim, reason: cond.reason ?? '', message: cond.message ?? '' };
    if (c.status?.ips?.length) return { kind: 'ipam-allocated', claim, ips: [...c.status.ips] };
    return { kind: 'ipam-pending', claim };
  }
  if (binding === 'bridge') return { kind: 'dhcp-bridge' };
  if (binding === 'masquerade') return { kind: 'dhcp-masquerade' };
  return { kind: 'not-reported' };
}

/** VMI conditions worth showing beside the interfaces: failures, and whether the guest agent reports. */
export function relevantConditions(vmi: VmiObj | undefined): Cond[] {
  const out: Cond[] = [];
  for (const c of vmi?.status?.conditions ?? []) {
    if (c.type === 'AgentConnected' || c.type === 'IPsAllocated' || c.type === 'Ready') out.push(c);
    else if (c.status === 'False' && (c.type === 'PodScheduled' || c.type === 'Synchronized')) out.push(c);
    else if (c.type === 'RestartRequired' || c.type === 'Failure') out.push(c);
  }
  if (vmiRunning(vmi) && !out.some((c) => c.type === 'AgentConnected')) {
    out.push({ type: 'AgentConnected', status: 'False', reason: 'NotReported', message: '' });
  }
  return out;
}

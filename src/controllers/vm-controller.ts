// VirtualMachine controller (KubeVirt virt-controller's VM watch): creates the DataVolumes of
// `dataVolumeTemplates`, starts and stops the VMI per run strategy and state change requests, carries
// live interface updates (hot plug) to a running VMI, and mirrors the VMI into the VM's status.
import { R, Informer, WorkQueue, isNotFound, isConflict, type ApiClient } from '../client/index.js';
import { deepEqual, kubeTime, type KubeObject } from '../common/object.js';
import { liveInterfaceUpdate, nextAction, runStrategyOf, vmStatus, vmiFromVm, type StateChangeRequest } from './vm/vm-plan.js';

interface StartFailure { consecutiveFailCount?: number; lastFailedVMIUID?: string; retryAfterTimestamp?: string }

/** Seconds between restarts of a crash-looping VM: 5, 10, 20 … capped at 5 minutes. */
export function startBackoffMs(failures: number): number {
  return Math.min(300_000, 5000 * 2 ** Math.max(0, failures - 1));
}

interface DvTemplate { metadata?: { name?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown }

export class VmController {
  private readonly vms: Informer;
  private readonly vmis: Informer;
  private readonly dvs: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient, private readonly log: (m: string) => void = () => undefined) {
    this.vms = new Informer(client, R.vm);
    this.vmis = new Informer(client, R.vmi);
    this.dvs = new Informer(client, R.dataVolume);
    this.queue = new WorkQueue((k) => this.reconcile(k), 16, (k, e) => this.log(`vm ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    const owner = (o: KubeObject): void => {
      const ref = o.metadata.ownerReferences?.find((r) => r.kind === 'VirtualMachine' && r.controller);
      if (ref) this.queue.add(`${o.metadata.namespace ?? ''}/${ref.name}`);
    };
    this.vms.addHandlers({ onAdd: self, onUpdate: self, onDelete: self });
    this.vmis.addHandlers({ onAdd: owner, onUpdate: owner, onDelete: owner });
    this.dvs.addHandlers({ onAdd: owner, onUpdate: owner, onDelete: owner });
  }

  async start(): Promise<void> {
    for (const i of [this.vms, this.vmis, this.dvs]) i.start();
    await Promise.all([this.vms.synced, this.vmis.synced, this.dvs.synced]);
  }

  stop(): void {
    for (const i of [this.vms, this.vmis, this.dvs]) i.stop();
    this.queue.stop();
  }

  private async reconcile(key: string): Promise<{ requeueAfter?: number } | void> {
    const vm = this.vms.get(key);
    if (!vm) return;
    const [ns, name] = key.split('/') as [string, string];
    const volumesReady = await this.ensureDataVolumes(vm);
    let vmi = this.vmis.get(key);
    if (vmi && !vmi.metadata.ownerReferences?.some((r) => r.uid === vm.metadata.uid)) vmi = undefined;
    const action = nextAction(vm, vmi, volumesReady);
    const failure = (vm.status as { startFailure?: StartFailure } | undefined)?.startFailure;
    switch (action.type) {
      case 'create': {
        // Crash-loop backoff (KubeVirt's startFailure): a VM whose VMIs keep failing is restarted later and later.
        const wait = failure?.retryAfterTimestamp ? Date.parse(failure.retryAfterTimestamp) - Date.now() : 0;
        if (wait > 0) {
          await this.writeStatus(vm, vmi, volumesReady);
          return { requeueAfter: wait };
        }
        try {
          const created = await this.client.create(R.vmi, ns, vmiFromVm(vm), 'virt-controller');
          this.log(`vm ${key}: started VMI ${created.metadata.uid ?? ''}`);
          vmi = created;
          if (runStrategyOf(vm) === 'Once') {
            await this.client.patch(R.vm, ns, name, 'merge', { metadata: { annotations: { 'virtnet.io/once-started': 'true' } } });
          }
        } catch (e) {
          if (!isConflict(e) && (e as { code?: number }).code !== 409) throw e;
        }
        await this.popStartRequest(vm);
        break;
      }
      case 'delete':
        if (vmi && (vmi.status as { phase?: string } | undefined)?.phase === 'Failed' && failure?.lastFailedVMIUID !== vmi.metadata.uid) {
          const count = (failure?.consecutiveFailCount ?? 0) + 1;
          await this.client.patch(R.vm, ns, name, 'merge', { status: { startFailure: {
            consecutiveFailCount: count, lastFailedVMIUID: vmi.metadata.uid ?? '', retryAfterTimestamp: kubeTime(new Date(Date.now() + startBackoffMs(count))),
          } } }, { subresource: 'status', fieldManager: 'virt-controller' });
        }
        if (vmi) {
          try {
            await this.client.delete(R.vmi, ns, name);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
          vmi = { ...vmi, metadata: { ...vmi.metadata, deletionTimestamp: kubeTime() } };
        }
        break;
      case 'popRequest':
        await this.popRequest(vm);
        break;
      case 'none':
        break;
    }
    if (vmi && !vmi.metadata.deletionTimestamp && (vmi.status as { phase?: string } | undefined)?.phase !== undefined) {
      const live = liveInterfaceUpdate((vm.spec as { template?: { spec?: unknown } } | undefined)?.template?.spec, vmi.spec);
      if (live) {
        await this.client.patch(R.vmi, ns, name, 'merge', { spec: { domain: live['domain'], networks: live['networks'] } });
        this.log(`vm ${key}: carried interface changes to the running VMI`);
      }
    }
    if (failure && (vmi?.status as { phase?: string } | undefined)?.phase === 'Running' && vmi?.metadata.uid !== failure.lastFailedVMIUID) {
      await this.client.patch(R.vm, ns, name, 'merge', { status: { startFailure: null } }, { subresource: 'status', fieldManager: 'virt-controller' });
    }
    await this.writeStatus(vm, vmi, volumesReady);
  }

  private async popStartRequest(vm: KubeObject): Promise<void> {
    const reqs = (vm.status as { stateChangeRequests?: StateChangeRequest[] } | undefined)?.stateChangeRequests;
    if (reqs?.[0]?.action === 'Start') await this.popRequest(vm);
  }

  private async popRequest(vm: KubeObject): Promise<void> {
    const reqs = (vm.status as { stateChangeRequests?: StateChangeRequest[] } | undefined)?.stateChangeRequests ?? [];
    const rest = reqs.slice(1);
    // A JSON patch with a test keeps a concurrent new request from being lost.
    await this.client.patch(R.vm, vm.metadata.namespace, vm.metadata.name ?? '', 'json', [
      { op: 'test', path: '/status/stateChangeRequests', value: reqs },
      rest.length ? { op: 'replace', path: '/status/stateChangeRequests', value: rest } : { op: 'remove', path: '/status/stateChangeRequests' },
    ], { subresource: 'status' });
  }

  /** Creates missing DataVolumes; true when every one has `phase: Succeeded`. */
  private async ensureDataVolumes(vm: KubeObject): Promise<boolean> {
    const templates = ((vm.spec as { dataVolumeTemplates?: DvTemplate[] } | undefined)?.dataVolumeTemplates ?? []);
    let ready = true;
    for (const t of templates) {
      const name = t.metadata?.name;
      if (!name) continue;
      const dv = this.dvs.get(`${vm.metadata.namespace ?? ''}/${name}`);
      if (!dv) {
        ready = false;
        if (vm.metadata.deletionTimestamp) continue;
        try {
          await this.client.create(R.dataVolume, vm.metadata.namespace, {
            apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume',
            metadata: {
              name, namespace: vm.metadata.namespace,
              ...(t.metadata?.labels ? { labels: t.metadata.labels } : {}),
              ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
              ownerReferences: [{ apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.metadata.name ?? '', uid: vm.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
            },
            spec: t.spec ?? {},
          }, 'virt-controller');
        } catch (e) {
          if ((e as { code?: number }).code !== 409) throw e;
        }
        continue;
      }
      if ((dv.status as { phase?: string } | undefined)?.phase !== 'Succeeded') ready = false;
    }
    return ready;
  }

  private async writeStatus(vm: KubeObject, vmi: KubeObject | undefined, volumesReady: boolean): Promise<void> {
    if (vm.metadata.deletionTimestamp && !vmi) return;
    const next = vmStatus({ vm, vmi, volumesReady, now: kubeTime() });
    const cur = (vm.status ?? {}) as Record<string, unknown>;
    const changed = Object.entries(next).some(([k, v]) => !deepEqual(cur[k], v));
    if (!changed) return;
    try {
      await this.client.patch(R.vm, vm.metadata.namespace, vm.metadata.name ?? '', 'merge', { status: next }, { subresource: 'status', fieldManager: 'virt-controller' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

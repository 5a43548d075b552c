// DataVolume controller (CDI, reduced to what a VM's disk needs here): a DataVolume whose `sourceRef`
// names an existing DataSource succeeds at once, its disk being a copy-on-write overlay that the node agent
// creates when the VM starts. The image a DataSource stands for is in its `virtnet.io/image` annotation
// (`builtin`: the guest image `make build` builds; or an absolute path of a qcow2 file), copied onto the
// DataVolume so the agent reads one object. Also publishes the built-in DataSources the guide uses.
import { R, Informer, WorkQueue, isNotFound, type ApiClient } from '../client/index.js';
import { deepEqual, kubeTime, type KubeObject } from '../common/object.js';
import { kubevirtConditions } from './vm/vm-plan.js';

export const IMAGE_ANNOTATION = 'virtnet.io/image';
export const OS_IMAGES_NAMESPACE = 'openshift-virtualization-os-images';
/** DataSources of the built-in guest: the names the guide and the console's templates use. */
export const BUILTIN_DATASOURCES = ['fedora', 'centos-stream9', 'rhel9'];

interface DvSpec { sourceRef?: { kind?: string; name?: string; namespace?: string }; source?: Record<string, unknown> }

/** Pure: the DataVolume's status and image, given its DataSource (undefined: missing). */
export function dataVolumeOutcome(dv: KubeObject, source: KubeObject | undefined): { phase: string; image?: string; reason: string; message: string } {
  const spec = (dv.spec ?? {}) as DvSpec;
  if (!spec.sourceRef) {
    if (spec.source && Object.keys(spec.source).includes('blank')) return { phase: 'Succeeded', image: 'blank', reason: 'Completed', message: '' };
    return { phase: 'Failed', reason: 'Unsupported', message: 'only sourceRef (a DataSource) and blank sources are supported by virtnet' };
  }
  const ns = spec.sourceRef.namespace ?? dv.metadata.namespace ?? '';
  if (spec.sourceRef.kind !== undefined && spec.sourceRef.kind !== 'DataSource') {
    return { phase: 'Failed', reason: 'Unsupported', message: `sourceRef kind ${spec.sourceRef.kind} is not supported` };
  }
  if (!source) return { phase: 'Pending', reason: 'NotFound', message: `DataSource ${ns}/${spec.sourceRef.name ?? ''} not found` };
  const image = source.metadata.annotations?.[IMAGE_ANNOTATION];
  if (!image) return { phase: 'Pending', reason: 'NoImage', message: `DataSource ${ns}/${source.metadata.name ?? ''} has no ${IMAGE_ANNOTATION} annotation` };
  return { phase: 'Succeeded', image, reason: 'Completed', message: '' };
}

export class DataVolumeController {
  private readonly dvs: Informer;
  private readonly sources: Informer;
  private readonly queue: WorkQueue;

  constructor(private readonly client: ApiClient, private readonly log: (m: string) => void = () => undefined) {
    this.dvs = new Informer(client, R.dataVolume);
    this.sources = new Informer(client, R.dataSource);
    this.queue = new WorkQueue((k) => this.reconcile(k), 2, (k, e) => this.log(`datavolume ${k}: ${(e as Error).message}`));
    const self = (o: KubeObject): void => this.queue.add(`${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`);
    this.dvs.addHandlers({ onAdd: self, onUpdate: self });
    const all = (): void => { for (const d of this.dvs.list()) self(d); };
    this.sources.addHandlers({ onAdd: all, onUpdate: all, onDelete: all });
  }

  async start(): Promise<void> {
    for (const i of [this.dvs, this.sources]) i.start();
    await Promise.all([this.dvs.synced, this.sources.synced]);
    await this.publishBuiltins();
  }

  stop(): void {
    for (const i of [this.dvs, this.sources]) i.stop();
    this.queue.stop();
  }

  private async publishBuiltins(): Promise<void> {
    try {
      await this.client.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: OS_IMAGES_NAMESPACE } });
    } catch (e) {
      if ((e as { code?: number }).code !== 409) throw e;
    }
    for (const name of BUILTIN_DATASOURCES) {
      if (this.sources.get(`${OS_IMAGES_NAMESPACE}/${name}`)) continue;
      try {
        await this.client.create(R.dataSource, OS_IMAGES_NAMESPACE, {
          apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataSource',
          metadata: { name, namespace: OS_IMAGES_NAMESPACE, annotations: { [IMAGE_ANNOTATION]: 'builtin' }, labels: { 'instancetype.kubevirt.io/default-preference': name } },
          spec: { source: { pvc: { name, namespace: OS_IMAGES_NAMESPACE } } },
        });
      } catch (e) {
        if ((e as { code?: number }).code !== 409) throw e;
      }
    }
  }

  private async reconcile(key: string): Promise<void> {
    const dv = this.dvs.get(key);
    if (!dv || dv.metadata.deletionTimestamp) return;
    const spec = (dv.spec ?? {}) as DvSpec;
    const srcNs = spec.sourceRef?.namespace ?? dv.metadata.namespace ?? '';
    const source = spec.sourceRef ? this.sources.get(`${srcNs}/${spec.sourceRef.name ?? ''}`) : undefined;
    const out = dataVolumeOutcome(dv, source);
    const ns = dv.metadata.namespace;
    const name = dv.metadata.name ?? '';
    if (out.image && dv.metadata.annotations?.[IMAGE_ANNOTATION] !== out.image) {
      await this.client.patch(R.dataVolume, ns, name, 'merge', { metadata: { annotations: { [IMAGE_ANNOTATION]: out.image } } });
    }
    const old = (dv.status ?? {}) as { conditions?: never[] };
    const ok = out.phase === 'Succeeded';
    const conditions = kubevirtConditions(old.conditions ?? [], [
      { type: 'Bound', status: ok ? 'True' : 'False', reason: ok ? 'Bound' : out.reason, message: out.message },
      { type: 'Ready', status: ok ? 'True' : 'False', reason: out.reason, message: out.message },
      { type: 'Running', status: 'False', reason: out.reason, message: out.message },
    ], kubeTime());
    const next = { phase: out.phase, progress: ok ? '100.0%' : 'N/A', conditions };
    if (Object.entries(next).every(([k, v]) => deepEqual((dv.status as Record<string, unknown> | undefined)?.[k], v))) return;
    try {
      await this.client.patch(R.dataVolume, ns, name, 'merge', { status: next }, { subresource: 'status', fieldManager: 'cdi-controller' });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}

// Where the pool's range lives: the ConfigMap kubemacpool reads on OpenShift
// (`openshift-cnv/kubemacpool-mac-range-config`, keys RANGE_START and RANGE_END). Chosen once per data
// directory, as CNAO does: `--mac-range` when given (and written there), else what the ConfigMap already
// says, else a random 02:XX:XX:00:00:00–02:XX:XX:FF:FF:FF written there for every later start.
import { randomBytes } from 'node:crypto';
import type { KindIndex } from '../kind-index.js';
import type { ResourceService, WriteOptions } from '../resource-service.js';
import { StatusError } from '../../common/status-error.js';
import { isPlainObject } from '../../common/object.js';
import { parseMacRange, randomMacRange, type MacRange, type MacRangeConfig } from './mac-range.js';

export const RANGE_NAMESPACE = 'openshift-cnv';
export const RANGE_CONFIGMAP = 'kubemacpool-mac-range-config';

const WRITE: WriteOptions = { dryRun: false, fieldManager: 'virtnet-bootstrap', fieldValidation: 'Strict', version: 'v1' };

export async function ensureMacRange(index: KindIndex, service: ResourceService, requested: MacRangeConfig | undefined): Promise<MacRange> {
  const nsDef = index.byKind('', 'Namespace');
  const cmDef = index.byKind('', 'ConfigMap');
  if (!nsDef || !cmDef) throw new Error('the MAC pool needs the Namespace and ConfigMap kinds');
  // A bad flag fails before anything is written, in CNAO's words.
  if (requested) parseMacRange(requested);
  await ignoreExists(service.create(nsDef, undefined, { metadata: { name: RANGE_NAMESPACE } }, WRITE));
  let current: MacRangeConfig | undefined;
  try {
    const data = (await service.get(cmDef, RANGE_NAMESPACE, RANGE_CONFIGMAP)).object['data'];
    const d = isPlainObject(data) ? data : {};
    current = { start: typeof d['RANGE_START'] === 'string' ? d['RANGE_START'] : '', end: typeof d['RANGE_END'] === 'string' ? d['RANGE_END'] : '' };
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  const cfg = requested ?? current ?? randomMacRange(randomBytes(2));
  let range: MacRange;
  try {
    range = parseMacRange(cfg);
  } catch (e) {
    throw new Error(`ConfigMap ${RANGE_NAMESPACE}/${RANGE_CONFIGMAP}: ${(e as Error).message} (correct it, or start with --mac-range START-END)`);
  }
  const data = { RANGE_START: cfg.start, RANGE_END: cfg.end };
  if (current === undefined) {
    await service.create(cmDef, RANGE_NAMESPACE, { metadata: { name: RANGE_CONFIGMAP, namespace: RANGE_NAMESPACE }, data }, WRITE);
  } else if (current.start !== cfg.start || current.end !== cfg.end) {
    await service.update(cmDef, RANGE_NAMESPACE, RANGE_CONFIGMAP, (cm) => ({ ...cm, data: { ...(isPlainObject(cm['data']) ? cm['data'] : {}), ...data } }), WRITE);
  }
  return range;
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}

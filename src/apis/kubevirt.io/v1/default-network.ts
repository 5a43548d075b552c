// KubeVirt's default network (pkg/network/vmispec/defaults.go): a spec with no interfaces and no networks,
// whose autoattachPodInterface is not false, gets network `default` on the pod network and an interface of
// the cluster's default binding. Shared by VMIs and a VM's template.
import { isPlainObject } from '../../../common/object.js';

/** HCO registers masquerade as the default binding of the pod network (upstream KubeVirt: bridge). */
export const DEFAULT_POD_INTERFACE_BINDING = 'masquerade';

/** Mutates a VirtualMachineInstanceSpec (a VMI's `spec`, a VM's `spec.template.spec`). */
export function addDefaultPodNetwork(spec: unknown): void {
  if (!isPlainObject(spec) || !isPlainObject(spec['domain'])) return;
  const devices = spec['domain']['devices'];
  if (!isPlainObject(devices) || devices['autoattachPodInterface'] === false) return;
  const ifaces = devices['interfaces'];
  const nets = spec['networks'];
  if ((Array.isArray(ifaces) && ifaces.length > 0) || (Array.isArray(nets) && nets.length > 0)) return;
  devices['interfaces'] = [{ name: 'default', [DEFAULT_POD_INTERFACE_BINDING]: {} }];
  spec['networks'] = [{ name: 'default', pod: {} }];
}

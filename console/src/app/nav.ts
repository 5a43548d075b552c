// The Administrator perspective's navigation. `{ns}` is replaced with the active project.
export interface NavEntry {
  /** English label; translated at render. */
  label: string;
  href: string;
  /** Other path prefixes that light this entry up. */
  also?: string[];
}

export interface NavGroup {
  label: string;
  items: NavEntry[];
}

export const navGroups: NavGroup[] = [
  { label: 'Home', items: [{ label: 'Overview', href: '/dashboards' }] },
  {
    label: 'Operators',
    items: [
      { label: 'OperatorHub', href: '/operatorhub' },
      { label: 'Installed Operators', href: '/operators/installed' },
    ],
  },
  { label: 'Virtualization', items: [{ label: 'VirtualMachines', href: '/k8s/ns/{ns}/virtualmachines', also: ['/k8s/all-namespaces/virtualmachines'] }] },
  {
    label: 'Networking',
    items: [
      { label: 'NodeNetworkState', href: '/nmstate/nodenetworkstates' },
      { label: 'NodeNetworkConfigurationPolicy', href: '/nmstate/policies' },
      { label: 'NetworkAttachmentDefinitions', href: '/k8s/ns/{ns}/network-attachment-definitions', also: ['/k8s/all-namespaces/network-attachment-definitions'] },
      { label: 'UserDefinedNetworks', href: '/k8s/ns/{ns}/userdefinednetworks', also: ['/k8s/all-namespaces/userdefinednetworks', '/k8s/cluster/clusteruserdefinednetworks'] },
    ],
  },
  { label: 'Compute', items: [{ label: 'Nodes', href: '/k8s/cluster/nodes' }] },
];

/** Whether a nav entry is the current page (its list, details or form). */
export function isActive(entry: NavEntry, path: string, ns: string): boolean {
  const prefixes = [entry.href.replace('{ns}', ns), ...(entry.also ?? [])];
  const generic = entry.href.replace('/k8s/ns/{ns}/', '/k8s/ns/');
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`))
    || (entry.href.includes('{ns}') && new RegExp(`^${generic.replace('/k8s/ns/', '/k8s/ns/[^/]+/')}(/|$|\\?)`).test(path));
}

// Pure: the ClusterRoles and ClusterRoleBindings every cluster starts with. Kubernetes' own come from
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (1.32); the aggregated roles of virtnet's kinds
// follow what their upstream operators ship (KubeVirt's and CDI's `<group>:admin|edit|view`); where no upstream
// role exists (NADs, IPAMClaims, UDNs) the choice is ours and says so.
import type { KubeObject } from '../../common/object.js';
import type { PolicyRule } from './rbac-rules.js';

export const BOOTSTRAP_LABEL = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
export const AGGREGATE_TO = (role: 'admin' | 'edit' | 'view'): string => `rbac.authorization.k8s.io/aggregate-to-${role}`;

const Read = ['get', 'list', 'watch'];
const Write = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ReadWrite = [...Read, ...Write];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ apiGroups, resources, verbs });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ nonResourceURLs, verbs });

interface RoleSpec {
  name: string;
  labels?: Record<string, string>;
  rules?: PolicyRule[];
  aggregateFrom?: string;
  /** Not one of Kubernetes' own: no kubernetes.io/bootstrapping label (the operators' roles carry none). */
  addon?: boolean;
}

const aggregated = (label: string): Record<string, string> => ({ [label]: 'true' });

// ---- Kubernetes' own ----

const KUBE_ROLES: RoleSpec[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'admin', aggregateFrom: AGGREGATE_TO('admin') },
  { name: 'edit', labels: aggregated(AGGREGATE_TO('admin')), aggregateFrom: AGGREGATE_TO('edit') },
  { name: 'view', labels: aggregated(AGGREGATE_TO('edit')), aggregateFrom: AGGREGATE_TO('view') },
  {
    name: 'system:aggregate-to-admin', labels: aggregated(AGGREGATE_TO('admin')), rules: [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(ReadWrite, ['rbac.authorization.k8s.io'], ['roles', 'rolebindings']),
    ],
  },
  {
    name: 'system:aggregate-to-edit', labels: aggregated(AGGREGATE_TO('edit')), rules: [
      rule(Read, [''], ['pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(Write, [''], ['pods', 'pods/attach', 'pods/proxy', 'pods/exec', 'pods/portforward']),
      rule(['create'], [''], ['pods/eviction']),
      rule(Write, [''], ['replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy', 'persistentvolumeclaims', 'configmaps', 'secrets', 'events']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(Write, ['apps'], ['statefulsets', 'statefulsets/scale', 'daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale']),
      rule(Write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(Write, ['batch'], ['jobs', 'cronjobs']),
      rule(Write, ['extensions'], ['daemonsets', 'deployments', 'deployments/scale', 'deployments/rollback', 'ingresses', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale', 'networkpolicies']),
      rule(Write, ['policy'], ['poddisruptionbudgets']),
      rule(Write, ['networking.k8s.io'], ['networkpolicies', 'ingresses']),
    ],
  },
  {
    name: 'system:aggregate-to-view', labels: aggregated(AGGREGATE_TO('view')), rules: [
      rule(Read, [''], ['pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'configmaps']),
      rule(Read, [''], ['limitranges', 'resourcequotas', 'bindings', 'events', 'pods/status', 'resourcequotas/status', 'namespaces/status', 'replicationcontrollers/status', 'pods/log']),
      // read access to namespaces at the namespace scope means you can read *this* namespace
      rule(Read, [''], ['namespaces']),
      rule(Read, ['discovery.k8s.io'], ['endpointslices']),
      rule(Read, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/scale', 'statefulsets/status', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status']),
      rule(Read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(Read, ['batch'], ['jobs', 'cronjobs', 'cronjobs/status', 'jobs/status']),
      rule(Read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(Read, ['networking.k8s.io'], ['networkpolicies', 'ingresses', 'ingresses/status']),
    ],
  },
  {
    name: 'system:discovery', rules: [
      urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/']),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
  {
    name: 'system:basic-user', rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
      // OpenShift's basic-user: the projects list shows each user the namespaces they may get (the console's
      // project selector for users who may not list namespaces)
      rule(['list', 'watch'], ['project.openshift.io'], ['projects']),
    ],
  },
];

// ---- KubeVirt (virt-operator's pkg/virt-operator/resource/generate/rbac/cluster.go) ----

const KUBEVIRT_KINDS = ['virtualmachines', 'virtualmachineinstances', 'virtualmachineinstancepresets', 'virtualmachineinstancereplicasets', 'virtualmachineinstancemigrations'];
const KUBEVIRT_READ_ONLY_GROUPS: PolicyRule[] = [
  rule(Read, ['migrations.kubevirt.io'], ['migrationpolicies']),
];
const kubevirtEditor = (label: string): RoleSpec => ({
  name: `kubevirt.io:${label === AGGREGATE_TO('admin') ? 'admin' : 'edit'}`, addon: true, labels: aggregated(label), rules: [
    rule(['get'], ['subresources.kubevirt.io'], ['virtualmachineinstances/console', 'virtualmachineinstances/vnc', 'virtualmachineinstances/vnc/screenshot', 'virtualmachineinstances/portforward', 'virtualmachineinstances/guestosinfo', 'virtualmachineinstances/filesystemlist', 'virtualmachineinstances/userlist', 'virtualmachineinstances/sev/fetchcertchain', 'virtualmachineinstances/sev/querylaunchmeasurement']),
    rule(['update'], ['subresources.kubevirt.io'], ['virtualmachineinstances/pause', 'virtualmachineinstances/unpause', 'virtualmachineinstances/addvolume', 'virtualmachineinstances/removevolume', 'virtualmachineinstances/freeze', 'virtualmachineinstances/unfreeze', 'virtualmachineinstances/softreboot', 'virtualmachineinstances/sev/setupsession', 'virtualmachineinstances/sev/injectlaunchsecret']),
    rule(['update'], ['subresources.kubevirt.io'], ['virtualmachines/start', 'virtualmachines/stop', 'virtualmachines/restart', 'virtualmachines/addvolume', 'virtualmachines/removevolume', 'virtualmachines/migrate', 'virtualmachines/memorydump']),
    rule(['get'], ['subresources.kubevirt.io'], ['virtualmachines/expand-spec', 'virtualmachines/portforward']),
    rule(['update'], ['subresources.kubevirt.io'], ['expand-vm-spec']),
    rule(ReadWrite, ['kubevirt.io'], KUBEVIRT_KINDS),
    rule(ReadWrite, ['snapshot.kubevirt.io'], ['virtualmachinesnapshots', 'virtualmachinesnapshotcontents', 'virtualmachinerestores']),
    rule(ReadWrite, ['export.kubevirt.io'], ['virtualmachineexports']),
    rule(ReadWrite, ['clone.kubevirt.io'], ['virtualmachineclones']),
    rule(ReadWrite, ['instancetype.kubevirt.io'], ['virtualmachineinstancetypes', 'virtualmachinepreferences']),
    rule(ReadWrite, ['pool.kubevirt.io'], ['virtualmachinepools']),
    ...KUBEVIRT_READ_ONLY_GROUPS,
  ],
});

const KUBEVIRT_ROLES: RoleSpec[] = [
  kubevirtEditor(AGGREGATE_TO('admin')),
  kubevirtEditor(AGGREGATE_TO('edit')),
  {
    name: 'kubevirt.io:view', addon: true, labels: aggregated(AGGREGATE_TO('view')), rules: [
      rule(['get'], ['subresources.kubevirt.io'], ['virtualmachineinstances/guestosinfo', 'virtualmachineinstances/filesystemlist', 'virtualmachineinstances/userlist', 'virtualmachines/expand-spec']),
      rule(['update'], ['subresources.kubevirt.io'], ['expand-vm-spec']),
      rule(Read, ['kubevirt.io'], KUBEVIRT_KINDS),
      rule(Read, ['snapshot.kubevirt.io'], ['virtualmachinesnapshots', 'virtualmachinesnapshotcontents', 'virtualmachinerestores']),
      rule(Read, ['export.kubevirt.io'], ['virtualmachineexports']),
      rule(Read, ['clone.kubevirt.io'], ['virtualmachineclones']),
      rule(Read, ['instancetype.kubevirt.io'], ['virtualmachineinstancetypes', 'virtualmachinepreferences']),
      rule(Read, ['pool.kubevirt.io'], ['virtualmachinepools']),
      ...KUBEVIRT_READ_ONLY_GROUPS,
    ],
  },
];

// ---- CDI (cdi-operator's pkg/operator/resources/cluster/rbac.go) ----

const cdiEditor = (which: 'admin' | 'edit'): RoleSpec => ({
  name: `cdi.kubevirt.io:${which}`, addon: true, labels: aggregated(AGGREGATE_TO(which)), rules: [
    rule(['*'], ['cdi.kubevirt.io'], ['datavolumes', 'dataimportcrons', 'datasources', 'volumeimportsources', 'volumeuploadsources', 'volumeclonesources']),
    rule(['create'], ['cdi.kubevirt.io'], ['datavolumes/source']),
    rule(['*'], ['upload.cdi.kubevirt.io'], ['uploadtokenrequests']),
  ],
});

const CDI_ROLES: RoleSpec[] = [
  cdiEditor('admin'),
  cdiEditor('edit'),
  {
    name: 'cdi.kubevirt.io:view', addon: true, labels: aggregated(AGGREGATE_TO('view')), rules: [
      rule(Read, ['cdi.kubevirt.io'], ['cdiconfigs', 'dataimportcrons', 'datasources', 'datavolumes', 'objecttransfers', 'storageprofiles', 'volumeimportsources', 'volumeuploadsources', 'volumeclonesources']),
      // cloning checks `create datavolumes/source` in the source namespace: viewers may clone from it
      rule(['create'], ['cdi.kubevirt.io'], ['datavolumes/source']),
    ],
  },
];

// ---- secondary networks: our choice (Multus and OVN-Kubernetes ship no aggregated roles) ----
// NADs and UDNs are a project's own configuration, written by admin/edit and read by view. IPAMClaims are
// written by the IPAM controller only: every project role reads them. Cluster-scoped network kinds (CUDNs,
// NNCPs, NodeNetworkStates) are aggregated nowhere: a RoleBinding could not grant them anyway.

const NETWORK_ROLES: RoleSpec[] = (['admin', 'edit', 'view'] as const).map((which) => ({
  name: `virtnet:networks:${which}`, addon: true, labels: aggregated(AGGREGATE_TO(which)),
  rules: which === 'view'
    ? [rule(Read, ['k8s.cni.cncf.io'], ['network-attachment-definitions', 'ipamclaims']), rule(Read, ['k8s.ovn.org'], ['userdefinednetworks'])]
    : [
      rule(ReadWrite, ['k8s.cni.cncf.io'], ['network-attachment-definitions']),
      rule(Read, ['k8s.cni.cncf.io'], ['ipamclaims']),
      rule(ReadWrite, ['k8s.ovn.org'], ['userdefinednetworks']),
    ],
}));

const ROLE_SPECS: RoleSpec[] = [...KUBE_ROLES, ...KUBEVIRT_ROLES, ...CDI_ROLES, ...NETWORK_ROLES];

interface BindingSpec { name: string; role: string; groups: string[] }

const BINDING_SPECS: BindingSpec[] = [
  { name: 'cluster-admin', role: 'cluster-admin', groups: ['system:masters'] },
  { name: 'system:discovery', role: 'system:discovery', groups: ['system:authenticated'] },
  { name: 'system:basic-user', role: 'system:basic-user', groups: ['system:authenticated'] },
  { name: 'system:public-info-viewer', role: 'system:public-info-viewer', groups: ['system:authenticated', 'system:unauthenticated'] },
];

function meta(name: string, labels: Record<string, string> | undefined, addon: boolean): KubeObject['metadata'] {
  return {
    name,
    labels: { ...(addon ? {} : BOOTSTRAP_LABEL), ...labels },
    annotations: { [AUTOUPDATE_ANNOTATION]: 'true' },
  };
}

export function bootstrapClusterRoles(): KubeObject[] {
  return ROLE_SPECS.map((r) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: meta(r.name, r.labels, r.addon === true),
    ...(r.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [r.aggregateFrom]: 'true' } }] } } : {}),
    rules: r.rules ?? [],
  }));
}

export function bootstrapClusterRoleBindings(): KubeObject[] {
  return BINDING_SPECS.map((b) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: meta(b.name, undefined, false),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: b.role },
    subjects: b.groups.map((g) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: g })),
  }));
}

// nmstate.io/v1 NMState: the operator's singleton install request (kubernetes-nmstate api/v1/nmstate_types.go;
// CRD deploy/crds/nmstate.io_nmstates.yaml: cluster-scoped, no short name, no columns).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { affinity, obj, opt, str, strEnum, stringMap, tolerations } from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';
import { nmstateConditions } from '../condition.js';

export const nmstateSchema = kindSchema('NMState is the Schema for the nmstates API', {
  spec: opt(obj({
    affinity: opt(affinity('Affinity is an optional affinity selector that will be added to handler DaemonSet manifest.')),
    infraAffinity: opt(affinity('InfraAffinity is an optional affinity selector that will be added to webhook, metrics & console-plugin Deployment manifests.')),
    infraNodeSelector: opt(stringMap('InfraNodeSelector is an optional selector that will be added to webhook, metrics & console-plugin Deployment manifests If InfraNodeSelector is specified, the webhook, metrics and the console plugin will run only on nodes that have each of the indicated key-value pairs as labels applied to the node.')),
    infraTolerations: opt(tolerations('InfraTolerations is an optional list of tolerations to be added to webhook, metrics & console-plugin Deployment manifests If InfraTolerations is specified, the webhook, metrics and the console plugin will be able to be scheduled on nodes with corresponding taints')),
    logLevel: opt(strEnum(['info', 'debug'], 'LogLevel defines the log level of the handler: "info" (default) or "debug" (nmstatectl runs with -vv).')),
    metricsConfiguration: opt(obj({
      bindAddress: opt(str('BindAddress is the address the metrics endpoint listens on. Defaults to ":8089".')),
    }, 'MetricsConfiguration is an optional configuration of the NMstate metrics endpoint.')),
    nodeSelector: opt(stringMap('NodeSelector is an optional selector that will be added to handler DaemonSet manifest for both workers and control-plane (https://github.com/nmstate/kubernetes-nmstate/blob/main/deploy/handler/operator.yaml). If NodeSelector is specified, the handler will run only on nodes that have each of the indicated key-value pairs as labels applied to the node.')),
    probeConfiguration: opt(obj({
      dns: opt(obj({
        host: opt(str(undefined, { default: 'root-servers.net' })),
      }, undefined, { default: { host: 'root-servers.net' } })),
    }, 'ProbeConfiguration is an optional configuration of NMstate probes testing various functionalities. If ProbeConfiguration is specified, the handler will use the config defined here instead of its default values.', { default: {} })),
    selfSignConfiguration: opt(obj({
      caOverlapInterval: opt(str('CAOverlapInterval defines the duration where expired CA certificate can overlap with new one, in order to allow fluent CA rotation transitioning')),
      caRotateInterval: opt(str('CARotateInterval defines duration for CA expiration')),
      certOverlapInterval: opt(str('CertOverlapInterval defines the duration where expired service certificate can overlap with new one, in order to allow fluent service rotation transitioning')),
      certRotateInterval: opt(str('CertRotateInterval defines duration for of service certificate expiration')),
    }, 'SelfSignConfiguration defines self signed certificate configuration')),
    tolerations: opt(tolerations('Tolerations is an optional list of tolerations to be added to handler DaemonSet manifest If Tolerations is specified, the handler daemonset will be also scheduled on nodes with corresponding taints')),
  }, 'NMStateSpec defines the desired state of NMState', { default: {} })),
  status: opt(status({
    conditions: opt(nmstateConditions()),
  }, 'NMStateStatus defines the observed state of NMState')),
});

export type NMState = Static<typeof nmstateSchema>;

export const nmstateKind: KindDef = {
  group: 'nmstate.io',
  versions: ['v1', 'v1beta1'],
  kind: 'NMState',
  listKind: 'NMStateList',
  plural: 'nmstates',
  singular: 'nmstate',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: nmstateSchema,
  openapiName: 'io.nmstate.v1.NMState',
  subresources: { status: true },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  nameRule: 'subdomain',
};

// k8s.ovn.org/v1 ClusterUserDefinedNetwork (ovn-kubernetes go-controller/pkg/crd/userdefinednetwork/v1/cudn.go):
// one network for every namespace the selector matches. `spec.network` is immutable, the selector is not.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { FieldError } from '../../../common/status-error.js';
import { deepEqual, isPlainObject } from '../../../common/object.js';
import { labelSelector, obj, opt } from '../../field-types.js';
import { invalid } from '../../field-errors.js';
import { conditionList, kindSchema, status } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';
import { layer2Config, layer3Config, layerRules, topology, topologyRules } from './network-spec.js';
import { celErrors } from './cel.js';

export const cudnSchema = kindSchema('ClusterUserDefinedNetwork describe network request for a shared network across namespaces.', {
  spec: obj({
    namespaceSelector: labelSelector('NamespaceSelector Label selector for which namespace network should be available for.'),
    network: obj({
      layer2: opt(layer2Config),
      layer3: opt(layer3Config),
      topology,
    }, 'Network is the user-defined-network spec'),
  }, 'ClusterUserDefinedNetworkSpec defines the desired state of ClusterUserDefinedNetwork.'),
  status: opt(status({
    conditions: opt(conditionList('Conditions slice of condition objects indicating details about ClusterUserDefineNetwork status.')),
  }, 'ClusterUserDefinedNetworkStatus contains the observed status of the ClusterUserDefinedNetwork.')),
});

export type ClusterUserDefinedNetwork = Static<typeof cudnSchema>;

export const cudnKind: KindDef = {
  group: 'k8s.ovn.org',
  versions: ['v1'],
  kind: 'ClusterUserDefinedNetwork',
  listKind: 'ClusterUserDefinedNetworkList',
  plural: 'clusteruserdefinednetworks',
  singular: 'clusteruserdefinednetwork',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: cudnSchema,
  openapiName: 'org.ovn.k8s.v1.ClusterUserDefinedNetwork',
  subresources: { status: true },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  validate: (o, old) => celErrors(cudnKind, o, () => {
    const spec = isPlainObject(o['spec']) ? o['spec'] : {};
    const oldNetwork = old && isPlainObject(old['spec']) ? old['spec']['network'] : undefined;
    // The topology rules are NetworkSpec's own (type markers), so they come before the field's transition rule.
    const errs: FieldError[] = topologyRules(spec['network'], 'spec.network');
    if (oldNetwork !== undefined && !deepEqual(spec['network'], oldNetwork)) errs.push(invalid('spec.network', 'object', 'Network spec is immutable'));
    errs.push(...layerRules(spec['network'], 'spec.network'));
    return errs;
  }),
  nameRule: 'subdomain',
};

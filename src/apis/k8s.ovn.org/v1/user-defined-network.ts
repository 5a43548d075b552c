// k8s.ovn.org/v1 UserDefinedNetwork (ovn-kubernetes go-controller/pkg/crd/userdefinednetwork/v1/udn.go;
// CRD dist/templates/k8s.ovn.org_userdefinednetworks.yaml.j2: no short name, no columns).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { FieldError } from '../../../common/status-error.js';
import { deepEqual } from '../../../common/object.js';
import { obj, opt } from '../../field-types.js';
import { invalid } from '../../field-errors.js';
import { conditionList, kindSchema, status } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';
import { layer2Config, layer3Config, layerRules, topology, topologyRules } from './network-spec.js';
import { celErrors } from './cel.js';

export const udnSchema = kindSchema('UserDefinedNetwork describe network request for a Namespace.', {
  spec: obj({
    layer2: opt(layer2Config),
    layer3: opt(layer3Config),
    topology,
  }, 'UserDefinedNetworkSpec defines the desired state of UserDefinedNetworkSpec.'),
  status: opt(status({
    conditions: opt(conditionList()),
  }, 'UserDefinedNetworkStatus contains the observed status of the UserDefinedNetwork.')),
});

export type UserDefinedNetwork = Static<typeof udnSchema>;

/** Namespace label a primary UDN needs (set only at namespace creation). */
export const PRIMARY_UDN_NAMESPACE_LABEL = 'k8s.ovn.org/primary-user-defined-network';
/** Finalizer the UDN controller keeps on the UDN and its NAD. */
export const UDN_PROTECTION_FINALIZER = 'k8s.ovn.org/user-defined-network-protection';

export const udnKind: KindDef = {
  group: 'k8s.ovn.org',
  versions: ['v1'],
  kind: 'UserDefinedNetwork',
  listKind: 'UserDefinedNetworkList',
  plural: 'userdefinednetworks',
  singular: 'userdefinednetwork',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: udnSchema,
  openapiName: 'org.ovn.k8s.v1.UserDefinedNetwork',
  subresources: { status: true },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  validate: (o, old) => celErrors(udnKind, o, () => {
    const errs: FieldError[] = [];
    // Transition rule `self == oldSelf` on spec: only on update.
    if (old && old['spec'] !== undefined && !deepEqual(o['spec'], old['spec'])) errs.push(invalid('spec', 'object', 'Spec is immutable'));
    errs.push(...topologyRules(o['spec'], 'spec'), ...layerRules(o['spec'], 'spec'));
    return errs;
  }),
  nameRule: 'subdomain',
};

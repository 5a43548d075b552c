// k8s.cni.cncf.io/v1alpha1 IPAMClaim: a persistent IP allocation for one pod interface
// (k8snetworkplumbingwg/ipamclaims pkg/crd/ipamclaims/v1alpha1/types.go, the shape OVN-Kubernetes and
// kubevirt-ipam-controller use with OCP 4.18).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, obj, opt, str } from '../../field-types.js';
import { conditionList, kindSchema } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';

export const ipamClaimSchema = kindSchema('IPAMClaim is the Schema for the IPAMClaim API', {
  spec: opt(obj({
    interface: str('The pod interface name for which this allocation was created'),
    network: str('The network name for which this persistent allocation was created'),
  })),
  status: opt(obj({
    conditions: opt(conditionList('Conditions contains details for one aspect of the current state of this API Resource')),
    ips: arr(str(), 'The list of IP addresses (v4, v6) that were allocated for the pod interface'),
    ownerPod: obj({ name: str() }, 'The name of the pod holding the IPAMClaim'),
  }, 'IPAMClaimStatus contains the observed status of the IPAMClaim.')),
});

export type IPAMClaim = Static<typeof ipamClaimSchema>;

export const ipamClaimKind: KindDef = {
  group: 'k8s.cni.cncf.io',
  versions: ['v1alpha1'],
  kind: 'IPAMClaim',
  listKind: 'IPAMClaimList',
  plural: 'ipamclaims',
  singular: 'ipamclaim',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: ipamClaimSchema,
  openapiName: 'io.cncf.cni.k8s.v1alpha1.IPAMClaim',
  subresources: { status: true },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  nameRule: 'subdomain',
};

// coordination.k8s.io/v1 Lease (k8s.io/api/coordination/v1 types.go; columns: printers.go printLease).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { dateTime, int32, opt, str } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES, spec } from '../../meta.js';
import { AGE_COLUMN } from '../../printer-columns.js';

export const leaseSchema = kindSchema('Lease defines a lease concept.', {
  spec: opt(spec({
    acquireTime: opt(dateTime('acquireTime is a time when the current lease was acquired.')),
    holderIdentity: opt(str('holderIdentity contains the identity of the holder of a current lease. If Coordinated Leader Election is used, the holder identity must be equal to the elected LeaseCandidate.metadata.name field.')),
    leaseDurationSeconds: opt(int32('leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.')),
    leaseTransitions: opt(int32('leaseTransitions is the number of transitions of a lease between holders.')),
    preferredHolder: opt(str('PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up. This field can only be set if Strategy is also set.')),
    renewTime: opt(dateTime('renewTime is a time when the current holder of a lease has last updated the lease.')),
    strategy: opt(str('Strategy indicates the strategy for picking the leader for coordinated leader election. If the field is not specified, there is no active coordination for this lease. (Alpha) Using this field requires the CoordinatedLeaderElection feature gate to be enabled.')),
  }, 'spec contains the specification of the Lease. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
});

export type Lease = Static<typeof leaseSchema>;

export const leaseKind: KindDef = {
  group: 'coordination.k8s.io',
  versions: ['v1'],
  kind: 'Lease',
  listKind: 'LeaseList',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: leaseSchema,
  openapiName: 'io.k8s.api.coordination.v1.Lease',
  subresources: { status: false },
  printerColumns: [
    { name: 'Holder', type: 'string', jsonPath: '.spec.holderIdentity', description: 'holderIdentity contains the identity of the holder of a current lease.' },
    AGE_COLUMN,
  ],
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  nameRule: 'subdomain',
};

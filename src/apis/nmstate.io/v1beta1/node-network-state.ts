// nmstate.io NodeNetworkState: one per node, named like it (kubernetes-nmstate api/shared/nodenetworkstate_types.go;
// CRD deploy/crds/nmstate.io_nodenetworkstates.yaml). Upstream serves v1beta1; OpenShift's docs print
// v1, so v1 is served too.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { dateTime, opt, preserveObject, str } from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';
import { nmstateConditions } from '../condition.js';

export const nnsSchema = kindSchema('NodeNetworkState is the Schema for the nodenetworkstates API', {
  status: opt(status({
    conditions: opt(nmstateConditions()),
    currentState: opt(preserveObject("State contains the namestatectl yaml [1] as string instead of golang struct so we don't need to be in sync with the schema.\n\n[1] https://github.com/nmstate/nmstate/blob/base/libnmstate/schemas/operational-state.yaml")),
    handlerNetworkManagerVersion: opt(str()),
    handlerNmstateVersion: opt(str()),
    hostNetworkManagerVersion: opt(str()),
    lastSuccessfulUpdateTime: opt(dateTime()),
  }, 'NodeNetworkStateStatus is the status of the NodeNetworkState of a specific node')),
});

export type NodeNetworkState = Static<typeof nnsSchema>;

export const nnsKind: KindDef = {
  group: 'nmstate.io',
  versions: ['v1beta1', 'v1'],
  kind: 'NodeNetworkState',
  listKind: 'NodeNetworkStateList',
  plural: 'nodenetworkstates',
  singular: 'nodenetworkstate',
  namespaced: false,
  shortNames: ['nns'],
  categories: [],
  schema: nnsSchema,
  openapiName: 'io.nmstate.v1beta1.NodeNetworkState',
  subresources: { status: true },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  nameRule: 'subdomain',
};

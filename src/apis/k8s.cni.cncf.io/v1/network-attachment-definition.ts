// k8s.cni.cncf.io/v1 NetworkAttachmentDefinition (network-attachment-definition-client
// pkg/apis/k8s.cni.cncf.io/v1/types.go; the CRD Multus and OpenShift install): `spec.config` is a CNI
// JSON string; there is no status and no columns.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { obj, opt, str } from '../../field-types.js';
import { kindSchema } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';

export const nadSchema = kindSchema('NetworkAttachmentDefinition is a CRD schema specified by the Network Plumbing Working Group to express the intent for attaching pods to one or more logical or physical networks. More information available at: https://github.com/k8snetworkplumbingwg/multi-net-spec', {
  spec: opt(obj({
    config: opt(str('NetworkAttachmentDefinition config is a JSON-formatted CNI configuration')),
  }, 'NetworkAttachmentDefinition spec defines the desired state of a network attachment')),
});

export type NetworkAttachmentDefinition = Static<typeof nadSchema>;

/** Annotation naming the device-plugin resource a NAD's pods request (bridge-marker: `bridge.network.kubevirt.io/<bridge>`). */
export const NAD_RESOURCE_NAME_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';

export const nadKind: KindDef = {
  group: 'k8s.cni.cncf.io',
  versions: ['v1'],
  kind: 'NetworkAttachmentDefinition',
  listKind: 'NetworkAttachmentDefinitionList',
  plural: 'network-attachment-definitions',
  singular: 'network-attachment-definition',
  namespaced: true,
  shortNames: ['net-attach-def'],
  categories: [],
  schema: nadSchema,
  openapiName: 'io.cncf.cni.k8s.v1.NetworkAttachmentDefinition',
  subresources: { status: false },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  nameRule: 'subdomain',
};

// core/v1 Namespace (k8s.io/api/core/v1 types.go; registry: pkg/registry/core/namespace/strategy.go).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, dateTime, obj, opt, str, stringList } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES, spec, status } from '../../meta.js';
import { AGE_COLUMN, stringField } from '../../printer-columns.js';
import { isPlainObject } from '../../../common/object.js';
import { admitNamespaceLabels } from '../../k8s.ovn.org/v1/namespace-label-policy.js';

const namespaceCondition = obj({
  lastTransitionTime: opt(dateTime('Last time the condition transitioned from one status to another.')),
  message: opt(str('Human-readable message indicating details about last transition.')),
  reason: opt(str("Unique, one-word, CamelCase reason for the condition's last transition.")),
  status: str('Status of the condition, one of True, False, Unknown.'),
  type: str('Type of namespace controller condition.'),
}, 'NamespaceCondition contains details about state of namespace.');

export const namespaceSchema = kindSchema('Namespace provides a scope for Names. Use of multiple namespaces is optional.', {
  spec: opt(spec({
    finalizers: opt(stringList('Finalizers is an opaque list of values that must be empty to permanently remove object from storage. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/', { 'x-kubernetes-list-type': 'atomic' })),
  }, 'Spec defines the behavior of the Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
  status: opt(status({
    conditions: opt(arr(namespaceCondition, "Represents the latest available observations of a namespace's current state.", { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
    phase: opt(str('Phase is the current lifecycle phase of the namespace. More info: https://kubernetes.io/docs/tasks/administer-cluster/namespaces/')),
  }, 'Status describes the current status of a Namespace. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status')),
});

export type Namespace = Static<typeof namespaceSchema>;

/** The finalizer the namespace lifecycle controller owns (FinalizerKubernetes). */
export const NAMESPACE_FINALIZER = 'kubernetes';
/** v1.LabelMetadataName, set to the namespace's own name. */
export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

export const namespaceKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'Namespace',
  listKind: 'NamespaceList',
  plural: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  categories: [],
  schema: namespaceSchema,
  openapiName: 'io.k8s.api.core.v1.Namespace',
  subresources: { status: true },
  printerColumns: [
    { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'The status of the namespace' },
    AGE_COLUMN,
  ],
  strategicMerge: [
    ...METADATA_STRATEGIC_RULES,
    { path: 'status.conditions', mergeKey: 'type', strategy: 'merge' },
  ],
  fieldSelectors: [{ field: 'status.phase', value: (o) => stringField(o, 'status', 'phase') }],
  // namespaceStrategy.PrepareForCreate: phase Active and the "kubernetes" finalizer, whatever was sent.
  // SetDefaults_Namespace (and Canonicalize on every write): label kubernetes.io/metadata.name=<name>.
  normalize: (o) => {
    const name = o.metadata.name;
    if (typeof name === 'string' && name !== '') {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), [METADATA_NAME_LABEL]: name };
    }
  },
  defaults: (o) => {
    const s = isPlainObject(o['spec']) ? o['spec'] : {};
    const fins = Array.isArray(s['finalizers']) ? s['finalizers'].filter((f): f is string => typeof f === 'string') : [];
    if (!fins.includes(NAMESPACE_FINALIZER)) fins.push(NAMESPACE_FINALIZER);
    o['spec'] = { ...s, finalizers: fins };
    o['status'] = { phase: 'Active' };
  },
  // KindDef has no hook for admission policies: the UDN namespace-label policy throws its own Status here
  // (a field error would read `Namespace "x" is invalid`, not the policy's denial).
  validate: (o, old) => {
    admitNamespaceLabels(o, old);
    return [];
  },
  nameRule: 'label',
};

// meta/v1 schemas every kind embeds: ObjectMeta (with OwnerReference and ManagedFieldsEntry), the
// Condition shapes, and the whole-object envelope. Descriptions follow k8s.io/apimachinery
// pkg/apis/meta/v1/types.go (what `kubectl explain <kind>.metadata` prints upstream).
import { Type } from '@sinclair/typebox';
import type { TObject, TOptional, TProperties, TSchema, TString } from '@sinclair/typebox';
import type { StrategicListRule } from './kind.js';
import {
  arr, bool, dateTime, describe, int64, obj, opt, preserveObject, str, strEnum, stringList, stringMap,
} from './field-types.js';

export const API_VERSION_DESCRIPTION = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
export const KIND_DESCRIPTION = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
export const METADATA_DESCRIPTION = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
export const SPEC_DESCRIPTION = 'Specification of the desired behavior of the object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status';
export const STATUS_DESCRIPTION = 'Most recently observed status of the object. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status';

export const OwnerReferenceSchema = obj({
  apiVersion: str('API version of the referent.'),
  blockOwnerDeletion: opt(bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed. See https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion for how the garbage collector interacts with this field and enforces the foreground deletion. Defaults to false. To set this field, a user needs "delete" permission of the owner, otherwise 422 (Unprocessable Entity) will be returned.')),
  controller: opt(bool('If true, this reference points to the managing controller.')),
  kind: str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds'),
  name: str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names'),
  uid: str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids'),
}, 'OwnerReference contains enough information to let you identify an owning object. An owning object must be in the same namespace as the dependent, or be cluster-scoped, so there is no namespace field.', { 'x-kubernetes-map-type': 'atomic' });

export const ManagedFieldsEntrySchema = obj({
  apiVersion: opt(str('APIVersion defines the version of this resource that this field set applies to. The format is "group/version" just like the top-level APIVersion field. It is necessary to track the version of a field set because it cannot be automatically converted.')),
  fieldsType: opt(str('FieldsType is the discriminator for the different fields format and version. There is currently only one possible value: "FieldsV1"')),
  fieldsV1: opt(preserveObject('FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.')),
  manager: opt(str('Manager is an identifier of the workflow managing these fields.')),
  operation: opt(str("Operation is the type of operation which lead to this ManagedFieldsEntry being created. The only valid values for this field are 'Apply' and 'Update'.")),
  subresource: opt(str('Subresource is the name of the subresource used to update that object, or empty string if the object was updated through the main resource. The value of this field is used to distinguish between managers, even if they share the same name. For example, a status update will be distinct from a regular update using the same manager name. Note that the APIVersion field is not related to the Subresource field and it always corresponds to the version of the main resource.')),
  time: opt(dateTime("Time is the timestamp of when the ManagedFields entry was added. The timestamp will also be updated if a field is added, the manager changes any of the owned fields value or removes a field. The timestamp does not update when a field is removed from the entry because another manager took it over.")),
}, 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.');

export const ObjectMetaSchema = obj({
  annotations: opt(stringMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata. They are not queryable and should be preserved when modifying objects. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations')),
  creationTimestamp: opt(dateTime('CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata')),
  deletionGracePeriodSeconds: opt(int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system. Only set when deletionTimestamp is also set. May only be shortened. Read-only.')),
  deletionTimestamp: opt(dateTime('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted. This field is set by the server when a graceful deletion is requested by the user, and is not directly settable by a client. The resource is expected to be deleted (no longer visible from resource lists, and not reachable by name) after the time in this field, once the finalizers list is empty. As long as the finalizers list contains items, deletion is blocked. Once the deletionTimestamp is set, this value may not be unset or be set further into the future, although it may be shortened or the resource may be deleted prior to this time.\n\nPopulated by the system when a graceful deletion is requested. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata')),
  finalizers: opt(stringList('Must be empty before the object is deleted from the registry. Each entry is an identifier for the responsible component that will remove the entry from the list. If the deletionTimestamp of the object is non-nil, entries in this list can only be removed. Finalizers may be processed and removed in any order. Order is NOT enforced because it introduces significant risk of stuck finalizers. finalizers is a shared field, any actor with permission can reorder it. If the finalizer list is processed in order, then this can lead to a situation in which the component responsible for the first finalizer in the list is waiting for a signal (field value, external system, or other) produced by a component responsible for a finalizer later in the list, resulting in a deadlock. Without enforced ordering finalizers are free to order amongst themselves and are not vulnerable to ordering changes in the list.', { 'x-kubernetes-list-type': 'set' })),
  generateName: opt(str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided. If this field is used, the name returned to the client will be different than the name passed. This value will also be combined with a unique suffix. The provided value has the same validation rules as the Name field, and may be truncated by the length of the suffix required to make the value unique on the server.\n\nIf this field is specified and the generated name exists, the server will return a 409.\n\nApplied only if Name is not specified. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#idempotency')),
  generation: opt(int64('A sequence number representing a specific generation of the desired state. Populated by the system. Read-only.')),
  labels: opt(stringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects. May match selectors of replication controllers and services. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels')),
  managedFields: opt(arr(ManagedFieldsEntrySchema, "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow. This is mostly for internal housekeeping, and users typically shouldn't need to set or understand this field. A workflow can be the user's name, a controller's name, or the name of a specific apply path like \"ci-cd\". The set of fields is always in the version that the workflow used when modifying the object.", { 'x-kubernetes-list-type': 'atomic' })),
  name: opt(str('Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names')),
  namespace: opt(str('Namespace defines the space within which each name must be unique. An empty namespace is equivalent to the "default" namespace, but "default" is the canonical representation. Not all objects are required to be scoped to a namespace - the value of this field for those objects will be empty.\n\nMust be a DNS_LABEL. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces')),
  ownerReferences: opt(arr(OwnerReferenceSchema, 'List of objects depended by this object. If ALL objects in the list have been deleted, this object will be garbage collected. If this object is managed by a controller, then an entry in this list will point to this controller, with the controller field set to true. There cannot be more than one managing controller.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['uid'] })),
  resourceVersion: opt(str('An opaque value that represents the internal version of this object that can be used by clients to determine when objects have changed. May be used for optimistic concurrency, change detection, and the watch operation on a resource or set of resources. Clients must treat these values as opaque and passed unmodified back to the server. They may only be valid for a particular resource or set of resources.\n\nPopulated by the system. Read-only. Value must be treated as opaque by clients and . More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency')),
  selfLink: opt(str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.')),
  uid: opt(str('UID is the unique in time and space value for this object. It is typically generated by the server on successful creation of a resource and is not allowed to change on PUT operations.\n\nPopulated by the system. Read-only. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#uids')),
}, 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.');

/**
 * ObjectMeta embedded in a template (VM `spec.template.metadata`, `dataVolumeTemplates[].metadata`):
 * CRD generators emit it as a free-form, nullable object, so `creationTimestamp: null` survives.
 */
export function embeddedObjectMeta(description?: string) {
  return preserveObject(description, { nullable: true });
}

const CONDITION_STATUS_DESC = 'status of the condition, one of True, False, Unknown.';

/** meta/v1 Condition, as controller-gen emits it (UserDefinedNetwork, IPAMClaim). */
export const ConditionSchema = obj({
  lastTransitionTime: dateTime('lastTransitionTime is the last time the condition transitioned from one status to another. This should be when the underlying condition changed.  If that is not known, then using the time when the API field changed is acceptable.'),
  message: str('message is a human readable message indicating details about the transition. This may be an empty string.', { maxLength: 32768 }),
  observedGeneration: opt(int64('observedGeneration represents the .metadata.generation that the condition was set based upon. For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date with respect to the current state of the instance.', { minimum: 0 })),
  reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition. Producers of specific condition types may define expected values and meanings for this field, and whether the values are considered a guaranteed API. The value should be a CamelCase string. This field may not be empty.", { maxLength: 1024, minLength: 1, pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$' }),
  status: strEnum(['True', 'False', 'Unknown'], CONDITION_STATUS_DESC),
  type: str('type of condition in CamelCase or in foo.example.com/CamelCase.', { maxLength: 316, pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$' }),
}, 'Condition contains details for one aspect of the current state of this API Resource.');

export function conditionList(description = 'Conditions represent the latest available observations of an object\'s state.') {
  return arr(ConditionSchema, description, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] });
}

/**
 * The older free-form condition shape (type and status required, everything else optional) that
 * kubernetes-nmstate, KubeVirt, CDI and core kinds use. `times` names the timestamp fields.
 */
export function looseCondition(times: readonly string[], description?: string, nullableTimes = false) {
  const props: TProperties = {
    type: str('Type of condition.'),
    status: str('Status of the condition, one of True, False, Unknown.'),
    reason: opt(str("The reason for the condition's last transition.")),
    message: opt(str('A human readable message indicating details about the transition.')),
  };
  for (const t of times) props[t] = opt(dateTime(undefined, nullableTimes));
  return Type.Object(props, describe(description));
}

// ---- the whole object ----

type Envelope = {
  apiVersion: TOptional<TString>;
  kind: TOptional<TString>;
  metadata: TOptional<typeof ObjectMetaSchema>;
};

export function envelope(): Envelope {
  return {
    apiVersion: opt(str(API_VERSION_DESCRIPTION)),
    kind: opt(str(KIND_DESCRIPTION)),
    metadata: opt(Type.Object(ObjectMetaSchema.properties, describe(METADATA_DESCRIPTION))),
  };
}

/**
 * A kind's whole-object schema: `apiVersion`, `kind`, `metadata` plus the kind's own top-level fields
 * (`spec`/`status`, or `data`/`stringData`/`type`…). `extra` adds root keywords such as
 * `x-kubernetes-preserve-unknown-fields` where the upstream CRD has them.
 */
export function kindSchema<P extends TProperties>(description: string, props: P, extra: Record<string, unknown> = {}): TObject<Envelope & P> {
  return Type.Object({ ...envelope(), ...props }, describe(description, extra));
}

/** `spec`/`status` helpers so each kind file reads as its upstream type does. */
export function spec<P extends TProperties>(props: P, description = SPEC_DESCRIPTION, extra: Record<string, unknown> = {}): TObject<P> {
  return obj(props, description, extra);
}

export function status<P extends TProperties>(props: P, description = STATUS_DESCRIPTION, extra: Record<string, unknown> = {}): TObject<P> {
  return obj(props, description, extra);
}

/** ObjectMeta's strategic-merge list rules (finalizers: merge; ownerReferences: merge by uid). */
export const METADATA_STRATEGIC_RULES: StrategicListRule[] = [
  { path: 'metadata.finalizers', strategy: 'merge' },
  { path: 'metadata.ownerReferences', mergeKey: 'uid', strategy: 'merge' },
];

/** Re-exported so kind files have one import for schema pieces. */
export type { TSchema };

// Builders for the field shapes that recur across kinds, written as structural OpenAPI v3 (the form
// apiextensions-apiserver accepts): maps are `additionalProperties`, free-form parts carry
// `x-kubernetes-preserve-unknown-fields`, int-or-string carries `x-kubernetes-int-or-string`.
// Descriptions feed `kubectl explain`; where upstream has one we use its words.
import { Type } from '@sinclair/typebox';
import type {
  TArray, TBoolean, TInteger, TNumber, TObject, TProperties, TSchema, TString, TUnsafe,
} from '@sinclair/typebox';

type Opts = Record<string, unknown>;

/** Options object without `description: undefined` (exactOptionalPropertyTypes). */
export function describe(description: string | undefined, extra: Opts = {}): Opts {
  return description === undefined ? { ...extra } : { description, ...extra };
}

export function opt<T extends TSchema>(s: T) {
  return Type.Optional(s);
}

export function str(description?: string, extra: Opts = {}): TString {
  return Type.String(describe(description, extra));
}

export function bool(description?: string, extra: Opts = {}): TBoolean {
  return Type.Boolean(describe(description, extra));
}

export function int32(description?: string, extra: Opts = {}): TInteger {
  return Type.Integer(describe(description, { format: 'int32', ...extra }));
}

export function int64(description?: string, extra: Opts = {}): TInteger {
  return Type.Integer(describe(description, { format: 'int64', ...extra }));
}

export function num(description?: string, extra: Opts = {}): TNumber {
  return Type.Number(describe(description, extra));
}

/** metav1.Time / MicroTime: RFC 3339 string. `nullable` as KubeVirt and CDI declare their times. */
export function dateTime(description?: string, nullable = false): TUnsafe<string> {
  return Type.Unsafe<string>(describe(description, { type: 'string', format: 'date-time', ...(nullable ? { nullable: true } : {}) }));
}

export function strEnum<T extends string>(values: readonly T[], description?: string, extra: Opts = {}): TUnsafe<T> {
  return Type.Unsafe<T>(describe(description, { type: 'string', enum: [...values], ...extra }));
}

export function intOrString(description?: string, extra: Opts = {}): TUnsafe<number | string> {
  return Type.Unsafe<number | string>(describe(description, {
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    'x-kubernetes-int-or-string': true,
    ...extra,
  }));
}

/** resource.Quantity as the CRD generators write it. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

export function quantity(description?: string): TUnsafe<number | string> {
  return intOrString(description, { pattern: QUANTITY_PATTERN });
}

/** core/v1 ResourceList: resource name → quantity. */
export function resourceList(description?: string): TUnsafe<Record<string, number | string>> {
  return Type.Unsafe<Record<string, number | string>>(describe(description, {
    type: 'object',
    additionalProperties: quantity(),
  }));
}

export function stringMap(description?: string, extra: Opts = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>(describe(description, {
    type: 'object', additionalProperties: { type: 'string' }, ...extra,
  }));
}

export function mapOf<T extends TSchema>(value: T, description?: string): TUnsafe<Record<string, T['static']>> {
  return Type.Unsafe<Record<string, T['static']>>(describe(description, { type: 'object', additionalProperties: value }));
}

/** A free-form object: every field kept, nothing validated below it. */
export function preserveObject(description?: string, extra: Opts = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>(describe(description, {
    type: 'object', 'x-kubernetes-preserve-unknown-fields': true, ...extra,
  }));
}

/** An object with no fields (Go `struct{}`, e.g. `bridge: {}`, `rng: {}`): anything inside is pruned. */
export function emptyObject(description?: string): TUnsafe<Record<string, never>> {
  return Type.Unsafe<Record<string, never>>(describe(description, { type: 'object' }));
}

export function obj<P extends TProperties>(props: P, description?: string, extra: Opts = {}): TObject<P> {
  return Type.Object(props, describe(description, extra));
}

export function arr<T extends TSchema>(items: T, description?: string, extra: Opts = {}): TArray<T> {
  return Type.Array(items, describe(description, extra));
}

export const stringList = (description?: string, extra: Opts = {}): TArray<TString> => arr(str(), description, extra);

// ---- core/v1 and meta/v1 fragments embedded by many kinds ----

export const labelSelectorRequirement = obj({
  key: str('key is the label key that the selector applies to.'),
  operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
  values: opt(stringList('values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch.', { 'x-kubernetes-list-type': 'atomic' })),
}, 'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.');

export function labelSelector(description = 'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.') {
  return obj({
    matchExpressions: opt(arr(labelSelectorRequirement, 'matchExpressions is a list of label selector requirements. The requirements are ANDed.', { 'x-kubernetes-list-type': 'atomic' })),
    matchLabels: opt(stringMap('matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains only "value". The requirements are ANDed.')),
  }, description, { 'x-kubernetes-map-type': 'atomic' });
}

export function localObjectReference(description = 'LocalObjectReference contains enough information to let you locate the referenced object inside the same namespace.') {
  return obj({
    name: opt(str('Name of the referent. This field is effectively required, but due to backwards compatibility is allowed to be empty. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names')),
  }, description, { 'x-kubernetes-map-type': 'atomic' });
}

export function objectReference(description = 'ObjectReference contains enough information to let you inspect or modify the referred object.') {
  return obj({
    apiVersion: opt(str('API version of the referent.')),
    fieldPath: opt(str('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].')),
    kind: opt(str('Kind of the referent. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds')),
    name: opt(str('Name of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#names')),
    namespace: opt(str('Namespace of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/')),
    resourceVersion: opt(str('Specific resourceVersion to which this reference is made, if any. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#concurrency-control-and-consistency')),
    uid: opt(str('UID of the referent. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#uids')),
  }, description, { 'x-kubernetes-map-type': 'atomic' });
}

export const toleration = obj({
  effect: opt(str('Effect indicates the taint effect to match. Empty means match all taint effects. When specified, allowed values are NoSchedule, PreferNoSchedule and NoExecute.')),
  key: opt(str('Key is the taint key that the toleration applies to. Empty means match all taint keys. If the key is empty, operator must be Exists; this combination means to match all values and all keys.')),
  operator: opt(str("Operator represents a key's relationship to the value. Valid operators are Exists and Equal. Defaults to Equal.")),
  tolerationSeconds: opt(int64('TolerationSeconds represents the period of time the toleration (which must be of effect NoExecute, otherwise this field is ignored) tolerates the taint.')),
  value: opt(str('Value is the taint value the toleration matches to. If the operator is Exists, the value should be empty, otherwise just a regular string.')),
}, 'The pod this Toleration is attached to tolerates any taint that matches the triple <key,value,effect> using the matching operator <operator>.');

export const tolerations = (description = 'If specified, the pod\'s tolerations.') => arr(toleration, description);

/** core/v1 Affinity: scheduling terms are kept whole (the scheduler, not the API, reads them). */
export const affinity = (description = "If specified, the pod's scheduling constraints") => obj({
  nodeAffinity: opt(preserveObject('Describes node affinity scheduling rules for the pod.')),
  podAffinity: opt(preserveObject('Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).')),
  podAntiAffinity: opt(preserveObject('Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).')),
}, description);

export const resourceRequirements = (description = 'ResourceRequirements describes the compute resource requirements.') => obj({
  claims: opt(arr(obj({ name: str(), request: opt(str()) }), 'Claims lists the names of resources, defined in spec.resourceClaims, that are used by this container.', { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })),
  limits: opt(resourceList('Limits describes the maximum amount of compute resources allowed. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/')),
  requests: opt(resourceList('Requests describes the minimum amount of compute resources required. If Requests is omitted for a container, it defaults to Limits if that is explicitly specified, otherwise to an implementation-defined value. More info: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/')),
}, description);

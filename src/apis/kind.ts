// One API kind, defined once: its schema gives the static type, validation, defaults and OpenAPI.
import type { TSchema } from '@sinclair/typebox';
import type { KubeObject } from '../common/object.js';
import type { FieldError, StatusCause } from '../common/status-error.js';

export interface PrinterColumn {
  /** Column header as the upstream CRD's additionalPrinterColumns (or the built-in printer) names it. */
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** A kubectl-style JSONPath (`.status.conditions[?(@.type=="Ready")].status`); or use `cell`. */
  jsonPath?: string;
  /** Computed cell, for the built-in kinds whose printers are code upstream (Node STATUS, ROLES…). */
  cell?: (obj: KubeObject, now: Date) => string | number | boolean | undefined;
  description?: string;
  /** 0 = default view, >0 only with `-o wide`. */
  priority?: number;
  format?: string;
}

/**
 * Strategic-merge-patch metadata for the kinds compiled into kubectl. Keyed by a dotted path of map
 * fields from the object root (list items are transparent: `spec.containers.ports`).
 * `mergeKey` set => a list merged by that key; `merge` without key => a set of primitives (union).
 * Lists not named here are replaced wholesale.
 */
export interface StrategicListRule {
  path: string;
  mergeKey?: string;
  /** `retainKeys` strategies are rare; lists only need merge/replace here. */
  strategy: 'merge' | 'replace';
}

export interface FieldSelectorDef {
  /** e.g. `spec.nodeName`, `involvedObject.name`, `status.phase`. */
  field: string;
  value: (obj: KubeObject) => string | undefined;
}

/**
 * A validating admission webhook upstream registers for a kind (KubeVirt's virt-api). It sees main-resource
 * writes that passed the server's own validation; a denial is a 422 reading
 * `admission webhook "<name>" denied the request: <the causes' messages, comma-joined>`.
 */
export interface ValidatingWebhook {
  name: string;
  operations: ReadonlyArray<'CREATE' | 'UPDATE'>;
  /** Causes in upstream words; `old` is undefined on create. */
  validate: (obj: KubeObject, old: KubeObject | undefined) => StatusCause[];
}

export interface KindDef {
  group: string; // '' for the core group
  /** Served versions in preference order; the first is the storage and preferred version. */
  versions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Whole object: apiVersion, kind, metadata, spec, status… Descriptions feed `kubectl explain`. */
  schema: TSchema;
  /** Fully qualified OpenAPI schema name, e.g. `io.kubevirt.v1.VirtualMachine`, `io.k8s.api.core.v1.ConfigMap`. */
  openapiName: string;
  subresources: { status: boolean };
  /** Columns after NAME (NAMESPACE is added by kubectl for -A). Include Age where upstream does. */
  printerColumns: PrinterColumn[];
  /** Present only for kinds kubectl patches strategically (core and other built-in kinds). */
  strategicMerge?: StrategicListRule[];
  fieldSelectors: FieldSelectorDef[];
  /**
   * Normalisation applied on every write, create and update (upstream's SetDefaults_* functions: e.g. a
   * Secret's stringData folded into data); pure, mutates the given object.
   */
  normalize?: (obj: KubeObject) => void;
  /** Fill defaults on create only (upstream's PrepareForCreate); pure, mutates the given object. */
  defaults?: (obj: KubeObject) => void;
  /** Kind-specific validation beyond the schema; returns field errors in upstream words. */
  validate?: (obj: KubeObject, old: KubeObject | undefined) => FieldError[];
  /** Webhooks that validate this kind after `validate` passed, in order. */
  validatingWebhooks?: ValidatingWebhook[];
  /** Name validation: `subdomain` (DNS-1123 subdomain, most kinds), `label` (Namespace…), `path` (path segment only). */
  nameRule: 'subdomain' | 'label' | 'path';
}

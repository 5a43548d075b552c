// The public face of src/apis: the kind contract, the registry of served kinds, and schema-driven
// pruning, defaulting and validation. Kind files export their schema, static type and KindDef.
export type { KindDef, PrinterColumn, StrategicListRule, FieldSelectorDef } from './kind.js';
export {
  allKinds, compareKubeVersions, kindByApiVersion, kindByGroupKind, kindByGroupResource, kindByResource,
  kindsInCategory, resolveResource, servedGroups, splitApiVersion,
} from './registry.js';
export type { GroupVersions, ResourceMatch } from './registry.js';
export {
  applySchemaDefaults, MAX_NESTING_DEPTH, pruneUnknownFields, validateSchema,
} from './schema-validate.js';

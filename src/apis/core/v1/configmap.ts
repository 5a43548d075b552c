// core/v1 ConfigMap (k8s.io/api/core/v1 types.go; validation: ValidateConfigMap/ValidateConfigMapUpdate).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import type { FieldError } from '../../../common/status-error.js';
import { deepEqual, isPlainObject } from '../../../common/object.js';
import { byteLength } from '../../../common/names.js';
import { bool, mapOf, opt, str, stringMap } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { AGE_COLUMN, mapSize } from '../../printer-columns.js';
import {
  base64DecodeError, base64Error, decodedLength, IMMUTABLE_SET_MESSAGE, MAX_CONFIG_DATA_SIZE, validateConfigKeys,
} from './config-data.js';

export const configMapSchema = kindSchema('ConfigMap holds configuration data for pods to consume.', {
  binaryData: opt(mapOf(str(undefined, { format: 'byte' }), "BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process. Using this field will require 1.10+ apiserver and kubelet.")),
  data: opt(stringMap("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.")),
  immutable: opt(bool('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.')),
});

export type ConfigMap = Static<typeof configMapSchema>;

/** The 400 BadRequest apiserver gives for undecodable `binaryData` (see base64DecodeError), or undefined. */
export function configMapDecodeError(o: KubeObject): string | undefined {
  return base64DecodeError('ConfigMap', o['binaryData']);
}

function validateConfigMap(o: KubeObject): FieldError[] {
  const data = isPlainObject(o['data']) ? o['data'] : {};
  const binary = isPlainObject(o['binaryData']) ? o['binaryData'] : {};
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, v] of Object.entries(data)) {
    errs.push(...validateConfigKeys({ [key]: v }, 'data'));
    if (Object.prototype.hasOwnProperty.call(binary, key)) {
      errs.push({ type: 'FieldValueInvalid', field: `data[${key}]`, value: key, detail: 'duplicate of key present in binaryData' });
    }
    if (typeof v === 'string') total += byteLength(v);
  }
  errs.push(...validateConfigKeys(binary, 'binaryData'));
  for (const [key, v] of Object.entries(binary)) {
    if (typeof v !== 'string') continue;
    // Upstream never gets this far (a 400 decode error, configMapDecodeError); kept as a safety net.
    const bad = base64Error(v);
    if (bad !== undefined) errs.push({ type: 'FieldValueInvalid', field: `binaryData[${key}]`, detail: bad });
    else total += decodedLength(v);
  }
  // The error names the whole object: an empty field path.
  if (total > MAX_CONFIG_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: '', detail: `may not be more than ${MAX_CONFIG_DATA_SIZE} bytes` });
  return errs;
}

function validateConfigMapUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  if (old['immutable'] !== true) return [];
  const errs: FieldError[] = [];
  if (o['immutable'] !== true) errs.push({ type: 'FieldValueForbidden', field: 'immutable', detail: IMMUTABLE_SET_MESSAGE });
  if (!deepEqual(o['data'], old['data'])) errs.push({ type: 'FieldValueForbidden', field: 'data', detail: IMMUTABLE_SET_MESSAGE });
  if (!deepEqual(o['binaryData'], old['binaryData'])) errs.push({ type: 'FieldValueForbidden', field: 'binaryData', detail: IMMUTABLE_SET_MESSAGE });
  return errs;
}

export const configMapKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  plural: 'configmaps',
  singular: 'configmap',
  namespaced: true,
  shortNames: ['cm'],
  categories: [],
  schema: configMapSchema,
  openapiName: 'io.k8s.api.core.v1.ConfigMap',
  subresources: { status: false },
  printerColumns: [
    { name: 'Data', type: 'string', cell: (o) => mapSize(o, 'data') + mapSize(o, 'binaryData'), description: 'Data contains the configuration data.' },
    AGE_COLUMN,
  ],
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [],
  validate: (o, old) => [...(old ? validateConfigMapUpdate(o, old) : []), ...validateConfigMap(o)],
  nameRule: 'subdomain',
};

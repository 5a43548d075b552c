// core/v1 Secret (k8s.io/api/core/v1 types.go; validation: ValidateSecret/ValidateSecretUpdate;
// stringData: pkg/apis/core/v1/conversion.go Convert_v1_Secret_To_core_Secret).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import type { KubeObject } from '../../../common/object.js';
import type { FieldError } from '../../../common/status-error.js';
import { deepEqual, isPlainObject } from '../../../common/object.js';
import { bool, mapOf, opt, str, stringMap } from '../../field-types.js';
import { kindSchema, METADATA_STRATEGIC_RULES } from '../../meta.js';
import { AGE_COLUMN, mapSize, stringField } from '../../printer-columns.js';
import {
  base64DecodeError, base64Error, decodedLength, IMMUTABLE_SET_MESSAGE, MAX_CONFIG_DATA_SIZE, validateConfigKeys,
} from './config-data.js';

export const secretSchema = kindSchema('Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.', {
  data: opt(mapOf(str(undefined, { format: 'byte' }), "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4")),
  immutable: opt(bool('Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.')),
  stringData: opt(stringMap('stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.')),
  type: opt(str('Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types')),
});

export type Secret = Static<typeof secretSchema>;

export const SECRET_TYPE_OPAQUE = 'Opaque';

/** stringData is write-only: merged into data (base64 of UTF-8, overriding) and dropped. Every write. */
export function mergeStringData(o: KubeObject): void {
  const sd = o['stringData'];
  if (sd === undefined) return;
  delete o['stringData'];
  if (!isPlainObject(sd)) return;
  const data: Record<string, unknown> = isPlainObject(o['data']) ? { ...o['data'] } : {};
  for (const [k, v] of Object.entries(sd)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  }
  o['data'] = data;
}

/** The 400 BadRequest apiserver gives for undecodable `data` (see base64DecodeError), or undefined. */
export function secretDecodeError(o: KubeObject): string | undefined {
  return base64DecodeError('Secret', o['data']);
}

const requiredKey = (key: string): FieldError => ({ type: 'FieldValueRequired', field: `data[${key}]` });

function validateSecret(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const data = isPlainObject(o['data']) ? o['data'] : {};
  errs.push(...validateConfigKeys(data, 'data'));
  let total = 0;
  for (const [key, v] of Object.entries(data)) {
    if (typeof v !== 'string') continue;
    // Upstream never gets this far (a 400 decode error, secretDecodeError); kept as a safety net.
    const bad = base64Error(v);
    if (bad !== undefined) errs.push({ type: 'FieldValueInvalid', field: `data[${key}]`, detail: bad });
    else total += decodedLength(v);
  }
  if (total > MAX_CONFIG_DATA_SIZE) errs.push({ type: 'FieldValueTooLong', field: 'data', detail: `may not be more than ${MAX_CONFIG_DATA_SIZE} bytes` });
  const has = (k: string) => Object.prototype.hasOwnProperty.call(data, k);
  switch (stringField(o, 'type')) {
    case 'kubernetes.io/service-account-token':
      if (!o.metadata.annotations?.['kubernetes.io/service-account.name']) {
        errs.push({ type: 'FieldValueRequired', field: 'metadata.annotations[kubernetes.io/service-account.name]' });
      }
      break;
    case 'kubernetes.io/dockercfg':
      if (!has('.dockercfg')) errs.push(requiredKey('.dockercfg'));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (!has('.dockerconfigjson')) errs.push(requiredKey('.dockerconfigjson'));
      break;
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) errs.push(requiredKey('username'), requiredKey('password'));
      break;
    case 'kubernetes.io/ssh-auth':
      if (stringField(o, 'data', 'ssh-privatekey') === '') errs.push(requiredKey('ssh-privatekey'));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errs.push(requiredKey('tls.crt'));
      if (!has('tls.key')) errs.push(requiredKey('tls.key'));
      break;
    default:
  }
  return errs;
}

function validateSecretUpdate(o: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (o['type'] !== old['type']) errs.push({ type: 'FieldValueInvalid', field: 'type', value: o['type'] ?? '', detail: 'field is immutable' });
  if (old['immutable'] === true) {
    if (o['immutable'] !== true) errs.push({ type: 'FieldValueForbidden', field: 'immutable', detail: IMMUTABLE_SET_MESSAGE });
    if (!deepEqual(o['data'], old['data'])) errs.push({ type: 'FieldValueForbidden', field: 'data', detail: IMMUTABLE_SET_MESSAGE });
  }
  return errs;
}

export const secretKind: KindDef = {
  group: '',
  versions: ['v1'],
  kind: 'Secret',
  listKind: 'SecretList',
  plural: 'secrets',
  singular: 'secret',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: secretSchema,
  openapiName: 'io.k8s.api.core.v1.Secret',
  subresources: { status: false },
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.type', description: 'Used to facilitate programmatic handling of secret data.' },
    { name: 'Data', type: 'string', cell: (o) => mapSize(o, 'data'), description: 'Data contains the secret data.' },
    AGE_COLUMN,
  ],
  strategicMerge: [...METADATA_STRATEGIC_RULES],
  fieldSelectors: [{ field: 'type', value: (o) => stringField(o, 'type') }],
  // SetDefaults_Secret: type Opaque; the stringData conversion runs on every write (call mergeStringData).
  normalize: (o) => {
    if (o['type'] === undefined || o['type'] === '') o['type'] = SECRET_TYPE_OPAQUE;
    mergeStringData(o);
  },
  validate: (o, old) => [...(old ? validateSecretUpdate(o, old) : []), ...validateSecret(o)],
  nameRule: 'subdomain',
};

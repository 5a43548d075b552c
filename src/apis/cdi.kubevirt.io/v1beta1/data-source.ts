// cdi.kubevirt.io/v1beta1 DataSource: a named pointer at a golden image (containerized-data-importer
// core/v1beta1 types.go; shortName das, category all, no columns, no status subresource).
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { obj, opt, str } from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import { DEFAULT_CRD_COLUMNS } from '../../printer-columns.js';
import { cdiConditions } from './data-volume.js';

const nsName = (what: string) => obj({
  name: str(`The name of the source ${what}`),
  namespace: str(`The namespace of the source ${what}`),
});

const dataSourceSource = (description: string) => obj({
  dataSource: opt(nsName('DataSource')),
  pvc: opt(nsName('PVC')),
  snapshot: opt(nsName('VolumeSnapshot')),
}, description);

export const dataSourceSchema = kindSchema('DataSource references an import/clone source for a DataVolume', {
  spec: obj({
    source: dataSourceSource('Source is the source of the data referenced by the DataSource'),
  }, 'DataSourceSpec defines specification for DataSource'),
  status: opt(status({
    conditions: opt(cdiConditions()),
    source: opt(dataSourceSource('Source is the current source of the data referenced by the DataSource')),
  }, 'DataSourceStatus provides the most recently observed status of the DataSource')),
});

export type DataSource = Static<typeof dataSourceSchema>;

export const dataSourceKind: KindDef = {
  group: 'cdi.kubevirt.io',
  versions: ['v1beta1'],
  kind: 'DataSource',
  listKind: 'DataSourceList',
  plural: 'datasources',
  singular: 'datasource',
  namespaced: true,
  shortNames: ['das'],
  categories: ['all'],
  schema: dataSourceSchema,
  openapiName: 'io.kubevirt.cdi.v1beta1.DataSource',
  subresources: { status: false },
  printerColumns: DEFAULT_CRD_COLUMNS,
  fieldSelectors: [],
  nameRule: 'subdomain',
};

// operators.virtnet.io/v1 ClusterServiceVersion: one installed version of a package, shaped as OLM's
// operators.coreos.com/v1alpha1 ClusterServiceVersion (operator-framework/api pkg/operators/v1alpha1/
// clusterserviceversion_types.go; CRD columns Display, Version, Replaces, Phase; short names csv, csvs;
// category olm). status.phase walks Pending → InstallReady → Installing → Succeeded.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, dateTime, obj, opt, preserveObject, str, stringList, stringMap } from '../../field-types.js';
import { kindSchema } from '../../meta.js';
import { OPERATORS_GROUP } from '../names.js';
import { appLink, appProvider, customResourceDefinitions, icon, installMode, maintainer } from './package-manifest.js';

export const CSV_PHASES = ['', 'Pending', 'InstallReady', 'Installing', 'Succeeded', 'Failed', 'Unknown', 'Replacing', 'Deleting'] as const;
export type CsvPhase = typeof CSV_PHASES[number];

export const csvConditionSchema = obj({
  phase: str('Condition of the ClusterServiceVersion'),
  message: opt(str('A human readable message indicating details about why the ClusterServiceVersion is in this condition.')),
  reason: opt(str('A brief CamelCase message indicating details about why the ClusterServiceVersion is in this state. e.g. \'RequirementsNotMet\'')),
  lastUpdateTime: opt(dateTime('Last time we updated the status')),
  lastTransitionTime: opt(dateTime('Last time the status transitioned from one status to another.')),
}, 'Conditions appear in the status as a record of state transitions on the ClusterServiceVersion');

export const csvSchema = kindSchema('ClusterServiceVersion is a Custom Resource of type `ClusterServiceVersionSpec`.', {
  spec: obj({
    displayName: str(),
    description: opt(str()),
    version: opt(str('OperatorVersion is a wrapper around semver.Version which supports correct marshaling to YAML and JSON.')),
    replaces: opt(str('The name of a CSV this one replaces. Should match the `metadata.Name` field of the old CSV.')),
    skips: opt(stringList('The name(s) of one or more CSV(s) that should be skipped in the upgrade graph. Should match the `metadata.Name` field of the CSV that should be skipped. This field is only used during catalog creation and plays no part in cluster runtime.')),
    maturity: opt(str()),
    minKubeVersion: opt(str()),
    provider: opt(appProvider),
    keywords: opt(stringList()),
    links: opt(arr(appLink)),
    maintainers: opt(arr(maintainer)),
    icon: opt(arr(icon)),
    labels: opt(stringMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.')),
    annotations: opt(stringMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.')),
    installModes: opt(arr(installMode, 'InstallModes specify supported installation types')),
    customresourcedefinitions: opt(customResourceDefinitions),
    install: obj({
      strategy: str(),
      spec: opt(preserveObject('StrategyDetailsDeployment represents the parsed details of a Deployment InstallStrategy.')),
    }, 'NamedInstallStrategy represents the block of an ClusterServiceVersion resource where the install strategy is specified.'),
    selector: opt(preserveObject('Label selector for related resources.')),
    relatedImages: opt(arr(obj({ name: str(), image: str() }))),
  }, 'ClusterServiceVersionSpec declarations tell OLM how to install an operator that can manage apps for a given version.'),
  status: opt(obj({
    phase: opt(str('Current condition of the ClusterServiceVersion')),
    message: opt(str('A human readable message indicating details about why the ClusterServiceVersion is in this condition.')),
    reason: opt(str('A brief CamelCase message indicating details about why the ClusterServiceVersion is in this state. e.g. \'RequirementsNotMet\'')),
    lastUpdateTime: opt(dateTime('Last time we updated the status')),
    lastTransitionTime: opt(dateTime('Last time the status transitioned from one status to another.')),
    conditions: opt(arr(csvConditionSchema, 'List of conditions, a history of state transitions')),
    requirementStatus: opt(arr(preserveObject(), 'The status of each requirement for this CSV')),
  }, 'ClusterServiceVersionStatus represents information about the status of a CSV. Status may trail the actual state of a system.')),
});

export type ClusterServiceVersion = Static<typeof csvSchema>;

export const csvKind: KindDef = {
  group: OPERATORS_GROUP,
  versions: ['v1'],
  kind: 'ClusterServiceVersion',
  listKind: 'ClusterServiceVersionList',
  plural: 'clusterserviceversions',
  singular: 'clusterserviceversion',
  namespaced: true,
  shortNames: ['csv', 'csvs'],
  categories: ['olm'],
  schema: csvSchema,
  openapiName: 'io.virtnet.operators.v1.ClusterServiceVersion',
  subresources: { status: true },
  printerColumns: [
    { name: 'Display', type: 'string', jsonPath: '.spec.displayName', description: 'The name of the CSV' },
    { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'The version of the CSV' },
    { name: 'Replaces', type: 'string', jsonPath: '.spec.replaces', description: 'The name of a CSV that this one replaces' },
    { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  ],
  fieldSelectors: [],
  nameRule: 'subdomain',
};

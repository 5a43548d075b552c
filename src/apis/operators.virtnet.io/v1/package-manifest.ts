// operators.virtnet.io/v1 PackageManifest: one installable component of the catalog, shaped as OLM's
// packages.operators.coreos.com/v1 PackageManifest (operator-lifecycle-manager pkg/package-server/apis/
// operators/v1/packagemanifest_types.go): an empty spec and a status naming the catalog, the provider and
// the channels, each with the current ClusterServiceVersion's description. virtnet's is cluster-scoped.
// `oc get packagemanifests` prints NAME, CATALOG (the catalog's display name), AGE.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import { arr, bool, obj, opt, str, stringList, stringMap } from '../../field-types.js';
import { kindSchema } from '../../meta.js';
import { AGE_COLUMN } from '../../printer-columns.js';
import { OPERATORS_GROUP } from '../names.js';

export const appLink = obj({
  name: opt(str()),
  url: opt(str()),
}, 'AppLink defines a link to an application');

export const maintainer = obj({
  name: opt(str()),
  email: opt(str()),
}, 'Maintainer defines a project maintainer');

export const appProvider = obj({
  name: opt(str()),
  url: opt(str()),
}, 'AppLink defines a link to an application');

export const icon = obj({
  base64data: str(),
  mediatype: str(),
});

export const installMode = obj({
  type: str('InstallModeType is a supported type of install mode for CSV installation'),
  supported: bool(),
}, 'InstallMode associates an InstallModeType with a flag representing if the CSV supports it');

export const crdDescription = obj({
  name: str(),
  version: str(),
  kind: str(),
  displayName: opt(str()),
  description: opt(str()),
}, 'CRDDescription provides details to OLM about the CRDs');

export const customResourceDefinitions = obj({
  owned: opt(arr(crdDescription)),
  required: opt(arr(crdDescription)),
}, 'CustomResourceDefinitions declares all of the CRDs managed or required by an operator being ran by ClusterServiceVersion.');

const csvDescription = obj({
  displayName: opt(str('DisplayName is the CSV\'s display name')),
  icon: opt(arr(icon, 'Icon is the CSV\'s base64 encoded icon')),
  version: opt(str('Version is the CSV\'s semantic version')),
  provider: opt(appProvider),
  annotations: opt(stringMap()),
  keywords: opt(stringList()),
  links: opt(arr(appLink)),
  maintainers: opt(arr(maintainer)),
  maturity: opt(str()),
  description: opt(str('LongDescription is the CSV\'s description')),
  installModes: opt(arr(installMode, 'InstallModes specify supported installation types')),
  customresourcedefinitions: opt(customResourceDefinitions),
  nativeAPIs: opt(arr(obj({ group: str(), version: str(), kind: str() }))),
  minKubeVersion: opt(str('Minimum Kubernetes version for operator installation')),
  relatedImages: opt(stringList('List of related images')),
}, 'CSVDescription defines a description of a CSV');

export const packageChannel = obj({
  name: str('Name is the name of the channel, e.g. `alpha` or `stable`'),
  currentCSV: str('CurrentCSV defines a reference to the CSV holding the version of this package currently for the channel.'),
  currentCSVDesc: opt(csvDescription),
  entries: opt(arr(obj({
    name: str('Name is the name of the bundle for this entry.'),
    version: opt(str('Version is the version of the bundle for this entry.')),
  }, 'ChannelEntry defines a member of a package channel.'), 'Entries lists all CSVs in the channel, with their upgrade edges.')),
}, 'PackageChannel defines a single channel under a package, pointing to a version of that package.');

export const packageManifestSchema = kindSchema('PackageManifest holds information about a package, which is a reference to one (or more) channels under a single package.', {
  spec: opt(obj({}, 'PackageManifestSpec defines the desired state of PackageManifest')),
  status: opt(obj({
    catalogSource: str('CatalogSource is the name of a CatalogSource this package belongs to'),
    catalogSourceDisplayName: opt(str()),
    catalogSourcePublisher: opt(str()),
    catalogSourceNamespace: str('CatalogSourceNamespace is the namespace of the owning CatalogSource'),
    provider: opt(appProvider),
    packageName: str('PackageName is the name of the overall package, ala `etcd`.'),
    channels: arr(packageChannel, 'Channels are the declared channels for the package, ala `stable` or `alpha`.'),
    defaultChannel: str('DefaultChannel is, if specified, the name of the default channel for the package. The default channel will be installed if no other channel is explicitly given. If the package has a single channel, then that channel is implicitly the default.'),
    deprecation: opt(obj({ message: str() }, 'Deprecation conveys information regarding a deprecated resource.')),
  }, 'PackageManifestStatus represents the current status of the PackageManifest')),
});

export type PackageManifest = Static<typeof packageManifestSchema>;
export type PackageChannel = Static<typeof packageChannel>;

export const packageManifestKind: KindDef = {
  group: OPERATORS_GROUP,
  versions: ['v1'],
  kind: 'PackageManifest',
  listKind: 'PackageManifestList',
  plural: 'packagemanifests',
  singular: 'packagemanifest',
  namespaced: false,
  shortNames: [],
  categories: [],
  schema: packageManifestSchema,
  openapiName: 'io.virtnet.operators.v1.PackageManifest',
  subresources: { status: false },
  printerColumns: [
    { name: 'Catalog', type: 'string', jsonPath: '.status.catalogSourceDisplayName', description: 'The display name of the catalog the package belongs to' },
    AGE_COLUMN,
  ],
  fieldSelectors: [],
  nameRule: 'subdomain',
};

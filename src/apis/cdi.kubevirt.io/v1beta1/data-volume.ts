// cdi.kubevirt.io/v1beta1 DataVolume (containerized-data-importer staging/src/kubevirt.io/
// containerized-data-importer-api/pkg/apis/core/v1beta1/types.go). Its spec is also the spec of a
// VirtualMachine's dataVolumeTemplates.
import type { Static } from '@sinclair/typebox';
import type { KindDef } from '../../kind.js';
import {
  arr, bool, dateTime, emptyObject, int32, labelSelector, obj, opt, preserveObject, resourceRequirements, str, strEnum, stringList,
} from '../../field-types.js';
import { kindSchema, status } from '../../meta.js';
import { AGE_COLUMN } from '../../printer-columns.js';

const nsName = (what: string) => obj({
  name: str(`The name of the source ${what}`),
  namespace: str(`The namespace of the source ${what}`),
});

const secretRef = opt(str('SecretRef provides the secret reference needed to access the source'));
const certConfigMap = opt(str('CertConfigMap is a configmap reference, containing a Certificate Authority(CA) public key, and a base64 encoded pem certificate'));

export const dataVolumeSource = obj({
  blank: opt(emptyObject('DataVolumeBlankImage provides the parameters to create a new raw blank image for the PVC')),
  gcs: opt(obj({ secretRef, url: str('URL is the url of the GCS source') }, 'DataVolumeSourceGCS provides the parameters to create a Data Volume from an GCS source')),
  http: opt(obj({
    certConfigMap,
    extraHeaders: opt(stringList('ExtraHeaders is a list of strings containing extra headers to include with HTTP transfer requests')),
    secretExtraHeaders: opt(stringList('SecretExtraHeaders is a list of Secret references, each containing an extra HTTP header that may include sensitive information')),
    secretRef,
    url: str('URL is the URL of the http(s) endpoint'),
  }, 'DataVolumeSourceHTTP can be either an http or https endpoint, with an optional basic auth user name and password, and an optional configmap containing additional CAs')),
  imageio: opt(obj({
    certConfigMap,
    diskId: str('DiskID provides id of a disk to be imported'),
    insecureSkipVerify: opt(bool('InsecureSkipVerify is a flag to skip certificate verification')),
    secretRef,
    url: str('URL is the URL of the ovirt-engine'),
  }, 'DataVolumeSourceImageIO provides the parameters to create a Data Volume from an imageio source')),
  pvc: opt(nsName('PVC')),
  registry: opt(obj({
    certConfigMap: opt(str('CertConfigMap provides a reference to the Registry certs')),
    imageStream: opt(str('ImageStream is the name of image stream for import')),
    platform: opt(obj({ architecture: opt(str('Architecture specifies the image target CPU architecture')) }, 'Platform describes the minimum runtime requirements of the image')),
    pullMethod: opt(strEnum(['pod', 'node'], 'PullMethod can be either "pod" (default import), or "node" (node docker cache based import)')),
    secretRef: opt(str('SecretRef provides the secret reference needed to access the Registry source')),
    url: opt(str('URL is the url of the registry source (starting with the scheme: docker, oci-archive)')),
  }, 'DataVolumeSourceRegistry provides the parameters to create a Data Volume from an registry source')),
  s3: opt(obj({ certConfigMap, secretRef, url: str('URL is the url of the S3 source') }, 'DataVolumeSourceS3 provides the parameters to create a Data Volume from an S3 source')),
  snapshot: opt(nsName('VolumeSnapshot')),
  upload: opt(emptyObject('DataVolumeSourceUpload provides the parameters to create a Data Volume by uploading the source')),
  vddk: opt(preserveObject('DataVolumeSourceVDDK provides the parameters to create a Data Volume from a Vmware source')),
}, 'Source is the src of the data for the requested DataVolume');

const typedRef = (description: string) => obj({
  apiGroup: opt(str('APIGroup is the group for the resource being referenced.')),
  kind: str('Kind is the type of resource being referenced'),
  name: str('Name is the name of resource being referenced'),
  namespace: opt(str('Namespace is the namespace of resource being referenced')),
}, description, { 'x-kubernetes-map-type': 'atomic' });

const claimFields = {
  accessModes: opt(stringList('AccessModes contains the desired access modes the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1', { 'x-kubernetes-list-type': 'atomic' })),
  dataSource: opt(typedRef('This field can be used to specify either: * An existing VolumeSnapshot object (snapshot.storage.k8s.io/VolumeSnapshot) * An existing PVC (PersistentVolumeClaim) * An existing custom resource that implements data population.')),
  dataSourceRef: opt(typedRef('Specifies the object from which to populate the volume with data, if a non-empty volume is desired.')),
  resources: opt(resourceRequirements('Resources represents the minimum resources the volume should have. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#resources')),
  selector: opt(labelSelector('A label query over volumes to consider for binding.')),
  storageClassName: opt(str('Name of the StorageClass required by the claim. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#class-1')),
  volumeMode: opt(str('volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.')),
  volumeName: opt(str('VolumeName is the binding reference to the PersistentVolume backing this claim.')),
};

export const dataVolumeSpec = obj({
  checkpoints: opt(arr(obj({
    current: str('Current is the identifier of the snapshot created for this checkpoint.'),
    previous: str('Previous is the identifier of the snapshot from the previous checkpoint.'),
  }, 'DataVolumeCheckpoint defines a stage in a warm migration.'), 'Checkpoints is a list of DataVolumeCheckpoints, representing stages in a multistage import.')),
  contentType: opt(strEnum(['kubevirt', 'archive'], 'DataVolumeContentType options: "kubevirt", "archive"')),
  finalCheckpoint: opt(bool('FinalCheckpoint indicates whether the current DataVolumeCheckpoint is the final checkpoint.')),
  preallocation: opt(bool('Preallocation controls whether storage for DataVolumes should be allocated in advance.')),
  priorityClassName: opt(str('PriorityClassName for Importer, Cloner and Uploader pod')),
  pvc: opt(obj({ ...claimFields, volumeAttributesClassName: opt(str('volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.')) }, 'PVC is the PVC specification')),
  source: opt(dataVolumeSource),
  sourceRef: opt(obj({
    kind: str('The kind of the source reference, currently only "DataSource" is supported'),
    name: str('The name of the source reference'),
    namespace: opt(str('The namespace of the source reference, defaults to the DataVolume namespace')),
  }, 'SourceRef is an indirect reference to the source of data for the requested DataVolume')),
  storage: opt(obj(claimFields, 'Storage is the requested storage specification')),
}, 'DataVolumeSpec defines the DataVolume type specification');

/** CDI's condition shape (DataVolume, DataSource): type and status required. */
export const cdiConditions = () => arr(obj({
  lastHeartbeatTime: opt(dateTime(undefined, true)),
  lastTransitionTime: opt(dateTime(undefined, true)),
  message: opt(str()),
  reason: opt(str()),
  status: str(),
  type: str('type of condition ie. Ready|Bound|Running.'),
}, 'DataVolumeCondition represents the state of a data volume condition.'));

export const dataVolumeSchema = kindSchema('DataVolume is an abstraction on top of PersistentVolumeClaims to allow easy population of those PersistentVolumeClaims with relation to VirtualMachines', {
  spec: dataVolumeSpec,
  status: opt(status({
    claimName: opt(str('ClaimName is the name of the underlying PVC used by the DataVolume.')),
    conditions: opt(cdiConditions()),
    phase: opt(str('Phase is the current phase of the data volume')),
    progress: opt(str('DataVolumeProgress is the current progress of the DataVolume transfer operation. Value between 0 and 100 inclusive, N/A if not available')),
    restartCount: opt(int32('RestartCount is the number of times the pod populating the DataVolume has restarted')),
  }, 'DataVolumeStatus contains the current status of the DataVolume')),
});

export type DataVolume = Static<typeof dataVolumeSchema>;

export const dataVolumeKind: KindDef = {
  group: 'cdi.kubevirt.io',
  versions: ['v1beta1'],
  kind: 'DataVolume',
  listKind: 'DataVolumeList',
  plural: 'datavolumes',
  singular: 'datavolume',
  namespaced: true,
  shortNames: ['dv', 'dvs'],
  categories: ['all'],
  schema: dataVolumeSchema,
  openapiName: 'io.kubevirt.cdi.v1beta1.DataVolume',
  subresources: { status: true },
  printerColumns: [
    { name: 'Phase', type: 'string', jsonPath: '.status.phase', description: 'The phase the data volume is in' },
    { name: 'Progress', type: 'string', jsonPath: '.status.progress', description: 'Transfer progress in percentage if known, N/A otherwise' },
    { name: 'Restarts', type: 'integer', jsonPath: '.status.restartCount', description: 'The number of times the transfer has been restarted.' },
    AGE_COLUMN,
  ],
  fieldSelectors: [],
  nameRule: 'subdomain',
};

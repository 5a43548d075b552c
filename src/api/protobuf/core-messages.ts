// Field numbers of the built-in kinds kubectl creates with protobuf bodies (`kubectl create namespace|
// configmap|secret|role|clusterrole|rolebinding|clusterrolebinding`), from k8s.io/api/*/generated.proto.
import type { MessageDesc } from './wire.js';

const ownerReference: MessageDesc = {
  5: { name: 'apiVersion', kind: 'string' },
  1: { name: 'kind', kind: 'string' },
  3: { name: 'name', kind: 'string' },
  4: { name: 'uid', kind: 'string' },
  6: { name: 'controller', kind: 'bool' },
  7: { name: 'blockOwnerDeletion', kind: 'bool' },
};

export const objectMeta: MessageDesc = {
  1: { name: 'name', kind: 'string' },
  2: { name: 'generateName', kind: 'string' },
  3: { name: 'namespace', kind: 'string' },
  5: { name: 'uid', kind: 'string' },
  6: { name: 'resourceVersion', kind: 'string' },
  7: { name: 'generation', kind: 'int64' },
  8: { name: 'creationTimestamp', kind: 'time' },
  9: { name: 'deletionTimestamp', kind: 'time' },
  10: { name: 'deletionGracePeriodSeconds', kind: 'int64' },
  11: { name: 'labels', kind: 'string', map: 'string' },
  12: { name: 'annotations', kind: 'string', map: 'string' },
  13: { name: 'ownerReferences', kind: 'message', repeated: true, message: ownerReference },
  14: { name: 'finalizers', kind: 'string', repeated: true },
};

const meta = { 1: { name: 'metadata', kind: 'message', message: objectMeta } } as const satisfies MessageDesc;

const policyRule: MessageDesc = {
  1: { name: 'verbs', kind: 'string', repeated: true },
  2: { name: 'apiGroups', kind: 'string', repeated: true },
  3: { name: 'resources', kind: 'string', repeated: true },
  4: { name: 'resourceNames', kind: 'string', repeated: true },
  5: { name: 'nonResourceURLs', kind: 'string', repeated: true },
};

const subject: MessageDesc = {
  1: { name: 'kind', kind: 'string' },
  2: { name: 'apiGroup', kind: 'string' },
  3: { name: 'name', kind: 'string' },
  4: { name: 'namespace', kind: 'string' },
};

const roleRef: MessageDesc = {
  1: { name: 'apiGroup', kind: 'string' },
  2: { name: 'kind', kind: 'string' },
  3: { name: 'name', kind: 'string' },
};

/** Keyed by `<apiVersion>/<Kind>` as the envelope's TypeMeta names them. */
export const coreMessages: Record<string, MessageDesc> = {
  'v1/Namespace': {
    ...meta,
    2: { name: 'spec', kind: 'message', message: { 1: { name: 'finalizers', kind: 'string', repeated: true } } },
  },
  'v1/ConfigMap': {
    ...meta,
    2: { name: 'data', kind: 'string', map: 'string' },
    3: { name: 'binaryData', kind: 'bytes', map: 'bytes' },
    4: { name: 'immutable', kind: 'bool' },
  },
  'v1/Secret': {
    ...meta,
    2: { name: 'data', kind: 'bytes', map: 'bytes' },
    3: { name: 'type', kind: 'string' },
    4: { name: 'stringData', kind: 'string', map: 'string' },
    5: { name: 'immutable', kind: 'bool' },
  },
  'rbac.authorization.k8s.io/v1/Role': { ...meta, 2: { name: 'rules', kind: 'message', repeated: true, message: policyRule } },
  'rbac.authorization.k8s.io/v1/ClusterRole': { ...meta, 2: { name: 'rules', kind: 'message', repeated: true, message: policyRule } },
  'rbac.authorization.k8s.io/v1/RoleBinding': {
    ...meta,
    2: { name: 'subjects', kind: 'message', repeated: true, message: subject },
    3: { name: 'roleRef', kind: 'message', message: roleRef },
  },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': {
    ...meta,
    2: { name: 'subjects', kind: 'message', repeated: true, message: subject },
    3: { name: 'roleRef', kind: 'message', message: roleRef },
  },
};

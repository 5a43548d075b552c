// Names shared by the operators.virtnet.io kinds, the operator controller and the node agent.

export const OPERATORS_GROUP = 'operators.virtnet.io';
export const OPERATORS_API_VERSION = `${OPERATORS_GROUP}/v1`;

/** Label on every ClusterServiceVersion the operator controller creates: the package it installs. */
export const PACKAGE_LABEL = `${OPERATORS_GROUP}/package`;

/** The one catalog virtnet ships (OLM's CatalogSource name and namespace in a PackageManifest's status). */
export const CATALOG_SOURCE = 'virtnet-operators';
export const CATALOG_SOURCE_NAMESPACE = 'openshift-marketplace';
export const CATALOG_SOURCE_DISPLAY_NAME = 'virtnet Operators';
export const CATALOG_SOURCE_PUBLISHER = 'virtnet';

/** The NMState component (OperatorHub: "Kubernetes NMState Operator"). */
export const NMSTATE_PACKAGE = 'kubernetes-nmstate-operator';

// Routes of the networks views: NetworkAttachmentDefinitions, UserDefinedNetworks and
// ClusterUserDefinedNetworks.
import type { RouteDef } from '../../app/routes';
import { NadListPage } from './nads/NadListPage';
import { NadFormPage } from './nads/NadFormPage';
import { NadDetailsPage } from './nads/NadDetailsPage';
import { UdnListPage } from './udns/UdnListPage';
import { CudnDetailsPage, UdnDetailsPage } from './udns/UdnDetailsPage';

export const networkRoutes: RouteDef[] = [
  { path: '/k8s/ns/:ns/network-attachment-definitions/~new/form', component: NadFormPage },
  { path: '/k8s/ns/:ns/network-attachment-definitions/:name', component: NadDetailsPage },
  { path: '/k8s/ns/:ns/network-attachment-definitions', component: NadListPage },
  { path: '/k8s/all-namespaces/network-attachment-definitions', component: NadListPage },
  { path: '/k8s/ns/:ns/userdefinednetworks/:name', component: UdnDetailsPage },
  { path: '/k8s/ns/:ns/userdefinednetworks', component: UdnListPage },
  { path: '/k8s/all-namespaces/userdefinednetworks', component: UdnListPage },
  { path: '/k8s/cluster/clusteruserdefinednetworks/:name', component: CudnDetailsPage },
  { path: '/k8s/cluster/clusteruserdefinednetworks', component: UdnListPage },
];

// Routes of the vms views: the list per project or across projects, and a VM's tabs.
import type { RouteDef } from '../../app/routes';
import { VmListPage } from './VmListPage';
import { VmDetailsPage } from './VmDetailsPage';

export const vmRoutes: RouteDef[] = [
  { path: '/k8s/ns/:ns/virtualmachines', component: VmListPage },
  { path: '/k8s/all-namespaces/virtualmachines', component: VmListPage },
  { path: '/k8s/ns/:ns/virtualmachines/:name/:tab?/:subtab?', component: VmDetailsPage },
];

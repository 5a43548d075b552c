// Routes of the nodes views.
import type { RouteDef } from '../../app/routes';
import { NodesListPage } from './NodesListPage';
import { NodeDetailsPage } from './NodeDetailsPage';

export const nodeRoutes: RouteDef[] = [
  { path: '/k8s/cluster/nodes', component: NodesListPage },
  { path: '/k8s/cluster/nodes/:name', component: NodeDetailsPage },
];

// Routes of the operators views.
import type { RouteDef } from '../../app/routes';
import { OperatorHubPage } from './OperatorHubPage';
import { OperatorInstallPage } from './OperatorInstallPage';
import { InstalledOperatorsPage } from './InstalledOperatorsPage';
import { OperatorDetailsPage } from './OperatorDetailsPage';
import { CreateInstancePage } from './CreateInstancePage';

export const operatorRoutes: RouteDef[] = [
  { path: '/operatorhub', component: OperatorHubPage },
  { path: '/operatorhub/subscribe', component: OperatorInstallPage },
  { path: '/operators/installed', component: InstalledOperatorsPage },
  { path: '/operators/installed/:ns/:name/:api/~new', component: CreateInstancePage },
  { path: '/operators/installed/:ns/:name/:tab?', component: OperatorDetailsPage },
];

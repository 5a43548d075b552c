// Routes of the home views.
import type { RouteDef } from '../../app/routes';
import { OverviewPage } from './OverviewPage';

export const homeRoutes: RouteDef[] = [
  { path: '/dashboards', component: OverviewPage },
];

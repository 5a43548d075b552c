// Routes of the operators views.
import type { RouteDef } from '../../app/routes';

export const operatorRoutes: RouteDef[] = [
];

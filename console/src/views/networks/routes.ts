// Routes of the networks views.
import type { RouteDef } from '../../app/routes';

export const networkRoutes: RouteDef[] = [
];

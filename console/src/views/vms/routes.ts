// Routes of the vms views.
import type { RouteDef } from '../../app/routes';

export const vmRoutes: RouteDef[] = [
];

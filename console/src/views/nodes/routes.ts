// Routes of the nodes views.
import type { RouteDef } from '../../app/routes';

export const nodeRoutes: RouteDef[] = [
];

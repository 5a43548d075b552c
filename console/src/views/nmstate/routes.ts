// Routes of the nmstate views.
import type { RouteDef } from '../../app/routes';

export const nmstateRoutes: RouteDef[] = [
];

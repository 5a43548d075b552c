// Routes of the home views.
import type { RouteDef } from '../../app/routes';

export const homeRoutes: RouteDef[] = [
];

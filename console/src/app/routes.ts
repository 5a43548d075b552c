// The route table: each area of views/ contributes its own routes (views/<area>/routes.ts).
import type { ComponentType } from 'react';
import { homeRoutes } from '../views/home/routes';
import { operatorRoutes } from '../views/operators/routes';
import { nodeRoutes } from '../views/nodes/routes';
import { nmstateRoutes } from '../views/nmstate/routes';
import { networkRoutes } from '../views/networks/routes';
import { vmRoutes } from '../views/vms/routes';
import { ImportYamlPage } from '../views/import/ImportYamlPage';

export interface RouteDef {
  /** `/k8s/ns/:ns/virtualmachines/:name/:tab?`; params reach the component as `params`. */
  path: string;
  component: ComponentType<{ params: Record<string, string> }>;
}

export const routes: RouteDef[] = [
  { path: '/import', component: ImportYamlPage },
  ...homeRoutes, ...operatorRoutes, ...nodeRoutes, ...nmstateRoutes, ...networkRoutes, ...vmRoutes,
];

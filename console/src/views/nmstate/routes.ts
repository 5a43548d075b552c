// Routes of the nmstate views (Networking → NodeNetworkState, NodeNetworkConfigurationPolicy).
import type { RouteDef } from '../../app/routes';
import { NNSListPage } from './NNSListPage';
import { PolicyListPage } from './PolicyListPage';
import { PolicyFormPage } from './PolicyFormPage';
import { PolicyYamlPage } from './PolicyYamlPage';
import { PolicyDetailsPage } from './PolicyDetailsPage';

// `~new` routes come before `:name` ones: the first match wins
export const nmstateRoutes: RouteDef[] = [
  { path: '/nmstate/nodenetworkstates', component: NNSListPage },
  { path: '/nmstate/policies', component: PolicyListPage },
  { path: '/nmstate/policies/~new/yaml', component: PolicyYamlPage },
  { path: '/nmstate/policies/~new', component: PolicyFormPage },
  { path: '/nmstate/policies/:name/yaml', component: PolicyYamlPage },
  { path: '/nmstate/policies/:name', component: PolicyDetailsPage },
];

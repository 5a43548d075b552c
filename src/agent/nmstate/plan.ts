// merged view → ordered plan. Order: create links, change kind options, link properties, controllers,
// link state, bridge VLANs, route deletes, addresses/DHCP, route adds, rules, and deletes last.
// DNS is not a command: the executor writes it to the node's resolv.conf, so it travels beside the steps.

import { isGone } from './iface-kinds.js';
import type { MergedState } from './merge.js';
import { renderPlan } from './plan-step.js';
import type { PlanStep } from './plan-step.js';
import {
  bridgeVlanSteps, controllerSteps, createSteps, deleteSteps, kindOptionSteps, linkPropertySteps, linkStateSteps,
} from './plan-link.js';
import { ipSteps, routeAddSteps, routeDeleteSteps, ruleSteps } from './plan-ip.js';

export interface DnsPlan {
  server: string[];
  search: string[];
  options: string[];
}

export interface Plan {
  steps: PlanStep[];
  /** Present when the resolver configuration changes. */
  dns?: DnsPlan;
}

export function buildPlan(m: MergedState): Plan {
  const list = [...m.interfaces.values()];
  const gone = new Set(list.filter((i) => isGone(i.merged)).map((i) => i.name));
  const steps: PlanStep[] = [
    ...createSteps(list),
    ...kindOptionSteps(list),
    ...linkPropertySteps(list),
    ...controllerSteps(list, m.interfaces),
    ...linkStateSteps(list),
    ...bridgeVlanSteps(list),
    ...routeDeleteSteps(m.routes.removed, gone),
    ...ipSteps(list),
    ...routeAddSteps(m.routes.added),
    ...ruleSteps(m.rules.removed, m.rules.added),
    ...deleteSteps(list),
  ];
  const plan: Plan = { steps };
  if (m.dns?.changed) {
    plan.dns = { server: m.dns.merged.server ?? [], search: m.dns.merged.search ?? [], options: m.dns.merged.options ?? [] };
  }
  return plan;
}

/** renderPlan plus a `# dns …` line, the form golden files store. */
export function renderPlanResult(plan: Plan): string {
  let out = renderPlan(plan.steps);
  if (plan.dns) {
    const d = plan.dns;
    out += `# dns server [${d.server.join(' ')}] search [${d.search.join(' ')}] options [${d.options.join(' ')}]\n`;
  }
  return out;
}

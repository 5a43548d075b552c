// `<dataDir>/lab.json`: what a lab made, written before the first thing is created and updated as it goes,
// so `lab down` can undo a lab whose `up` was killed half-way.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from './lab-error.js';
import type { LabNode, LabPlan } from './lab-plan.js';
import type { ControlPlaneRecord } from './control-plane.js';

export const STATE_FILE = 'lab.json';

export interface LabProcessRecord {
  name: string;
  netns: string;
  pidFile: string;
  pid?: number;
}

export interface LabState {
  version: 1;
  id: string;
  prefix: string;
  dataDir: string;
  workers: number;
  baremetal: number;
  /** `creating` until every step of `up` succeeded. */
  phase: 'creating' | 'ready';
  createdAt: string;
  namespaces: string[];
  processes: LabProcessRecord[];
  files: string[];
  nodes: LabNode[];
  /** Node agents started inside the node namespaces (teardown stops every process in them anyway). */
  agents?: { node: string; pid: number; log: string }[];
  /** Scale-out mode (`lab up --store etcd`): the etcd members, API servers and load balancer the lab started. */
  controlPlane?: ControlPlaneRecord;
}

export function statePath(dataDir: string): string {
  return join(dataDir, STATE_FILE);
}

export function initialState(plan: LabPlan, now: Date): LabState {
  return {
    version: 1,
    id: plan.id,
    prefix: plan.prefix,
    dataDir: plan.dataDir,
    workers: plan.nodes.filter((n) => n.role === 'worker').length,
    baremetal: plan.nodes.filter((n) => n.role === 'baremetal').length,
    phase: 'creating',
    createdAt: now.toISOString(),
    namespaces: plan.namespaces.map((n) => n.name),
    processes: plan.processes.map((p) => ({ name: p.name, netns: p.netns, pidFile: p.pidFile })),
    files: [...plan.files],
    nodes: plan.nodes,
  };
}

export function readState(dataDir: string): LabState | undefined {
  const f = statePath(dataDir);
  if (!existsSync(f)) return undefined;
  let s: unknown;
  try {
    s = JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    throw new LabError('conflict', `${f} is not valid JSON (${(e as Error).message}); remove it or run \`lab down --id ID\``);
  }
  const st = s as Partial<LabState>;
  if (st.version !== 1 || typeof st.id !== 'string' || !Array.isArray(st.namespaces)) {
    throw new LabError('conflict', `${f} is not a virtnet lab state file`);
  }
  return st as LabState;
}

/** Atomic replace: a crash leaves either the old or the new state, never half a file. */
export function writeState(state: LabState): void {
  mkdirSync(state.dataDir, { recursive: true });
  const f = statePath(state.dataDir);
  const tmp = `${f}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, f);
}

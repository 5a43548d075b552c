// Records the node agents a lab started, in the lab's state file.
import { readState, writeState } from './lab-state.js';
import type { StartedAgent } from './agents.js';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function recordAgents(dataDir: string, started: StartedAgent[]): void {
  const state = readState(dataDir);
  if (!state) return;
  const kept = (state.agents ?? []).filter((a) => isAlive(a.pid) && !started.some((s) => s.node === a.node));
  writeState({ ...state, agents: [...kept, ...started] });
}

// One step of an apply plan: a command as an argument array (never a shell string), run inside the node's
// network namespace by the executor. Plans are data: printable (`--dry-run`), comparable in golden tests.

export interface PlanStep {
  /** `ip`, `bridge`, `nft`, `sysctl`…; the executor adds the namespace (`ip -n <ns>`, `nsenter`…). */
  cmd: 'ip' | 'bridge' | 'nft' | 'sysctl' | 'dhcp';
  /** Arguments after the command, e.g. ['link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0']. */
  args: string[];
  /** What the step does, in words, for progress output and errors. */
  why: string;
}

/** A rendered plan in the form golden files store (`ip link add br0 type bridge …`, one per line). */
export function renderPlan(steps: readonly PlanStep[]): string {
  return steps.map((s) => [s.cmd, ...s.args].join(' ')).join('\n') + (steps.length > 0 ? '\n' : '');
}

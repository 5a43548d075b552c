// Records every process this benchmark process starts through child_process.execFile (which is how
// src/agent/netns.ts runs `ip`): command line, start and end times. It wraps the builtin and re-syncs the
// ESM live bindings (module.syncBuiltinESMExports), so virtnet's code is measured unmodified. The
// wrapper costs microseconds against the milliseconds of a process start.
import type * as ChildProcessModule from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';

export interface SpawnRecord {
  argv: string[];
  start: number;
  /** When execFile returned: the synchronous part of starting a process (fork/exec), which blocks the event loop. */
  spawned: number;
  end: number;
}

const cp = createRequire(import.meta.url)('node:child_process') as typeof ChildProcessModule;
const records: SpawnRecord[] = [];
let recording = false;
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const original = cp.execFile;
  const wrapped = function (this: unknown, ...args: unknown[]): ChildProcessModule.ChildProcess {
    const start = performance.now();
    const child = (original as (...a: unknown[]) => ChildProcessModule.ChildProcess).apply(this, args);
    if (recording) {
      const rec: SpawnRecord = {
        argv: [String(args[0]), ...(Array.isArray(args[1]) ? (args[1] as unknown[]).map(String) : [])],
        start,
        spawned: performance.now(),
        end: NaN,
      };
      records.push(rec);
      child.once('exit', () => { rec.end = performance.now(); });
    }
    return child;
  };
  for (const s of Object.getOwnPropertySymbols(original)) {
    (wrapped as unknown as Record<symbol, unknown>)[s] = (original as unknown as Record<symbol, unknown>)[s];
  }
  (cp as { execFile: unknown }).execFile = wrapped;
  syncBuiltinESMExports();
}

/** Records the processes started while `fn` runs. */
export async function traceSpawns<T>(fn: () => Promise<T>): Promise<{ value: T; spawns: SpawnRecord[] }> {
  install();
  records.length = 0;
  recording = true;
  try {
    const value = await fn();
    return { value, spawns: [...records] };
  } finally {
    recording = false;
  }
}

// Everything the benchmark creates registers how to undo it here, twice: an async way (the normal path, and
// Ctrl-C/SIGTERM/the time limit) and a synchronous last resort that runs on process exit for whatever the
// async way did not finish. Undo steps run newest first, each at most once.

export interface CleanupStep {
  name: string;
  run: () => Promise<void>;
  runSync: () => void;
}

const steps: (CleanupStep & { done: boolean })[] = [];
let cleaning: Promise<string[]> | undefined;

/** Registers an undo step; the returned function runs it now (and unregisters it; if it fails, the sync way runs too). */
export function onCleanup(step: CleanupStep): () => Promise<void> {
  const entry = { ...step, done: false };
  steps.push(entry);
  return async () => {
    if (entry.done) return;
    entry.done = true;
    steps.splice(steps.indexOf(entry), 1);
    try {
      await entry.run();
    } catch (e) {
      try {
        entry.runSync();
      } catch { /* reported below */ }
      throw e;
    }
  };
}

/** Runs every pending undo step (newest first); returns the errors, never throws. */
export function cleanupAll(): Promise<string[]> {
  cleaning ??= (async () => {
    const errors: string[] = [];
    while (steps.length > 0) {
      const s = steps[steps.length - 1]!;
      try {
        await s.run();
      } catch (e) {
        errors.push(`${s.name}: ${(e as Error).message}`);
        try {
          s.runSync();
        } catch { /* the exit handler tries nothing more: report */ }
      }
      s.done = true;
      steps.pop();
    }
    return errors;
  })();
  return cleaning;
}

function syncAll(): void {
  for (const s of [...steps].reverse()) {
    if (s.done) continue;
    s.done = true;
    try {
      s.runSync();
    } catch (e) {
      process.stderr.write(`cleanup ${s.name} failed: ${(e as Error).message}\n`);
    }
  }
}

let aborted = false;

/** True once Ctrl-C, SIGTERM or the time limit started the cleanup: the benchmark's output stops. */
export function isAborted(): boolean {
  return aborted;
}

/** Installs the exit/signal handlers and the overall time limit. */
export function installCleanupHandlers(timeLimitMs: number): void {
  process.on('exit', syncAll);
  let signalled = false;
  const abort = (why: string, code: number): void => {
    if (signalled) {
      // A second Ctrl-C: do the synchronous undo now and leave.
      syncAll();
      process.exit(code);
    }
    signalled = true;
    aborted = true;
    process.stderr.write(`\n${why}: cleaning up (again to force)…\n`);
    const force = setTimeout(() => process.exit(code), 120_000);
    force.unref();
    void cleanupAll().then((errors) => {
      for (const e of errors) process.stderr.write(`cleanup: ${e}\n`);
      process.exit(code);
    });
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => abort(sig, 130));
  const limit = setTimeout(() => abort(`time limit of ${Math.round(timeLimitMs / 1000)} s reached`, 124), timeLimitMs);
  limit.unref();
}

/** Runs a benchmark's main, then every pending undo step whether it succeeded or threw; exits 1 on either failure. */
export function runWithCleanup(main: () => Promise<void>): void {
  main().then(async () => {
    const errors = await cleanupAll();
    for (const e of errors) console.error(`cleanup: ${e}`);
    process.exit(errors.length > 0 ? 1 : 0);
  }, async (e: unknown) => {
    console.error(e);
    await cleanupAll();
    process.exit(1);
  });
}

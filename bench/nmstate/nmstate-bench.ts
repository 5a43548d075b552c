// Node network configuration benchmarks, each against a baseline measured in the same run on the same
// (loaded) machine, printed side by side with the ratio:
//   rollout  — a NodeNetworkConfigurationPolicy (linux-bridge, STP off) to all 20 nodes of a real lab
//              (`virtnet serve` + `virtnet lab up`, one node agent per node namespace) until Available,
//              with maxUnavailable 50% (default) and 100%; baseline: `ip -n` by hand, node after node.
//   bridges  — 100 bridges with a veth port each as one desired state through virtnet's engine + executor
//              (applyNetworkState), warm (from the agent's kept state) and cold (reading it first);
//              baseline: the same commands through one `ip -n NS -batch -`.
// Usage: node dist/bench/nmstate/nmstate-bench.js [--only rollout|bridges] [--rounds N] [--bridge-rounds N]
//          [--nodes N] [--bridges N] [--cpu-prof DIR] [--profile] [--time-limit SECONDS]
//   --rounds: rollout rounds (default 3); --bridge-rounds: bridges rounds (default 7: a round takes seconds,
//   and one apply is tens of ms on a shared machine, so the median needs more of them).
//   --cpu-prof DIR: rollout profiles virtnet serve and every node agent during one more, uncounted rollout
//   and prints where their CPU went (profiles saved in DIR); bridges saves there the profile of its extra,
//   uncounted apply (made whenever the target is missed). --profile: make that one even when it is met.
// Root only (it creates network namespaces). Everything it creates is named vn-b<pid>-… (namespaces, the
// lab, the data directory) and is removed at the end, on error, on Ctrl-C and at the time limit.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { bridgesReport, runBridges } from './bridges.js';
import { cleanupAll, installCleanupHandlers, isAborted, onCleanup } from './cleanup.js';
import { rolloutReport, runRollout } from './rollout.js';
import { cmd, netnsList } from './util.js';
import { repoRoot } from './virtnet-process.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const only = option('--only');
if (only !== undefined && only !== 'rollout' && only !== 'bridges') throw new Error('--only takes rollout or bridges');
const rounds = Number(option('--rounds') ?? 3);
const bridgeRounds = Number(option('--bridge-rounds') ?? 7);
const nodes = Number(option('--nodes') ?? 20);
const bridgeCount = Number(option('--bridges') ?? 100);
const timeLimitS = Number(option('--time-limit') ?? 900);
const cpuProfDir = option('--cpu-prof');
if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
for (const [k, v, max] of [['--rounds', rounds, 9], ['--bridge-rounds', bridgeRounds, 25], ['--nodes', nodes, 200], ['--bridges', bridgeCount, 1000], ['--time-limit', timeLimitS, 7200]] as const) {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`${k} must be a whole number from 1 to ${max}`);
}
if (process.getuid?.() !== 0) throw new Error('run as root: the benchmarks create network namespaces');

// Lab ids are 1–8 lowercase letters or digits; pids fit in 7 digits.
const id = `b${process.pid}`;
const prefix = `vn-${id}-`;
const capNs = `vn-cap-${process.pid}`; // the capability probe's scratch namespace (made by virtnet's code in this process)
installCleanupHandlers(timeLimitS * 1000);
const dataDir = mkdtempSync(join(tmpdir(), `${prefix}data-`));
onCleanup({
  name: `data directory ${dataDir}`,
  run: async () => rmSync(dataDir, { recursive: true, force: true }),
  runSync: () => rmSync(dataDir, { recursive: true, force: true }),
});

const iproute = await cmd('ip', ['-V']).then((r) => r.stdout.trim().replace(/^ip utility, /, ''), () => '?');
const cpuModel = cpus()[0]?.model.trim() ?? '?';
console.log('virtnet nmstate benchmarks: virtnet vs a hand-made baseline, measured back to back in the same run');
console.log(`machine: ${cpus().length} CPU cores (${cpuModel}) SHARED by everything below: this process (benchmark, baselines, and` +
  ' in "bridges" virtnet\'s engine itself), virtnet serve (API + controllers), and in "rollout" one node agent per node' +
  ' with the ip/ping processes they start.');
console.log(`  linux ${release()}, ${iproute}, node ${process.version}, memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB ` +
  `(${(freemem() / 2 ** 30).toFixed(1)} free), load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start.`);
console.log(`run id ${id}: namespaces ${prefix}*, data ${dataDir}; rounds ${rounds} (rollout), ${bridgeRounds} (bridges); figures are medians over the rounds; ` +
  `time limit ${timeLimitS} s.`);
console.log('');

const problems: string[] = [];
const summary: string[] = [];
const log = (line: string): void => {
  if (!isAborted()) console.log(line);
};
try {
  if (only === undefined || only === 'rollout') {
    console.log(`rollout: starting virtnet serve and a lab of ${nodes} nodes…`);
    try {
      const res = await runRollout({ id, nodes, rounds, dataDir, log, ...(cpuProfDir ? { profileDir: resolve(cpuProfDir) } : {}) });
      const rep = rolloutReport(res);
      summary.push(...rep.lines, '');
      problems.push(...res.problems);
    } catch (e) {
      problems.push(`rollout: ${(e as Error).stack ?? String(e)}`);
      console.log('rollout: FAILED (see below)');
    }
    console.log('');
  }
  if (only === undefined || only === 'bridges') {
    console.log(`bridges: ${bridgeCount} bridges on one node, ${bridgeRounds} rounds…`);
    try {
      const res = await runBridges({
        id, count: bridgeCount, rounds: bridgeRounds, repoRoot, log,
        ...(cpuProfDir ? { cpuProfDir: resolve(cpuProfDir) } : {}),
        forceProfile: process.argv.includes('--profile'),
      });
      const rep = bridgesReport(res);
      summary.push(...rep.lines, '');
      problems.push(...res.problems);
    } catch (e) {
      problems.push(`bridges: ${(e as Error).stack ?? String(e)}`);
      console.log('bridges: FAILED (see below)');
    }
    console.log('');
  }
} finally {
  const errors = await cleanupAll();
  problems.push(...errors.map((e) => `cleanup: ${e}`));
}

for (const line of summary) console.log(line);
const left = netnsList().filter((n) => n.startsWith(prefix) || n === capNs || n.startsWith(`${capNs}-`));
console.log(left.length === 0
  ? `cleanup: no namespace of this run (${prefix}*, ${capNs}) is left; data directory removed.`
  : `cleanup: LEFT OVER namespaces: ${left.join(', ')}`);
if (left.length > 0) problems.push(`namespaces left over: ${left.join(', ')}`);
if (problems.length > 0) console.log(`problems:\n  ${problems.join('\n  ')}`);
process.exitCode = problems.length > 0 ? 1 : 0;

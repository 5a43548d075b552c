// Golden cases for the pure nmstate engine: one folder per case under test/fixtures/nmstate/<NN-name>/.
//
// Inputs:  current.yaml (nmstatectl show shape), desired.yaml (an NNCP desiredState),
//          optional capture.yaml (an NNCP `capture` map: desired.yaml is then a template),
//          optional after.yaml (a re-read state to verify against).
// Outputs: expected-error.txt    `<Kind>: <message>` when the engine rejects the case
//          expected-plan.txt     renderPlanResult(plan): one iproute2 command per line, then `# dns …`
//          expected-state.yaml   the normalised desired state (forApply, merged routes/rules/DNS)
//          expected-revert.yaml  the checkpoint (generateRevert)
//          expected-warnings.txt silent normalisations reported to the user
//          expected-enactment.yaml renderEnactmentDesiredState(desired), when present
//          expected-verify.txt   verifyState against after.yaml ("ok" or the error), when after.yaml exists
// A missing expected file is not checked. To regenerate after an intended change:
//     npm run build && UPDATE_GOLDEN=1 node --test dist/test/unit/nmstate-golden.test.js
// which rewrites the outputs of every case (review the diff before keeping it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import {
  computeApply, evaluateCaptures, renderEnactmentDesiredState, renderPlanResult, resolveTemplate, verifyState,
} from '../../src/agent/nmstate/index.js';
import { NmstateError } from '../../src/agent/nmstate/error.js';
import type { NetworkState } from '../../src/agent/nmstate/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = join(root, 'test/fixtures/nmstate');
const update = process.env['UPDATE_GOLDEN'] === '1';

function read(dir: string, f: string): string | undefined {
  const p = join(dir, f);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

function yaml(v: unknown): string {
  return stringify(v, { lineWidth: 0 });
}

function run(dir: string): Record<string, string | undefined> {
  const current = (parse(read(dir, 'current.yaml') ?? '') ?? {}) as NetworkState;
  const out: Record<string, string | undefined> = {};
  let desired: unknown = parse(read(dir, 'desired.yaml') ?? '') ?? {};
  const capture = read(dir, 'capture.yaml');
  try {
    if (capture !== undefined) {
      desired = resolveTemplate(desired, evaluateCaptures(parse(capture) as Record<string, string>, current));
    }
  } catch (e) {
    if (e instanceof NmstateError) return { 'expected-error.txt': `${e.toString()}\n` };
    throw e;
  }
  const r = computeApply(desired, current);
  if (!r.ok) return { 'expected-error.txt': `${r.error.toString()}\n` };
  out['expected-plan.txt'] = renderPlanResult(r.value.plan);
  out['expected-state.yaml'] = yaml(r.value.normalized);
  out['expected-revert.yaml'] = yaml(r.value.revert);
  out['expected-warnings.txt'] = r.value.warnings.length > 0 ? r.value.warnings.join('\n') + '\n' : undefined;
  if (existsSync(join(dir, 'expected-enactment.yaml')) || read(dir, 'desired.yaml')?.includes('linux-bridge')) {
    out['expected-enactment.yaml'] = yaml(renderEnactmentDesiredState(r.value.desired));
  }
  const after = read(dir, 'after.yaml');
  if (after !== undefined) {
    const e = verifyState(r.value.merged, parse(after) as NetworkState);
    out['expected-verify.txt'] = e ? `${e.toString()}\n` : 'ok\n';
  }
  return out;
}

const OUTPUTS = ['expected-error.txt', 'expected-plan.txt', 'expected-state.yaml', 'expected-revert.yaml',
  'expected-warnings.txt', 'expected-enactment.yaml', 'expected-verify.txt'];

describe('nmstate golden cases', () => {
  const cases = readdirSync(fixtures).filter((n) => /^\d\d-/.test(n)).sort();
  it('has at least 40 cases', () => assert.ok(cases.length >= 40, `only ${cases.length} cases`));
  for (const name of cases) {
    it(name, () => {
      const dir = join(fixtures, name);
      const got = run(dir);
      if (update) {
        for (const f of OUTPUTS) {
          const p = join(dir, f);
          if (got[f] !== undefined) writeFileSync(p, got[f]!);
          else if (existsSync(p)) unlinkSync(p);
        }
        return;
      }
      let checked = 0;
      for (const f of OUTPUTS) {
        const want = read(dir, f);
        if (want === undefined) continue;
        checked++;
        assert.equal(got[f] ?? '(nothing)\n', want, `${name}/${f}`);
      }
      assert.ok(checked > 0, `${name} has no expected file`);
      if (read(dir, 'expected-error.txt') === undefined) assert.equal(got['expected-error.txt'], undefined, `${name}: unexpected error`);
    });
  }
});

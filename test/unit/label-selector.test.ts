// Cases follow k8s.io/apimachinery/pkg/labels/selector_test.go where they exist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatLabelSelector, labelSelectorFromObject, matchesLabels, parseLabelSelector, validateLabelSelector,
} from '../../src/common/label-selector.js';
import type { LabelSelector } from '../../src/common/label-selector.js';
import { fieldErrorString } from '../../src/common/status-error.js';

const KEY_REGEX_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('parseLabelSelector: valid input and its canonical string', () => {
  const cases: [input: string, canonical: string][] = [
    ['', ''],
    ['   ', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['z=c,x=a', 'x=a,z=c'], // sorted by key
    ['  x = a ,  y != b ', 'x=a,y!=b'],
    ['x=', 'x='],
    ['x= ,z= ', 'x=,z='],
    ['x', 'x'],
    ['!x', '!x'],
    ['! x', '!x'],
    ['x,!y', 'x,!y'],
    ['x in (a)', 'x in (a)'],
    ['x in (b,a,b)', 'x in (a,b)'], // a set: sorted, de-duplicated
    ['x notin (a, b)', 'x notin (a,b)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x in (in)', 'x in (in)'], // keywords are values inside the list
    ['x=in', 'x=in'],
    ['x>1', 'x>1'],
    ['x<5,y', 'x<5,y'],
    ['app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
    ['x\t=\r\na', 'x=a'],
  ];
  for (const [input, canonical] of cases) {
    it(JSON.stringify(input), () => {
      assert.equal(formatLabelSelector(parseLabelSelector(input)), canonical);
    });
  }

  it('returns structured requirements', () => {
    assert.deepEqual(parseLabelSelector('env in (prod,dev),!canary,tier'), [
      { key: 'canary', operator: '!', values: [] },
      { key: 'env', operator: 'in', values: ['dev', 'prod'] },
      { key: 'tier', operator: 'exists', values: [] },
    ]);
  });
});

describe('parseLabelSelector: upstream error messages', () => {
  const cases: [input: string, message: string][] = [
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${VALUE_REGEX_MSG}`],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x,', "found '', expected: identifier after ','"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['x y', "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a b)', "unable to parse requirement: found 'b', expected: ',' or ')'"],
    ['x in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['-bad', `unable to parse requirement: <nil>: Invalid value: "-bad": ${KEY_REGEX_MSG}`],
    ['x=a_', `unable to parse requirement: values[0][x]: Invalid value: "a_": ${VALUE_REGEX_MSG}`],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x<-5', `unable to parse requirement: values[0][x]: Invalid value: "-5": ${VALUE_REGEX_MSG}`], // label values can't start with '-'
    ['x>1.5', `unable to parse requirement: values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseLabelSelector(input), (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

describe('matchesLabels', () => {
  const labels = { env: 'prod', tier: 'web', n: '10', empty: '' };
  const cases: [selector: string, labels: Record<string, string> | undefined, want: boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['env=prod', labels, true],
    ['env==prod', labels, true],
    ['env=dev', labels, false],
    ['env!=dev', labels, true],
    ['missing!=x', labels, true], // != matches an absent key
    ['missing=x', labels, false],
    ['env in (dev,prod)', labels, true],
    ['env notin (dev,prod)', labels, false],
    ['missing notin (a)', labels, true],
    ['env', labels, true],
    ['missing', labels, false],
    ['!missing', labels, true],
    ['!env', labels, false],
    ['empty=', labels, true],
    ['missing=', labels, false],
    ['n>9', labels, true],
    ['n>10', labels, false],
    ['n<11', labels, true],
    ['env>1', labels, false], // non-integer label value never compares
    ['missing<1', labels, false],
    ['env=prod,tier=db', labels, false],
    ['env=prod,tier=web', labels, true],
    ['env', undefined, false],
    ['!env', undefined, true],
  ];
  for (const [selector, ls, want] of cases) {
    it(`${JSON.stringify(selector)} on ${ls ? 'labels' : 'no labels'} → ${want}`, () => {
      assert.equal(matchesLabels(parseLabelSelector(selector), ls), want);
    });
  }
});

describe('labelSelectorFromObject', () => {
  const cases: [sel: LabelSelector, canonical: string][] = [
    [{}, ''],
    [{ matchLabels: { b: '2', a: '1' } }, 'a=1,b=2'],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }] }, 'env in (dev,prod)'],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['x'] }] }, 'env notin (x)'],
    [{ matchExpressions: [{ key: 'env', operator: 'Exists' }] }, 'env'],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist', values: [] }] }, '!env'],
    [{ matchLabels: { z: 'a' }, matchExpressions: [{ key: 'a', operator: 'Exists' }] }, 'a,z=a'],
  ];
  for (const [sel, canonical] of cases) {
    it(JSON.stringify(sel), () => {
      assert.equal(formatLabelSelector(labelSelectorFromObject(sel)), canonical);
    });
  }

  const bad: [sel: LabelSelector, message: string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] }, '"Equals" is not a valid label selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] }, `values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist`],
    [{ matchLabels: { a: 'bad value' } }, `values[0][a]: Invalid value: "bad value": ${VALUE_REGEX_MSG}`],
    [{ matchLabels: { '-a': 'x_' } }, `[key: Invalid value: "-a": ${KEY_REGEX_MSG}, values[0][-a]: Invalid value: "x_": ${VALUE_REGEX_MSG}]`],
  ];
  for (const [sel, message] of bad) {
    it(`rejects ${JSON.stringify(sel)}`, () => {
      assert.throws(() => labelSelectorFromObject(sel), (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  it('matches like the string form', () => {
    const reqs = labelSelectorFromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] });
    assert.equal(matchesLabels(reqs, { app: 'web', env: 'prod' }), true);
    assert.equal(matchesLabels(reqs, { app: 'web', env: 'dev' }), false);
    assert.equal(matchesLabels(reqs, { app: 'web' }), true);
  });
});

describe('validateLabelSelector', () => {
  const cases: [sel: LabelSelector | undefined, errors: string[]][] = [
    [undefined, []],
    [{ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['x'] }] }, []],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"]],
    [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, ['spec.selector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator']],
    [{ matchExpressions: [{ key: 'a/b/c', operator: 'Exists' }] }, [
      `spec.selector.matchExpressions[0].key: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]],
    [{ matchExpressions: [{ key: 'a', operator: 'NotIn', values: ['ok', '-no'] }] }, [`spec.selector.matchExpressions[0].values[1]: Invalid value: "-no": ${VALUE_REGEX_MSG}`]],
    [{ matchLabels: { a: '-no' } }, [`spec.selector.matchLabels: Invalid value: "-no": ${VALUE_REGEX_MSG}`]],
  ];
  for (const [sel, errors] of cases) {
    it(JSON.stringify(sel), () => {
      assert.deepEqual(validateLabelSelector(sel, 'spec.selector').map(fieldErrorString), errors);
    });
  }
});

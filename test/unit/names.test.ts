// Messages as k8s.io/apimachinery/pkg/util/validation and api/validation produce them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  generateName, generateNameSuffix, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue,
  isValidPathSegmentName, NAME_SUFFIX_ALPHABET, validateAnnotations, validateGenerateName, validateLabels,
  validateObjectName,
} from '../../src/common/names.js';
import type { NameRule } from '../../src/common/names.js';
import { fieldErrorString } from '../../src/common/status-error.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

const table = (name: string, fn: (v: string) => string[], cases: [string, string[]][]): void => {
  describe(name, () => {
    for (const [v, want] of cases) {
      it(JSON.stringify(v.length > 40 ? `${v.slice(0, 20)}…(${v.length})` : v), () => assert.deepEqual(fn(v), want));
    }
  });
};

table('isDNS1123Subdomain', isDNS1123Subdomain, [
  ['a', []],
  ['example.com', []],
  ['1-2.a-b', []],
  ['a'.repeat(253), []],
  ['', [SUBDOMAIN_MSG]],
  ['Bad_Name', [SUBDOMAIN_MSG]],
  ['-a', [SUBDOMAIN_MSG]],
  ['a.', [SUBDOMAIN_MSG]],
  ['a'.repeat(254), ['must be no more than 253 characters']],
  ['A'.repeat(254), ['must be no more than 253 characters', SUBDOMAIN_MSG]],
]);

table('isDNS1123Label', isDNS1123Label, [
  ['my-name', []],
  ['123-abc', []],
  ['a'.repeat(63), []],
  ['a.b', ['must not contain dots']],
  ['My-Name', [LABEL_MSG]],
  ['', [LABEL_MSG]],
  ['a'.repeat(64), ['must be no more than 63 characters']],
]);

table('isValidPathSegmentName', isValidPathSegmentName, [
  ['Anything_Goes here', []],
  ['.', ["may not be '.'"]],
  ['..', ["may not be '..'"]],
  ['...', []],
  ['a/b', ["may not contain '/'"]],
  ['a/%b', ["may not contain '/'", "may not contain '%'"]],
]);

table('isQualifiedName', isQualifiedName, [
  ['simple', []],
  ['Mixed.Case_ok-1', []],
  ['example.com/name', []],
  ['a'.repeat(63), []],
  ['', ['name part must be non-empty', NAME_PART_MSG]],
  ['-x', [NAME_PART_MSG]],
  ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ['/name', ['prefix part must be non-empty']],
  ['Example.com/name', [`prefix part ${SUBDOMAIN_MSG}`]],
  ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
  ['a/b/c', ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]],
]);

table('isValidLabelValue', isValidLabelValue, [
  ['', []],
  ['MyValue', []],
  ['my_value.1-2', []],
  ['a'.repeat(63), []],
  ['a'.repeat(64), ['must be no more than 63 characters']],
  ['-bad', [VALUE_MSG]],
  ['has space', [VALUE_MSG]],
]);

describe('validateObjectName', () => {
  const cases: [name: string, rule: NameRule, want: string[]][] = [
    ['web-1', 'subdomain', []],
    ['Bad_Name', 'subdomain', [`metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`]],
    ['a'.repeat(254), 'subdomain', [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`]],
    ['', 'subdomain', ['metadata.name: Required value: name or generateName is required']],
    ['team-a', 'label', []],
    ['team.a', 'label', ['metadata.name: Invalid value: "team.a": must not contain dots']],
    ['Any Name', 'path', []],
    ['..', 'path', ['metadata.name: Invalid value: "..": may not be \'..\'']],
  ];
  for (const [name, rule, want] of cases) {
    it(`${rule} ${JSON.stringify(name.slice(0, 20))}`, () => {
      assert.deepEqual(validateObjectName(name, rule).map(fieldErrorString), want);
    });
  }

  it('uses the given field path', () => {
    assert.deepEqual(validateObjectName('X', 'label', 'spec.networkName').map(fieldErrorString), [`spec.networkName: Invalid value: "X": ${LABEL_MSG}`]);
  });

  const gen: [prefix: string, rule: NameRule, ok: boolean][] = [
    ['web-', 'subdomain', true],
    ['web-', 'label', true],
    ['Web-', 'subdomain', false],
    ['.', 'path', true],
    ['a/', 'path', false],
  ];
  for (const [prefix, rule, ok] of gen) {
    it(`generateName ${JSON.stringify(prefix)} (${rule}) ${ok ? 'ok' : 'rejected'}`, () => {
      const errs = validateGenerateName(prefix, rule);
      assert.equal(errs.length === 0, ok);
      for (const e of errs) assert.equal(e.field, 'metadata.generateName');
    });
  }
});

describe('validateLabels / validateAnnotations', () => {
  it('reports keys and values at the map path', () => {
    assert.deepEqual(validateLabels({ ok: 'fine', '-k': 'v', k: '-v' }, 'metadata.labels').map(fieldErrorString), [
      `metadata.labels: Invalid value: "-k": ${NAME_PART_MSG}`,
      `metadata.labels: Invalid value: "-v": ${VALUE_MSG}`,
    ]);
  });

  it('accepts upper-case annotation prefixes and any values', () => {
    assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'any value at all', note: '' }, 'metadata.annotations'), []);
  });

  it('rejects bad annotation keys', () => {
    assert.deepEqual(validateAnnotations({ 'a b': 'x' }, 'metadata.annotations').map(fieldErrorString), [
      `metadata.annotations: Invalid value: "a b": ${NAME_PART_MSG}`,
    ]);
  });

  const size: [bytes: number, ok: boolean][] = [[256 * 1024, true], [256 * 1024 + 1, false]];
  for (const [bytes, ok] of size) {
    it(`annotations of ${bytes} bytes ${ok ? 'fit' : 'are too long'}`, () => {
      const errs = validateAnnotations({ k: 'x'.repeat(bytes - 1) }, 'metadata.annotations').map(fieldErrorString);
      assert.deepEqual(errs, ok ? [] : ['metadata.annotations: Too long: must have at most 262144 bytes']);
    });
  }

  it('counts bytes, not characters', () => {
    const errs = validateAnnotations({ k: 'é'.repeat(128 * 1024) }, 'metadata.annotations');
    assert.equal(errs.length, 1);
  });
});

describe('generateName', () => {
  it('draws 5 characters from the upstream alphabet', () => {
    for (let i = 0; i < 50; i++) {
      const s = generateNameSuffix();
      assert.match(s, /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
  });

  const cases: [random: number, want: string][] = [[0, 'bbbbb'], [0.9999, '99999']];
  for (const [r, want] of cases) {
    it(`random ${r} → ${want}`, () => assert.equal(generateNameSuffix(() => r), want));
  }

  it('truncates the base to 58 characters', () => {
    const n = generateName('x'.repeat(70), () => 0);
    assert.equal(n, `${'x'.repeat(58)}bbbbb`);
    assert.equal(generateName('web-', () => 0), 'web-bbbbb');
    assert.equal(NAME_SUFFIX_ALPHABET.length, 27);
  });
});

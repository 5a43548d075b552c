// Cases follow k8s.io/apimachinery/pkg/fields/selector_test.go where they exist.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeFieldValue, fieldSelectorFields, formatFieldSelector, matchesFields, parseFieldSelector,
  unescapeFieldValue, unsupportedFieldMessage,
} from '../../src/common/field-selector.js';
import type { FieldRequirement } from '../../src/common/field-selector.js';

describe('parseFieldSelector', () => {
  const good: [input: string, want: FieldRequirement[]][] = [
    ['', []],
    [',', []],
    ['x=a', [{ field: 'x', operator: '=', value: 'a' }]],
    ['x==a', [{ field: 'x', operator: '=', value: 'a' }]],
    ['x!=a', [{ field: 'x', operator: '!=', value: 'a' }]],
    ['x=', [{ field: 'x', operator: '=', value: '' }]],
    ['z=c,x=a,y=b', [
      { field: 'x', operator: '=', value: 'a' },
      { field: 'y', operator: '=', value: 'b' },
      { field: 'z', operator: '=', value: 'c' },
    ]],
    ['metadata.name=foo,metadata.namespace!=kube-system', [
      { field: 'metadata.name', operator: '=', value: 'foo' },
      { field: 'metadata.namespace', operator: '!=', value: 'kube-system' },
    ]],
    [String.raw`x=a||y\,z\=b`, [{ field: 'x', operator: '=', value: 'a||y,z=b' }]],
    [String.raw`x=a\,y\=b,w=c`, [{ field: 'w', operator: '=', value: 'c' }, { field: 'x', operator: '=', value: 'a,y=b' }]],
    [String.raw`x=\\a\\`, [{ field: 'x', operator: '=', value: '\\a\\' }]],
    [' x = a ', [{ field: ' x ', operator: '=', value: ' a ' }]], // no trimming upstream
    ['=a', [{ field: '', operator: '=', value: 'a' }]],
  ];
  for (const [input, want] of good) {
    it(JSON.stringify(input), () => {
      assert.deepEqual(parseFieldSelector(input), want);
    });
  }

  const bad: [input: string, message: string][] = [
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['x=a\\', 'invalid field selector: invalid escape sequence: \\'],
    ['x=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
  ];
  for (const [input, message] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseFieldSelector(input), (e: Error) => {
        assert.equal(e.message, message);
        return true;
      });
    });
  }
});

describe('escaping round-trips', () => {
  for (const v of ['plain', 'a,b', 'a=b', 'a\\b', '\\,=', '']) {
    it(JSON.stringify(v), () => {
      assert.equal(unescapeFieldValue(escapeFieldValue(v)), v);
      assert.deepEqual(parseFieldSelector(formatFieldSelector([{ field: 'f', operator: '!=', value: v }])),
        [{ field: 'f', operator: '!=', value: v }]);
    });
  }
});

describe('matchesFields', () => {
  const fields: Record<string, string> = { 'metadata.name': 'web', 'metadata.namespace': 'team-a', 'spec.nodeName': '' };
  const get = (f: string): string | undefined => fields[f];
  const cases: [selector: string, want: boolean][] = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name==web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['metadata.name=web,metadata.namespace=team-a', true],
    ['metadata.name=web,metadata.namespace=team-b', false],
    ['spec.nodeName=', true],
    ['unknown=', true], // an unknown field reads as ""
    ['unknown!=', false],
  ];
  for (const [selector, want] of cases) {
    it(`${JSON.stringify(selector)} → ${want}`, () => {
      assert.equal(matchesFields(parseFieldSelector(selector), get), want);
    });
  }
});

describe('field names', () => {
  it('lists each field once', () => {
    assert.deepEqual(fieldSelectorFields(parseFieldSelector('b=1,a=2,b!=3')), ['a', 'b']);
  });
  const cases: [selector: string, want: string | undefined][] = [
    ['metadata.name=a', undefined],
    ['metadata.name=a,metadata.namespace=b', undefined],
    ['spec.foo=a,metadata.name=a', 'field label not supported: spec.foo'],
    ['z=1,status.phase=Running', 'field label not supported: status.phase'], // sorted: status.phase first
  ];
  for (const [selector, want] of cases) {
    it(`unsupportedFieldMessage ${JSON.stringify(selector)}`, () => {
      assert.equal(unsupportedFieldMessage(parseFieldSelector(selector), ['metadata.name', 'metadata.namespace']), want);
    });
  }
});

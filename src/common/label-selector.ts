// Label selectors: the string syntax of `?labelSelector=` and the object form in specs.
// Ported from k8s.io/apimachinery/pkg/labels/selector.go (lexer, parser, Requirement.Matches/String),
// k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector) and
// k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector).
// Error messages are upstream's word for word, since clients show them verbatim.
import type { FieldError } from './status-error.js';
import { isQualifiedName, isValidLabelValue, validateLabelName, validateLabels } from './names.js';

/** selection.Operator values, spelled as upstream. */
export type SelectorOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelSelectorRequirement {
  key: string;
  operator: SelectorOperator;
  /** Sorted and de-duplicated when parsed from a string (upstream keeps a sets.String). */
  values: string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

// ---- requirement construction (NewRequirement) ----

/** Go's %#v of a []string, which field.Invalid uses for the values of a requirement. */
function goStringSlice(v: string[] | null): string {
  return v === null ? '[]string(nil)' : `[]string{${v.map((s) => JSON.stringify(s)).join(', ')}}`;
}

/** utilerrors.NewAggregate(...).Error(): one message bare, several in brackets, duplicates dropped. */
function aggregate(msgs: string[]): string {
  const uniq = [...new Set(msgs)];
  return uniq.length === 1 ? uniq[0]! : `[${uniq.join(', ')}]`;
}

const INT64 = /^[+-]?\d+$/;
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/**
 * NewRequirement's checks. `path` is the field.Path given to the parser (none for the query
 * parameter, which renders as `key`/`values` for these checks). `vals` may be null to mimic a nil slice.
 */
function requirementErrors(key: string, op: SelectorOperator, vals: string[] | null, path = ''): string[] {
  const child = (c: string): string => (path ? `${path}.${c}` : c);
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(`${child('key')}: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  const list = vals ?? [];
  const valuesPath = child('values');
  switch (op) {
    case 'in': case 'notin':
      if (list.length === 0) errs.push(`${valuesPath}: Invalid value: ${goStringSlice(vals)}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=': case '==': case '!=':
      if (list.length !== 1) errs.push(`${valuesPath}: Invalid value: ${goStringSlice(vals)}: exact-match compatibility requires one single value`);
      break;
    case 'exists': case '!':
      if (list.length !== 0) errs.push(`${valuesPath}: Invalid value: ${goStringSlice(vals)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt': case 'lt':
      if (list.length !== 1) errs.push(`${valuesPath}: Invalid value: ${goStringSlice(vals)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      list.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(`${valuesPath}[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  list.forEach((v, i) => {
    const m = isValidLabelValue(v);
    if (m.length > 0) errs.push(`${valuesPath}[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${m.join('; ')}`);
  });
  return errs;
}

function newRequirement(key: string, operator: SelectorOperator, vals: string[] | null): LabelSelectorRequirement {
  const errs = requirementErrors(key, operator, vals);
  if (errs.length > 0) throw new Error(aggregate(errs));
  return { key, operator, values: vals ?? [] };
}

function sortByKey(reqs: LabelSelectorRequirement[]): LabelSelectorRequirement[] {
  // Upstream sorts by key (sort.Sort(ByKey)) so that parsing is deterministic.
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// ---- lexer ----

const enum Tok {
  Error, EndOfString, ClosedPar, Comma, DoesNotExist, DoubleEquals, Equals, GreaterThan,
  Identifier, In, LessThan, NotEquals, NotIn, OpenPar,
}

const string2token: Record<string, Tok> = {
  ')': Tok.ClosedPar, ',': Tok.Comma, '!': Tok.DoesNotExist, '==': Tok.DoubleEquals, '=': Tok.Equals,
  '>': Tok.GreaterThan, in: Tok.In, '<': Tok.LessThan, '!=': Tok.NotEquals, notin: Tok.NotIn, '(': Tok.OpenPar,
};
const tokenOf = (s: string): Tok | undefined => (Object.hasOwn(string2token, s) ? string2token[s] : undefined);

const isWhitespace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecialSymbol = (c: string): boolean => '=!(),><'.includes(c) && c !== '';
const END = '\0'; // Go's lexer returns byte 0 at the end, so a NUL in the input also ends it.

interface Item { tok: Tok; lit: string }

function lex(s: string): Item[] {
  let pos = 0;
  const read = (): string => (pos < s.length ? s[pos++]! : END);
  const items: Item[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    let item: Item;
    if (ch === END) {
      item = { tok: Tok.EndOfString, lit: '' };
    } else if (isSpecialSymbol(ch)) {
      // scanSpecialSymbol: the longest run of symbols that is still a known operator.
      pos--;
      let buf = '';
      let last: Item | undefined;
      for (;;) {
        const c = read();
        if (c === END) break;
        if (!isSpecialSymbol(c)) { pos--; break; }
        buf += c;
        const t = tokenOf(buf);
        if (t !== undefined) last = { tok: t, lit: buf };
        else if (last) { pos--; break; }
      }
      item = last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` };
    } else {
      // scanIDOrKeyword
      pos--;
      let buf = '';
      for (;;) {
        const c = read();
        if (c === END) break;
        if (isSpecialSymbol(c) || isWhitespace(c)) { pos--; break; }
        buf += c;
      }
      const t = tokenOf(buf);
      item = { tok: t ?? Tok.Identifier, lit: buf };
    }
    items.push(item);
    if (item.tok === Tok.EndOfString) return items;
  }
}

// ---- parser ----

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private position = 0;
  constructor(private readonly items: Item[]) {}

  /** In the Values context `in`/`notin` are plain identifiers (e.g. `x in (in)`). */
  lookahead(values: boolean): Item {
    return this.asContext(this.items[this.position]!, values);
  }

  consume(values: boolean): Item {
    return this.asContext(this.items[this.position++]!, values);
  }

  private asContext(it: Item, values: boolean): Item {
    return values && (it.tok === Tok.In || it.tok === Tok.NotIn) ? { tok: Tok.Identifier, lit: it.lit } : it;
  }

  parse(): LabelSelectorRequirement[] {
    const reqs: LabelSelectorRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          try {
            reqs.push(this.parseRequirement());
          } catch (e) {
            throw new Error(`unable to parse requirement: ${(e as Error).message}`);
          }
          const t = this.consume(true);
          if (t.tok === Tok.EndOfString) return reqs;
          if (t.tok === Tok.Comma) {
            const t2 = this.lookahead(true);
            if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
              throw new Error(`found '${t2.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new Error(`found '${t.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelSelectorRequirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseKeyAndInferOperator(): { key: string; operator: SelectorOperator | undefined } {
    let operator: SelectorOperator | undefined;
    let it = this.consume(true);
    if (it.tok === Tok.DoesNotExist) {
      operator = '!';
      it = this.consume(true);
    }
    if (it.tok !== Tok.Identifier) throw new Error(`found '${it.lit}', expected: identifier`);
    const keyErrs = isQualifiedName(it.lit);
    // validateLabelKey with the parser's nil field.Path, which Go renders as "<nil>".
    if (keyErrs.length > 0) throw new Error(`<nil>: Invalid value: ${JSON.stringify(it.lit)}: ${keyErrs.join('; ')}`);
    const next = this.lookahead(true).tok;
    if ((next === Tok.EndOfString || next === Tok.Comma) && operator !== '!') operator = 'exists';
    return { key: it.lit, operator };
  }

  private parseOperator(): SelectorOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In: return 'in';
      case Tok.Equals: return '=';
      case Tok.DoubleEquals: return '==';
      case Tok.GreaterThan: return 'gt';
      case Tok.LessThan: return 'lt';
      case Tok.NotIn: return 'notin';
      case Tok.NotEquals: return '!=';
      default: throw new Error(`found '${lit}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        if (this.consume(true).tok !== Tok.ClosedPar) throw new Error(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(true);
        return new Set(['']);
      default:
        throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  /** A comma-separated list in which empty items stand for the empty string: `(a,,b)`, `(,a)`. */
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === Tok.Identifier) {
        s.add(lit);
        const t2 = this.lookahead(true);
        if (t2.tok === Tok.Comma) continue;
        if (t2.tok === Tok.ClosedPar) return s;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      } else if (tok === Tok.Comma) {
        if (s.size === 0) s.add('');
        const t2 = this.lookahead(true).tok;
        if (t2 === Tok.ClosedPar) { s.add(''); return s; }
        if (t2 === Tok.Comma) s.add('');
      } else {
        throw new Error(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const t = this.lookahead(true).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(true);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse. Grammar: `[!]key [ (=|==|!=) value | (in|notin) (v1,v2) | (>|<) int ]`, comma = AND.
 * The empty string selects everything (returns []). Throws an Error with upstream's message;
 * the API answers it as 400 BadRequest.
 */
export function parseLabelSelector(s: string): LabelSelectorRequirement[] {
  return sortByKey(new Parser(lex(s)).parse());
}

// ---- matching and printing ----

export function matchesRequirement(r: LabelSelectorRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, r.key);
  const val = has ? labels[r.key]! : '';
  switch (r.operator) {
    case 'in': case '=': case '==':
      return has && r.values.includes(val);
    case 'notin': case '!=':
      return !has || !r.values.includes(val);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt': case 'lt': {
      if (!has || r.values.length !== 1) return false;
      const lv = parseInt64(val);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

/** internalSelector.Matches: all requirements hold (no requirements: everything matches). */
export function matchesLabels(reqs: readonly LabelSelectorRequirement[], labels: Record<string, string> | undefined): boolean {
  return reqs.every((r) => matchesRequirement(r, labels));
}

const opText: Record<SelectorOperator, string> = {
  '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<', exists: '', '!': '',
};

/** Requirement.String. */
export function formatRequirement(r: LabelSelectorRequirement): string {
  if (r.operator === 'exists') return r.key;
  if (r.operator === '!') return `!${r.key}`;
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  const body = r.operator === 'in' || r.operator === 'notin' ? `(${vals})` : vals;
  return `${r.key}${opText[r.operator]}${body}`;
}

/** internalSelector.String: the inverse of parseLabelSelector. */
export function formatLabelSelector(reqs: readonly LabelSelectorRequirement[]): string {
  return reqs.map(formatRequirement).join(',');
}

// ---- metav1.LabelSelector ----

const objectOperators: Record<string, SelectorOperator> = {
  In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!',
};

/**
 * metav1.LabelSelectorAsSelector for a present selector: matchLabels become `=`, matchExpressions
 * their operator; `{}` selects everything. A nil selector selects nothing upstream — that case is
 * the caller's, since fields differ in what absence means. Throws on an unknown operator or
 * invalid key/values with upstream's messages (validateLabelSelector catches these first).
 */
export function labelSelectorFromObject(sel: LabelSelector): LabelSelectorRequirement[] {
  const reqs: LabelSelectorRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(newRequirement(k, '=', [v]));
  for (const e of sel.matchExpressions ?? []) {
    const op = Object.hasOwn(objectOperators, e.operator) ? objectOperators[e.operator] : undefined;
    if (op === undefined) throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values && e.values.length > 0 ? [...e.values] : null));
  }
  return sortByKey(reqs);
}

/** meta/v1/validation ValidateLabelSelector (with label values validated, as upstream's default). */
export function validateLabelSelector(sel: LabelSelector | undefined, fieldPath: string): FieldError[] {
  if (sel === undefined) return [];
  const errs: FieldError[] = [];
  if (sel.matchLabels) errs.push(...validateLabels(sel.matchLabels, `${fieldPath}.matchLabels`));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = `${fieldPath}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': case 'NotIn':
        if (values.length === 0) errs.push({ type: 'FieldValueRequired', field: `${p}.values`, detail: "must be specified when `operator` is 'In' or 'NotIn'" });
        break;
      case 'Exists': case 'DoesNotExist':
        if (values.length > 0) errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
        break;
      default:
        errs.push({ type: 'FieldValueInvalid', field: `${p}.operator`, value: e.operator, detail: 'not a valid selector operator' });
    }
    errs.push(...validateLabelName(e.key, `${p}.key`));
    values.forEach((v, j) => {
      for (const detail of isValidLabelValue(v)) errs.push({ type: 'FieldValueInvalid', field: `${p}.values[${j}]`, value: v, detail });
    });
  });
  return errs;
}

/**
 * A `nodeSelector`-style map (every key equal; empty selects everything), as NNCP and NMState use it and
 * as the scheduler reads `spec.nodeSelector`.
 */
export function mapSelectorMatches(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

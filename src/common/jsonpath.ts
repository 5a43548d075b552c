// The JSONPath dialect of kubectl and CRD additionalPrinterColumns, ported from
// k8s.io/client-go/util/jsonpath/{parser,jsonpath}.go and the comparison rules of
// client-go/third_party/forked/golang/template/funcs.go. Supported: `.a.b`, `.a\.b` (escaped dot),
// `['k']`, `[0]`, `[-1]`, `[1:3]`, `[::2]`, `[*]`, `.*`, `..x`, `[0,2]`, `['a','b']`,
// `[?(@.type=="Ready")]` (==, !=, <, >, <=, >=, or existence), `$`/`@`, literals, text around
// `{...}`. Not supported: `range`/`end`. Missing keys give no result (AllowMissingKeys(true), as
// both kubectl and the table convertor set).
//
// One deliberate difference: upstream parses `['a.b']` as `.a.b` (three fields) and needs
// `.a\.b`; here a quoted bracket key is one literal key, which is what users expect.

type ListNode = { kind: 'list'; nodes: Node[] };
type Param = { known: boolean; value: number; derived: boolean };
type Node =
  | ListNode
  | { kind: 'text'; text: string }
  | { kind: 'field'; name: string }
  | { kind: 'array'; params: [Param, Param, Param] }
  | { kind: 'filter'; left: ListNode; right: ListNode; op: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'wildcard' }
  | { kind: 'recursive' }
  | { kind: 'union'; nodes: ListNode[] }
  | { kind: 'identifier'; name: string };

/** A parsed template: text parts and `{...}` expressions, in order. */
export type CompiledJsonPath = ListNode;

export class JsonPathError extends Error {}

const EOF = '';
const isSpace = (r: string): boolean => r === ' ' || r === '\t';
const isEndOfLine = (r: string): boolean => r === '\r' || r === '\n';
const isTerminator = (r: string): boolean => isSpace(r) || isEndOfLine(r) || r === EOF || '.,[]$@{}'.includes(r);
const isAlphaNumeric = (r: string): boolean => r !== EOF && /^[\p{L}\p{Nd}_]$/u.test(r);
const isDigit = (r: string): boolean => r !== EOF && /^\p{Nd}$/u.test(r);
const dictKeyRe = /^'([^']*)'$/;
const sliceRe = /^(-?\d*)(:-?\d*)?(:-?\d*)?$/;
const filterRe = /^([^!<>=]+)([!<>=]+)(.+?)$/;

/** Go strconv.Atoi: optional sign, decimal digits only. */
function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

const simpleEscapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** UnquoteExtend: strconv.Unquote that also accepts single quotes. */
function unquote(s: string): string {
  const quote = s[0];
  if (s.length < 2 || (quote !== '"' && quote !== "'") || s[s.length - 1] !== quote) throw new JsonPathError('invalid syntax');
  const body = s.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === quote) throw new JsonPathError('invalid syntax');
    if (c !== '\\') { out += c; continue; }
    const e = body[++i] ?? '';
    if (Object.hasOwn(simpleEscapes, e)) { out += simpleEscapes[e]; continue; }
    if (e === quote) { out += e; continue; }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const hex = body.slice(i + 1, i + 1 + hexLen);
    if (hexLen > 0 && hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) {
      out += String.fromCodePoint(parseInt(hex, 16));
      i += hexLen;
      continue;
    }
    if (/^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
      continue;
    }
    throw new JsonPathError('invalid syntax');
  }
  return out;
}

class Parser {
  private input = '';
  private pos = 0;
  private start = 0;
  private width = 0;
  root: ListNode = { kind: 'list', nodes: [] };

  parse(text: string): ListNode {
    this.input = text;
    this.root = { kind: 'list', nodes: [] };
    this.pos = 0;
    this.start = 0;
    this.parseText(this.root);
    return this.root;
  }

  /** parseAction: one expression as if written inside braces. */
  static action(text: string): ListNode {
    const root = new Parser().parse(`{${text}}`);
    return root.nodes[0] as ListNode;
  }

  private consumeText(): string {
    const v = this.input.slice(this.start, this.pos);
    this.start = this.pos;
    return v;
  }

  private next(): string {
    if (this.pos >= this.input.length) { this.width = 0; return EOF; }
    const r = String.fromCodePoint(this.input.codePointAt(this.pos)!);
    this.width = r.length;
    this.pos += r.length;
    return r;
  }

  private peek(): string {
    const r = this.next();
    this.backup();
    return r;
  }

  private backup(): void {
    this.pos -= this.width;
  }

  private parseText(cur: ListNode): void {
    for (;;) {
      if (this.input.startsWith('{', this.pos)) {
        if (this.pos > this.start) cur.nodes.push({ kind: 'text', text: this.consumeText() });
        this.pos += 1;
        this.consumeText();
        const list: ListNode = { kind: 'list', nodes: [] };
        cur.nodes.push(list);
        this.parseInsideAction(list);
        return;
      }
      if (this.next() === EOF) break;
    }
    if (this.pos > this.start) cur.nodes.push({ kind: 'text', text: this.consumeText() });
  }

  private parseInsideAction(cur: ListNode): void {
    // Upstream recurses once per token; a loop keeps the stack flat.
    for (;;) {
      const rest = this.input.slice(this.pos);
      if (rest.startsWith('}')) {
        this.pos += 1;
        this.consumeText();
        this.parseText(this.root);
        return;
      }
      if (rest.startsWith('[?(')) { this.parseFilter(cur); continue; }
      if (rest.startsWith('..')) { this.parseRecursive(cur); continue; }
      const r = this.next();
      if (r === EOF || isEndOfLine(r)) throw new JsonPathError('unclosed action');
      if (r === ' ' || r === '@' || r === '$') { this.consumeText(); continue; }
      if (r === '[') { this.parseArray(cur); continue; }
      if (r === '"' || r === "'") { this.parseQuote(cur, r); continue; }
      if (r === '.') { this.parseField(cur); continue; }
      if (r === '+' || r === '-' || isDigit(r)) { this.backup(); this.parseNumber(cur); continue; }
      if (isAlphaNumeric(r)) { this.backup(); this.parseIdentifier(cur); continue; }
      const cp = r.codePointAt(0)!;
      throw new JsonPathError(`unrecognized character in action: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${r}'`);
    }
  }

  private parseIdentifier(cur: ListNode): void {
    while (!isTerminator(this.next()));
    if (this.width > 0) this.backup();
    const v = this.consumeText();
    cur.nodes.push(v === 'true' || v === 'false' ? { kind: 'bool', value: v === 'true' } : { kind: 'identifier', name: v });
  }

  private parseRecursive(cur: ListNode): void {
    if (cur.nodes[cur.nodes.length - 1]?.kind === 'recursive') throw new JsonPathError('invalid multiple recursive descent');
    this.pos += 2;
    this.consumeText();
    cur.nodes.push({ kind: 'recursive' });
    if (isAlphaNumeric(this.peek())) this.parseField(cur);
  }

  private parseNumber(cur: ListNode): void {
    const r = this.peek();
    if (r === '+' || r === '-') this.next();
    for (;;) {
      const c = this.next();
      if (c !== '.' && !isDigit(c)) { if (c !== EOF) this.backup(); break; }
    }
    const v = this.consumeText();
    const n = atoi(v) ?? (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) ? Number(v) : undefined);
    if (n === undefined) throw new JsonPathError(`cannot parse number ${v}`);
    cur.nodes.push({ kind: 'number', value: n });
  }

  private parseArray(cur: ListNode): void {
    for (;;) {
      const c = this.next();
      if (c === EOF || c === '\n') throw new JsonPathError('unterminated array');
      if (c === ']') break;
    }
    let text = this.consumeText().slice(1, -1);
    if (text === '*') text = ':';
    const parts = text.split(',');
    if (parts.length > 1) {
      cur.nodes.push({ kind: 'union', nodes: parts.map((p) => Parser.action(`[${p.trim()}]`)) });
      return;
    }
    const key = dictKeyRe.exec(text);
    if (key) {
      // See the header: one literal key (upstream re-parses it as a dotted path).
      cur.nodes.push({ kind: 'field', name: key[1]!.replace(/\\/g, '') });
      return;
    }
    const m = sliceRe.exec(text);
    if (!m) throw new JsonPathError(`invalid array index ${text}`);
    const params: [Param, Param, Param] = [
      { known: false, value: 0, derived: false },
      { known: false, value: 0, derived: false },
      { known: false, value: 0, derived: false },
    ];
    for (let i = 0; i < 3; i++) {
      let v = m[i + 1] ?? '';
      const p = params[i]!;
      if (v !== '') {
        if (i > 0) v = v.slice(1);
        if (i > 0 && v === '') continue;
        const n = atoi(v);
        if (n === undefined) throw new JsonPathError(`array index ${v} is not a number`);
        p.known = true;
        p.value = n;
      } else if (i === 1) {
        // `[i]` is the slice `[i:i+1]`.
        p.known = true;
        p.value = params[0]!.value + 1;
        p.derived = true;
      }
    }
    cur.nodes.push({ kind: 'array', params });
  }

  private parseFilter(cur: ListNode): void {
    this.pos += 3;
    this.consumeText();
    let begin = false;
    let end = false;
    let pair = '';
    for (;;) {
      const r = this.next();
      if (r === EOF || r === '\n') throw new JsonPathError('unterminated filter');
      if (r === '"' || r === "'") {
        if (!begin) { begin = true; pair = r; continue; }
        if (this.input[this.pos - 2] !== '\\' && r === pair) end = true;
      } else if (r === ')' && begin === end) {
        break;
      }
    }
    if (this.next() !== ']') throw new JsonPathError('unclosed array expect ]');
    const text = this.consumeText().slice(0, -2);
    const m = filterRe.exec(text);
    if (!m) {
      cur.nodes.push({ kind: 'filter', left: Parser.action(text), right: { kind: 'list', nodes: [] }, op: 'exists' });
    } else {
      cur.nodes.push({ kind: 'filter', left: Parser.action(m[1]!), right: Parser.action(m[3]!), op: m[2]! });
    }
  }

  private parseQuote(cur: ListNode, end: string): void {
    for (;;) {
      const c = this.next();
      if (c === EOF || c === '\n') throw new JsonPathError('unterminated quoted string');
      if (c === end && this.input[this.pos - 2] !== '\\') break;
    }
    const v = this.consumeText();
    try {
      cur.nodes.push({ kind: 'text', text: unquote(v) });
    } catch (e) {
      throw new JsonPathError(`unquote string ${v} error ${(e as Error).message}`);
    }
  }

  private parseField(cur: ListNode): void {
    this.consumeText();
    // advance: a backslash escapes the next character (e.g. `\.`); backslashes are then dropped.
    for (;;) {
      const r = this.next();
      if (r === '\\') { this.next(); continue; }
      if (isTerminator(r)) { if (r !== EOF) this.backup(); break; }
    }
    const v = this.consumeText();
    cur.nodes.push(v === '*' ? { kind: 'wildcard' } : { kind: 'field', name: v.replace(/\\/g, '') });
  }
}

// ---- evaluation ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNil = (v: unknown): boolean => v === null || v === undefined;

/** Go's reflect type name, for error messages. */
function goType(v: unknown): string {
  if (isObject(v)) return 'map[string]interface {}';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return 'interface {}';
}

/** iterHelper: arrays in order, maps in sorted key order (fmtsort); other values are not iterable. */
function children(v: unknown): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (isObject(v)) return Object.keys(v).sort().map((k) => v[k]);
  return undefined;
}

type Basic = 'string' | 'number' | 'boolean';
function basicKind(v: unknown): Basic | undefined {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' ? t : undefined;
}

/**
 * evalOperator: same-kind comparison; bools only compare for (in)equality. Upstream ignores
 * "incompatible"/"invalid type" errors, which leaves `!=` true and every other operator false.
 * (Go also treats int64 data and float literals as different kinds; JSON numbers here are one.)
 */
function compare(op: string, l: unknown, r: unknown): boolean {
  const k = basicKind(l);
  if (k === undefined || k !== basicKind(r)) return op === '!=';
  if (k === 'boolean' && op !== '==' && op !== '!=') return false;
  const a = l as string | number;
  const b = r as string | number;
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '<=': return a <= b;
    case '>=': return a >= b;
    default: throw new JsonPathError(`unrecognized filter operator ${op}`);
  }
}

function evalList(input: unknown[], list: ListNode): unknown[] {
  let cur = input;
  for (const n of list.nodes) cur = walk(cur, n);
  return cur;
}

function walk(input: unknown[], node: Node): unknown[] {
  switch (node.kind) {
    case 'list': return evalList(input, node);
    case 'text': return [node.text];
    case 'number': case 'bool': return input.map(() => node.value);
    case 'field': {
      const out: unknown[] = [];
      for (const v of input) if (isObject(v) && Object.hasOwn(v, node.name) && v[node.name] !== undefined) out.push(v[node.name]);
      return out;
    }
    case 'array': return evalArray(input, node.params);
    case 'filter': return evalFilter(input, node);
    case 'wildcard': return input.flatMap((v) => children(v) ?? []);
    case 'recursive': return evalRecursive(input);
    case 'union': return node.nodes.flatMap((l) => evalList(input, l));
    case 'identifier': throw new JsonPathError(`unrecognized identifier ${node.name}`);
  }
}

function evalArray(input: unknown[], params: readonly [Param, Param, Param]): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (isNil(v)) continue;
    if (!Array.isArray(v)) throw new JsonPathError(`${goType(v)} is not array or slice`);
    const len = v.length;
    let from = params[0].known ? params[0].value : 0;
    if (from < 0) from += len;
    let to = params[1].known ? params[1].value : len;
    if (to < 0 || (to === 0 && params[1].derived)) to += len;
    // Requesting zero elements ends the whole evaluation of this node (upstream returns early).
    if (to === from) return out;
    if (from >= len || from < 0) throw new JsonPathError(`array index out of bounds: index ${from}, length ${len}`);
    if (to > len || to < 0) throw new JsonPathError(`array index out of bounds: index ${to - 1}, length ${len}`);
    if (from > to) throw new JsonPathError(`starting index ${from} is greater than ending index ${to}`);
    let step = 1;
    if (params[2].known) {
      if (params[2].value <= 0) throw new JsonPathError('step must be > 0');
      step = params[2].value;
    }
    for (let i = from; i < to; i += step) out.push(v[i]);
  }
  return out;
}

function evalFilter(input: unknown[], node: Extract<Node, { kind: 'filter' }>): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    if (isNil(v)) continue;
    for (const item of children(v) ?? [v]) {
      // With AllowMissingKeys upstream ignores errors on the left side.
      let lefts: unknown[];
      try { lefts = evalList([item], node.left); } catch { lefts = []; }
      const rights = evalList([item], node.right);
      if (lefts.length === 0) continue;
      if (lefts.length > 1) throw new JsonPathError('can only compare one element at a time');
      if (node.op === 'exists') { out.push(item); continue; }
      if (rights.length === 0) continue;
      if (rights.length > 1) throw new JsonPathError('can only compare one element at a time');
      if (compare(node.op, lefts[0], rights[0])) out.push(item);
    }
  }
  return out;
}

/** `..`: every container (not leaf) at or below each input, parents first. */
function evalRecursive(input: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of input) {
    const kids = children(v);
    if (!kids || kids.length === 0) continue;
    out.push(v);
    out.push(...evalRecursive(kids));
  }
  return out;
}

// ---- public API ----

const cache = new Map<string, ListNode>();
const CACHE_LIMIT = 1000;

/** Parses (once, cached) a path; braces are optional: `.a.b` means `{.a.b}`. Throws JsonPathError. */
export function compileJsonPath(path: string): CompiledJsonPath {
  let root = cache.get(path);
  if (!root) {
    root = new Parser().parse(path.includes('{') ? path : `{${path}}`);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(path, root);
  }
  return root;
}

/** FindResults: one result list per template part (text or `{...}`). */
function findResults(obj: unknown, path: string): unknown[][] {
  return compileJsonPath(path).nodes.map((n) => walk([obj], n));
}

/** Every match, in order. Throws JsonPathError on a syntax or evaluation error (e.g. index out of bounds). */
export function evaluateJsonPath(obj: unknown, path: string): unknown[] {
  return findResults(obj, path).flat();
}

/**
 * fmt's %v of a JSON number. Unstructured objects hold integers as int64 (printed plainly) and
 * other numbers as float64, printed with strconv 'g' shortest: exponent form when the decimal
 * exponent is < -4 or >= 6 (e.g. `1.5e+06`, `1e-05`).
 */
function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  const [mant, e] = n.toExponential().split('e') as [string, string];
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

/** Go's encoding/json.Marshal: map keys sorted, `<`, `>`, `&`, U+2028/9 escaped. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (isObject(x)) return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])]));
    return x;
  };
  return JSON.stringify(sortKeys(v)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSONPath.PrintResults for one value: maps/arrays as JSON, nil as `<no value>`, scalars via %v. */
export function printJsonPathValue(v: unknown): string {
  if (isNil(v)) return '<no value>';
  if (typeof v === 'object') return goJson(v);
  if (typeof v === 'number') return goNumber(v);
  return String(v);
}

export type PrinterColumnType = 'string' | 'integer' | 'number' | 'boolean' | 'date';

/**
 * The cell apiextensions' table convertor shows for a CRD column: the first match, then
 * - string: the printed value (objects/arrays as Go-style JSON, null as `<no value>`);
 * - integer: a number truncated to an integer; number: the number; boolean: the boolean;
 * - date: the raw string (the caller turns it into an age with ageSince — upstream shows
 *   HumanDuration since then, `<unknown>` for "", `<invalid>` if not RFC 3339).
 * undefined (null in the Table) when nothing matches, the type does not fit, or evaluation fails.
 */
export function printerCell(obj: unknown, path: string, type: PrinterColumnType | string): unknown {
  let first: unknown[] | undefined;
  try {
    first = findResults(obj, path)[0];
  } catch {
    return undefined;
  }
  if (!first || first.length === 0) return undefined;
  const v = first[0];
  if (type === 'string') return printJsonPathValue(v);
  if (isNil(v)) return undefined;
  switch (type) {
    case 'integer': return typeof v === 'number' ? Math.trunc(v) : undefined;
    case 'number': return typeof v === 'number' ? v : undefined;
    case 'boolean': return typeof v === 'boolean' ? v : undefined;
    case 'date': return typeof v === 'string' ? v : undefined;
    default: return undefined;
  }
}

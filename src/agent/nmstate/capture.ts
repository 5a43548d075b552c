// nmpolicy captures and `{{ capture.x.y }}` templates (nmstate policy/{capture,token,template}.rs).
// A capture expression is one of:
//   path                         bare path: keep only that branch of the state
//   path == value|path           filter the list on `path` (routes.running…, interfaces…, route-rules.config…)
//   capture.c | path := value     copy capture c with the property replaced in every list entry
// and any path may start with `capture.<name>.` to work on an earlier capture instead of the current state.

import { isPlainObject } from '../../common/object.js';
import { NmstateError, invalidArgument, policyError } from './error.js';
import type { NetworkState } from './types.js';

type Token =
  | { kind: 'path'; parts: string[]; pos: number }
  | { kind: 'value'; value: string; pos: number }
  | { kind: 'eq' | 'replace' | 'pipe'; pos: number };

export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t') { i++; continue; }
    if (line.startsWith('==', i)) { tokens.push({ kind: 'eq', pos: i }); i += 2; continue; }
    if (line.startsWith(':=', i)) { tokens.push({ kind: 'replace', pos: i }); i += 2; continue; }
    if (ch === '|') { tokens.push({ kind: 'pipe', pos: i }); i++; continue; }
    if (ch === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) throw policyError('Unterminated string', line, i);
      tokens.push({ kind: 'value', value: line.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const m = /^[A-Za-z0-9_.\-/:]+/.exec(line.slice(i));
    if (!m) throw policyError(`Invalid character '${ch}'`, line, i);
    const text = m[0].replace(/:$/, '');
    tokens.push({ kind: 'path', parts: text.split('.'), pos: i });
    i += text.length;
  }
  return tokens;
}

export interface CaptureCommand {
  line: string;
  /** Capture the command reads instead of the current state. */
  input?: { name: string; pos: number };
  action: 'none' | 'eq' | 'replace';
  key: { parts: string[]; pos: number };
  value?: { literal: unknown } | { capture?: { name: string; pos: number }; parts: string[]; pos: number };
}

function splitCapture(t: { parts: string[]; pos: number }, line: string) {
  if (t.parts[0] !== 'capture') return { parts: t.parts, pos: t.pos };
  const name = t.parts[1];
  if (name === undefined) throw policyError('No property path after capture name', line, t.pos);
  return {
    capture: { name, pos: t.pos + 'capture.'.length },
    parts: t.parts.slice(2),
    pos: t.pos + 'capture.'.length + name.length + 1,
  };
}

export function parseCapture(raw: string): CaptureCommand {
  const line = raw.replace(/\u00a0/g, ' ').trim();
  let tokens = tokenize(line);
  const cmd: CaptureCommand = { line, action: 'none', key: { parts: [], pos: 0 } };
  for (const kind of ['pipe', 'eq', 'replace'] as const) {
    const all = tokens.filter((t) => t.kind === kind);
    if (all.length > 1) throw policyError(`Only one '${kind === 'pipe' ? '|' : kind === 'eq' ? '==' : ':='}' is allowed`, line, all[1]!.pos);
  }
  const pipeAt = tokens.findIndex((t) => t.kind === 'pipe');
  if (pipeAt >= 0) {
    const src = tokens[0];
    if (pipeAt !== 1 || !src || src.kind !== 'path' || src.parts.length !== 2 || src.parts[0] !== 'capture') {
      throw policyError("The pipe action should always in format of 'capture.<capture_name>'", line, src?.pos ?? tokens[pipeAt]!.pos);
    }
    cmd.input = { name: src.parts[1]!, pos: src.pos + 'capture.'.length };
    tokens = tokens.slice(pipeAt + 1);
  }
  const actAt = tokens.findIndex((t) => t.kind === 'eq' || t.kind === 'replace');
  const keyTokens = actAt >= 0 ? tokens.slice(0, actAt) : tokens;
  const key = keyTokens[0];
  if (keyTokens.length !== 1 || !key || key.kind !== 'path') {
    throw policyError('The equal or replace action should always start with property path', line,
      key?.pos ?? tokens[actAt]?.pos ?? 0);
  }
  const k = splitCapture(key, line);
  if ('capture' in k && k.capture) {
    if (cmd.input) throw policyError('A piped expression cannot read another capture', line, key.pos);
    cmd.input = k.capture;
  }
  cmd.key = { parts: k.parts, pos: k.pos };
  if (actAt < 0) return cmd;
  const act = tokens[actAt]!;
  cmd.action = act.kind === 'eq' ? 'eq' : 'replace';
  const valueTokens = tokens.slice(actAt + 1);
  const v = valueTokens[0];
  if (valueTokens.length !== 1 || !v || (v.kind !== 'path' && v.kind !== 'value')) {
    throw policyError('The equal or replace action should end with single value or property path', line, v?.pos ?? act.pos);
  }
  if (v.kind === 'value') cmd.value = { literal: v.value };
  else if (v.parts[0] === 'capture') cmd.value = splitCapture(v, line);
  else if (v.parts.length === 1) cmd.value = { literal: bareLiteral(v.parts[0]!) };
  else cmd.value = { parts: v.parts, pos: v.pos };
  return cmd;
}

function bareLiteral(s: string): unknown {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+$/.test(s)) return Number(s);
  return s;
}

export function getPath(state: unknown, parts: readonly string[], line: string, pos: number): unknown {
  let v: unknown = state;
  let at = pos;
  for (const p of parts) {
    if (Array.isArray(v) && /^\d+$/.test(p)) v = v[Number(p)];
    else if (isPlainObject(v)) v = v[p];
    else v = undefined;
    if (v === undefined) throw policyError(`Failed to find property ${p}`, line, at);
    at += p.length + 1;
  }
  return v;
}

function matches(entry: unknown, parts: readonly string[], want: string): boolean {
  if (parts.length === 0) return entry !== undefined && entry !== null && String(entry) === want;
  if (Array.isArray(entry)) return entry.some((e) => matches(e, parts, want));
  if (!isPlainObject(entry)) return false;
  return matches(entry[parts[0]!], parts.slice(1), want);
}

function setAll(entry: unknown, parts: readonly string[], value: unknown): unknown {
  if (parts.length === 0) return structuredClone(value);
  if (Array.isArray(entry)) return entry.map((e) => setAll(e, parts, value));
  const obj = isPlainObject(entry) ? { ...entry } : {};
  obj[parts[0]!] = setAll(obj[parts[0]!], parts.slice(1), value);
  return obj;
}

/** Where the list lives for each top-level keyword, and how many path parts address it. */
function listParts(parts: readonly string[], line: string, pos: number): number {
  switch (parts[0]) {
    case 'interfaces': return 1;
    case 'routes':
    case 'route-rules':
      if (parts[1] !== 'running' && parts[1] !== 'config') {
        throw policyError(`Expecting 'running' or 'config' after ${parts[0]}`, line, pos + parts[0].length + 1);
      }
      return 2;
    case undefined: throw invalidArgument('Invalid empty keyword');
    default: throw invalidArgument(`Unsupported capture keyword '${parts[0]}'`);
  }
}

function retainOnly(state: unknown, parts: readonly string[]): unknown {
  if (parts.length === 0) return structuredClone(state);
  if (!isPlainObject(state) || state[parts[0]!] === undefined) return {};
  return { [parts[0]!]: retainOnly(state[parts[0]!], parts.slice(1)) };
}

export function executeCapture(cmd: CaptureCommand, current: NetworkState, captured: Record<string, NetworkState>): NetworkState {
  const pick = (ref: { name: string; pos: number }): NetworkState => {
    const c = captured[ref.name];
    if (!c) throw policyError(`Capture ${ref.name} not found`, cmd.line, ref.pos);
    return c;
  };
  const input: NetworkState = cmd.input ? pick(cmd.input) : current;
  if (cmd.action === 'none') return retainOnly(input, cmd.key.parts) as NetworkState;
  let value: unknown;
  if (cmd.value && 'literal' in cmd.value) value = cmd.value.literal;
  else if (cmd.value) {
    const src = cmd.value.capture ? pick(cmd.value.capture) : current;
    value = getPath(src, cmd.value.parts, cmd.line, cmd.value.pos);
  }
  const n = listParts(cmd.key.parts, cmd.line, cmd.key.pos);
  const listPath = cmd.key.parts.slice(0, n);
  const rest = cmd.key.parts.slice(n);
  const list = listPath.reduce<unknown>((v, p) => (isPlainObject(v) ? v[p] : undefined), input);
  const entries = Array.isArray(list) ? list : [];
  const result = cmd.action === 'eq'
    ? entries.filter((e) => matches(e, rest, String(value))).map((e) => structuredClone(e))
    : entries.map((e) => setAll(e, rest, value));
  const out: Record<string, unknown> = {};
  let cursor = out;
  listPath.forEach((p, i) => {
    if (i === listPath.length - 1) cursor[p] = result;
    else cursor = (cursor[p] = {}) as Record<string, unknown>;
  });
  return out as NetworkState;
}

/** Evaluates every capture, a capture after those it reads (nmstate sorts them, at most 10 rounds). */
export function evaluateCaptures(exprs: Readonly<Record<string, string>>, current: NetworkState): Record<string, NetworkState> {
  const cmds = Object.entries(exprs).map(([name, e]) => [name, parseCapture(e)] as const);
  const out: Record<string, NetworkState> = {};
  let pending = [...cmds];
  for (let round = 0; pending.length > 0 && round <= cmds.length; round++) {
    const next: typeof pending = [];
    for (const [name, cmd] of pending) {
      const deps = [cmd.input?.name, cmd.value && 'capture' in cmd.value ? cmd.value.capture?.name : undefined]
        .filter((d): d is string => d !== undefined);
      if (deps.every((d) => d in out || !exprs[d])) out[name] = executeCapture(cmd, current, out);
      else next.push([name, cmd]);
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  for (const [name, cmd] of pending) out[name] = executeCapture(cmd, current, out);
  return out;
}

const REF = /\{\{\s*([^}]*?)\s*\}\}/;

function resolveString(raw: string, captured: Record<string, NetworkState>): unknown {
  const line = raw.trim();
  const m = REF.exec(line);
  if (!m) return raw;
  const inner = m[1]!;
  const pos = m.index + m[0].indexOf(inner);
  const parts = inner.split('.');
  if (parts.length < 2) {
    throw policyError('Invalid capture reference string, should be in the format capture.<capture_name>.<property_path>', line, pos);
  }
  if (parts[0] !== 'capture') throw policyError('Can only refer to captured data', line, pos);
  const cap = captured[parts[1]!];
  if (!cap) throw policyError(`Failed to find capture ${parts[1]}`, line, pos + 'capture.'.length);
  const value = getPath(cap, parts.slice(2), line, pos + `capture.${parts[1]}.`.length);
  const whole = m.index === 0 && m[0].length === line.length;
  if (typeof value === 'string') return line.slice(0, m.index) + value + line.slice(m.index + m[0].length);
  if (!whole) {
    throw policyError('The resolved reference result is object or array, hence you cannot add prefix or postfix', line, pos);
  }
  return structuredClone(value);
}

export function resolveTemplate<T>(template: T, captured: Record<string, NetworkState>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return resolveString(v, captured);
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(template) as T;
}

export function isPolicyError(e: unknown): e is NmstateError {
  return e instanceof NmstateError && e.kind === 'PolicyError';
}

// The two JSON line protocols QEMU speaks on its sockets (pure): QMP (the monitor) and the guest agent (QGA).
// Both send one JSON object per line; QMP adds asynchronous events between replies, and QGA's
// guest-sync-delimited reply is preceded by a 0xFF byte that marks where stale output ends.

import type { GuestInterface } from '../runtime.js';

/** Splits a byte stream into lines; keeps the unterminated tail for the next chunk. */
export class LineBuffer {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const lines: string[] = [];
    for (let nl = this.pending.indexOf(0x0a); nl >= 0; nl = this.pending.indexOf(0x0a)) {
      lines.push(this.pending.subarray(0, nl).toString('utf8').replace(/\r$/, ''));
      this.pending = this.pending.subarray(nl + 1);
    }
    return lines;
  }
}

export type QemuReply =
  | { kind: 'greeting' }
  | { kind: 'event'; event: string }
  | { kind: 'return'; value: unknown; id?: unknown }
  | { kind: 'error'; errorClass: string; desc: string; id?: unknown }
  | { kind: 'garbage'; text: string };

/** One line from QMP or QGA. Lines that are not a JSON object (stale bytes, 0xFF) are `garbage`. */
export function parseReply(line: string): QemuReply {
  const start = line.indexOf('{');
  if (start < 0) return { kind: 'garbage', text: line };
  let msg: unknown;
  try {
    msg = JSON.parse(line.slice(start));
  } catch {
    return { kind: 'garbage', text: line };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return { kind: 'garbage', text: line };
  const m = msg as Record<string, unknown>;
  const id = 'id' in m ? { id: m['id'] } : {};
  if ('QMP' in m) return { kind: 'greeting' };
  if (typeof m['event'] === 'string') return { kind: 'event', event: m['event'] };
  if ('return' in m) return { kind: 'return', value: m['return'], ...id };
  if (typeof m['error'] === 'object' && m['error'] !== null) {
    const e = m['error'] as Record<string, unknown>;
    return { kind: 'error', errorClass: String(e['class'] ?? 'GenericError'), desc: String(e['desc'] ?? ''), ...id };
  }
  return { kind: 'garbage', text: line };
}

/** A request line: `{"execute": …, "arguments": …}` plus newline. */
export function renderRequest(execute: string, args?: Record<string, unknown>, id?: string): string {
  return `${JSON.stringify({ execute, ...(args === undefined ? {} : { arguments: args }), ...(id === undefined ? {} : { id }) })}\n`;
}

/** What precedes guest-sync-delimited: 0xFF makes the agent drop any half-received request. */
export const QGA_DELIMITER = 0xff;

/**
 * True when `line` is the answer to guest-sync(-delimited) with `id`. Replies to requests of an earlier,
 * abandoned client may still arrive first; those are skipped.
 */
export function isSyncReply(line: string, id: number): boolean {
  const r = parseReply(line);
  return r.kind === 'return' && r.value === id;
}

interface QgaAddress {
  'ip-address-type'?: unknown;
  'ip-address'?: unknown;
}

interface QgaInterface {
  name?: unknown;
  'hardware-address'?: unknown;
  'ip-addresses'?: unknown;
}

const isLinkLocal6 = (a: string): boolean => /^fe[89ab][0-9a-f]:/i.test(a);

/**
 * guest-network-get-interfaces as KubeVirt reports it: loopback left out, addresses without prefix,
 * IPv4 first, link-local IPv6 left out.
 */
export function parseGuestInterfaces(value: unknown): GuestInterface[] {
  if (!Array.isArray(value)) throw new Error('guest-network-get-interfaces: the reply is not a list');
  const out: GuestInterface[] = [];
  for (const raw of value as QgaInterface[]) {
    const name = typeof raw.name === 'string' ? raw.name : '';
    const mac = typeof raw['hardware-address'] === 'string' ? raw['hardware-address'].toLowerCase() : '';
    if (name === '' || name === 'lo' || mac === '' || mac === '00:00:00:00:00:00') continue;
    const addrs = Array.isArray(raw['ip-addresses']) ? raw['ip-addresses'] as QgaAddress[] : [];
    const pick = (type: string): string[] => addrs
      .filter((a) => a['ip-address-type'] === type && typeof a['ip-address'] === 'string')
      .map((a) => a['ip-address'] as string)
      .filter((a) => !(type === 'ipv6' && isLinkLocal6(a)));
    out.push({ name, mac, ipAddresses: [...pick('ipv4'), ...pick('ipv6')] });
  }
  return out;
}

export interface ExecStatus {
  exited: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** guest-exec-status; a process killed by signal N reports exit code 128 + N, as a shell would. */
export function parseExecStatus(value: unknown): ExecStatus {
  if (typeof value !== 'object' || value === null) throw new Error('guest-exec-status: the reply is not an object');
  const v = value as Record<string, unknown>;
  const b64 = (k: string): string => (typeof v[k] === 'string' ? Buffer.from(v[k] as string, 'base64').toString('utf8') : '');
  const exited = v['exited'] === true;
  let exitCode = -1;
  if (typeof v['exitcode'] === 'number') exitCode = v['exitcode'];
  else if (typeof v['signal'] === 'number') exitCode = 128 + v['signal'];
  return { exited, exitCode: exited ? exitCode : -1, stdout: b64('out-data'), stderr: b64('err-data') };
}

/** guest-exec's pid. */
export function parseExecPid(value: unknown): number {
  const pid = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['pid'] : undefined;
  if (typeof pid !== 'number') throw new Error(`guest-exec: no pid in the reply ${JSON.stringify(value)}`);
  return pid;
}

// Short-lived clients of QEMU's QMP and guest-agent sockets. QEMU serves one client per socket at a time,
// so callers serialize per VM (see QemuRuntime) and every session closes when its work is done.

import { connect, type Socket } from 'node:net';
import { LineBuffer, QGA_DELIMITER, isSyncReply, parseReply, renderRequest } from './qemu-protocol.js';

export class QemuCommandError extends Error {
  override readonly name = 'QemuCommandError';
  constructor(readonly command: string, readonly errorClass: string, desc: string) {
    super(`${command}: ${errorClass}: ${desc}`);
  }
}

/** A unix socket read line by line, every wait bounded by a deadline. */
class LineSession {
  private readonly lines: string[] = [];
  private readonly buffer = new LineBuffer();
  private waiter: (() => void) | undefined;
  private closedBy: Error | undefined;

  private constructor(private readonly socket: Socket, private readonly what: string) {
    socket.on('data', (chunk: Buffer) => {
      this.lines.push(...this.buffer.push(chunk));
      this.wake();
    });
    socket.on('error', (e) => this.end(e));
    socket.on('close', () => this.end(new Error(`${what}: connection closed`)));
  }

  static open(path: string, what: string, timeoutMs: number): Promise<LineSession> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${what}: cannot connect to ${path} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new LineSession(socket, what));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`${what}: cannot connect to ${path}: ${e.message}`));
      });
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private end(e: Error): void {
    this.closedBy ??= e;
    this.wake();
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async nextLine(deadline: number, waitingFor: string): Promise<string> {
    for (;;) {
      const line = this.lines.shift();
      if (line !== undefined) return line;
      if (this.closedBy !== undefined) throw this.closedBy;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.what}: no ${waitingFor} within the timeout`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Reads replies until the one for `command`; QMP events and stale lines in between are skipped. */
async function reply(session: LineSession, command: string, deadline: number): Promise<unknown> {
  for (;;) {
    const r = parseReply(await session.nextLine(deadline, `reply to ${command}`));
    if (r.kind === 'return') return r.value;
    if (r.kind === 'error') throw new QemuCommandError(command, r.errorClass, r.desc);
  }
}

export interface QemuCommand {
  execute: string;
  arguments?: Record<string, unknown>;
}

/** Runs QMP commands in order on one connection (after the capabilities handshake); their results. */
export async function qmp(path: string, commands: QemuCommand[], timeoutMs = 10_000): Promise<unknown[]> {
  const deadline = Date.now() + timeoutMs;
  const session = await LineSession.open(path, 'QMP', timeoutMs);
  try {
    for (;;) {
      const r = parseReply(await session.nextLine(deadline, 'QMP greeting'));
      if (r.kind === 'greeting') break;
    }
    session.write(renderRequest('qmp_capabilities'));
    await reply(session, 'qmp_capabilities', deadline);
    const results: unknown[] = [];
    for (const c of commands) {
      session.write(renderRequest(c.execute, c.arguments));
      results.push(await reply(session, c.execute, deadline));
    }
    return results;
  } finally {
    session.close();
  }
}

/** A guest-agent connection, synchronized (guest-sync-delimited) so stale replies cannot be mistaken for ours. */
export class GuestAgentSession {
  private constructor(private readonly session: LineSession) {}

  /** Rejects when the agent does not answer guest-sync within `syncTimeoutMs` (guest booting, no agent). */
  static async open(path: string, syncTimeoutMs = 5_000): Promise<GuestAgentSession> {
    const session = await LineSession.open(path, 'guest agent', syncTimeoutMs);
    try {
      const id = Math.floor(Math.random() * 2 ** 31);
      session.write(Buffer.concat([Buffer.from([QGA_DELIMITER]), Buffer.from(renderRequest('guest-sync-delimited', { id }))]));
      const deadline = Date.now() + syncTimeoutMs;
      for (;;) {
        const line = await session.nextLine(deadline, 'answer to guest-sync (is the guest agent running?)');
        if (isSyncReply(line, id)) return new GuestAgentSession(session);
      }
    } catch (e) {
      session.close();
      throw e;
    }
  }

  async call(execute: string, args?: Record<string, unknown>, timeoutMs = 10_000): Promise<unknown> {
    this.session.write(renderRequest(execute, args));
    return reply(this.session, execute, Date.now() + timeoutMs);
  }

  close(): void {
    this.session.close();
  }
}

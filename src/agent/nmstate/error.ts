// nmstate errors as values: `<Kind>: <message>` exactly as nmstatectl prints them (nmstate rust/src/lib/error.rs).
// The kind tells the caller whether a retry can help: only VerificationError may pass on a later attempt.

export type NmstateErrorKind =
  | 'InvalidArgument'
  | 'VerificationError'
  | 'NotImplementedError'
  | 'NotSupportedError'
  | 'PolicyError'
  | 'KernelIntegerRoundedError'
  | 'Bug';

export class NmstateError {
  readonly kind: NmstateErrorKind;
  readonly message: string;
  /** PolicyError only: the expression and the 0-based position the caret points at. */
  readonly line: string | undefined;
  readonly position: number | undefined;
  constructor(kind: NmstateErrorKind, message: string, line?: string, position?: number) {
    this.kind = kind;
    this.message = message;
    this.line = line;
    this.position = position;
  }
  /** `<Kind>: <msg>`; a PolicyError adds the expression and a caret line (nmstate error.rs Display). */
  toString(): string {
    if (this.kind === 'PolicyError' && this.line !== undefined) {
      return `${this.kind}: ${this.message}\n| ${this.line}\n| ${'.'.repeat(this.position ?? 0)}^`;
    }
    return `${this.kind}: ${this.message}`;
  }
  /** Whether re-running apply (after a pause) can succeed; nmstate retries only verification. */
  get retriable(): boolean {
    return this.kind === 'VerificationError';
  }
}

export function invalidArgument(message: string): NmstateError {
  return new NmstateError('InvalidArgument', message);
}

export function policyError(message: string, line: string, position: number): NmstateError {
  return new NmstateError('PolicyError', message, line, position);
}

export function isNmstateError(v: unknown): v is NmstateError {
  return v instanceof NmstateError;
}

/** A result that is either a value or an error, so callers never need try/catch around the engine. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: NmstateError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(error: NmstateError): Result<T> {
  return { ok: false, error };
}

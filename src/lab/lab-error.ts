// Errors of the lab are values with a stable code, so the CLI (and later the API) can say what went wrong
// without parsing messages.

export type LabErrorCode =
  | 'invalid-input' // bad id, counts, paths
  | 'exec-failed' // an external command exited non-zero (message carries its stderr)
  | 'timeout' // an external command or a wait took too long
  | 'conflict' // the data directory or a name already belongs to another lab
  | 'not-found'; // no lab recorded where one was expected

export class LabError extends Error {
  readonly code: LabErrorCode;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
  }
}

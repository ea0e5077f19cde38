/** Every failure a caller can cause or meet has one of these codes. */
export type ErrorCode =
  | 'INPUT_SHAPE'
  | 'INPUT_DTYPE'
  | 'INPUT_MISSING'
  | 'INPUT_UNKNOWN'
  | 'MODEL_FORMAT'
  | 'MODEL_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'BACKEND_UNAVAILABLE'
  | 'INTEGRITY'
  | 'QUOTA'
  | 'NETWORK'
  | 'ABORTED'
  | 'WORKER_CRASHED'
  | 'DISPOSED'
  | 'CONFIG'
  | 'EXPERIMENT_NOT_FOUND'
  | 'TIMEOUT'
  | 'INFERENCE'
  | 'INTERNAL';

/**
 * The one error type Edgewise throws. `code` is stable and meant for `switch`;
 * `message` says what was expected and what to do.
 *
 * @example
 * try { await model.predict({ input }); }
 * catch (e) { if (e instanceof EdgewiseError && e.code === 'INPUT_SHAPE') showHint(e.message); }
 */
export class EdgewiseError extends Error {
  override readonly name = 'EdgewiseError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options?.details;
  }

  /** Errors cross the worker boundary as plain data; this restores the class on the other side. */
  static fromJSON(data: {
    code: ErrorCode;
    message: string;
    details?: Record<string, unknown>;
  }): EdgewiseError {
    return new EdgewiseError(data.code, data.message, data.details ? { details: data.details } : undefined);
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: { ...this.details } }
      : { code: this.code, message: this.message };
  }
}

export function isEdgewiseError(value: unknown): value is EdgewiseError {
  return value instanceof EdgewiseError;
}

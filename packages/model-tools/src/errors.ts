/**
 * Every failure a user of model-tools can cause has one of these codes; the CLI prints the code and
 * exits 2, so scripts can `switch` on it.
 */
export type ModelToolsErrorCode =
  | 'NOT_ONNX'
  | 'NOT_TFLITE'
  | 'TRUNCATED'
  | 'UNKNOWN_OP'
  | 'UNSUPPORTED'
  | 'BAD_ARGUMENT'
  | 'NETWORK'
  | 'INTEGRITY';

/**
 * The one error type model-tools throws. `message` says what was expected and what to do.
 *
 * @example
 * try { decodeOnnx(bytes); }
 * catch (e) { if (e instanceof ModelToolsError && e.code === 'TRUNCATED') console.error('download it again'); }
 */
export class ModelToolsError extends Error {
  override readonly name = 'ModelToolsError';
  readonly code: ModelToolsErrorCode;

  constructor(code: ModelToolsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

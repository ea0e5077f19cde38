/** Every failure a caller can cause has one of these codes. */
export type StatsErrorCode = 'BAD_ARGUMENT' | 'NO_CONVERGENCE';

/**
 * The one error type `@edgewise/stats` throws. `code` is stable and meant for `switch`;
 * `message` says what was expected.
 *
 * @example
 * try { twoProportionZTest({ successesA: 5, totalA: 3, successesB: 1, totalB: 10 }); }
 * catch (e) { if (e instanceof StatsError && e.code === 'BAD_ARGUMENT') console.warn(e.message); }
 */
export class StatsError extends Error {
  override readonly name = 'StatsError';
  readonly code: StatsErrorCode;

  constructor(code: StatsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isStatsError(value: unknown): value is StatsError {
  return value instanceof StatsError;
}

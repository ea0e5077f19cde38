import { StatsError } from './errors.js';

// Argument checks shared by every public function; each message says what was expected.

function bad(message: string): never {
  throw new StatsError('BAD_ARGUMENT', message);
}

export function requireFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    bad(`${name} must be a finite number, got ${String(value)}`);
  return value;
}

export function requireNonNegative(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (v < 0) bad(`${name} must be a non-negative number (a count), got ${v}`);
  return v;
}

export function requirePositive(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (v <= 0) bad(`${name} must be greater than 0, got ${v}`);
  return v;
}

/** A probability strictly inside (0, 1): alpha, power, a baseline rate. */
export function requireOpenUnit(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (!(v > 0 && v < 1)) bad(`${name} must be strictly between 0 and 1, got ${v}`);
  return v;
}

/** A probability in [0, 1]: a CDF argument, a weight. */
export function requireUnit(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (!(v >= 0 && v <= 1)) bad(`${name} must be between 0 and 1 inclusive, got ${v}`);
  return v;
}

export function requireCounts(
  label: string,
  successes: unknown,
  total: unknown,
  opts: { allowEmpty?: boolean } = {},
): { s: number; n: number } {
  const s = requireNonNegative(`successes${label}`, successes);
  const n = requireNonNegative(`total${label}`, total);
  // Counts, not scores: a test on two summary numbers (0.91 vs 0.93) has no sample size behind it.
  if (!Number.isInteger(s) || !Number.isInteger(n)) {
    bad(`successes${label} and total${label} must be whole counts of users, got ${s} and ${n}`);
  }
  if (!opts.allowEmpty && n === 0) bad(`total${label} must be at least 1 (no observations yet)`);
  if (s > n) bad(`successes${label} (${s}) cannot exceed total${label} (${n})`);
  return { s, n };
}

export function requireArray(name: string, value: unknown, minLength = 1): unknown[] {
  if (!Array.isArray(value)) bad(`${name} must be an array`);
  if (value.length < minLength)
    bad(`${name} must have at least ${minLength} element(s), got ${value.length}`);
  return value;
}

export function requireOneOf<T extends string>(name: string, value: unknown, options: readonly T[]): T {
  if (!options.includes(value as T))
    bad(`${name} must be one of ${options.map((o) => `'${o}'`).join(', ')}, got ${String(value)}`);
  return value as T;
}

export { bad as badArgument };

import type { Holdout, NamespaceRange } from '@edgewise/protocol';
import { EdgewiseError } from '../errors.js';
import { hashToUnit } from './hash-to-unit.js';

/**
 * Whether the global holdout keeps this user out of every experiment:
 * `hashToUnit(userId, "holdout:" + seed) < share`. Its own seed, so the held-out users are not the
 * ones any experiment's coverage or layer would pick.
 *
 * @example
 * heldOut('user-123', { share: 0.05, seed: 'global' }); // true for about 5% of users
 */
export function heldOut(userId: string, holdout: Holdout | undefined): boolean {
  return holdout !== undefined && hashToUnit(userId, `holdout:${holdout.seed}`) < holdout.share;
}

/**
 * Whether the user falls in an experiment's slice of its layer:
 * `from <= hashToUnit(userId, "ns:" + name) < to`. Experiments of one layer hash with the same text
 * and take disjoint slices, so a user lands in at most one of them.
 */
export function inNamespace(userId: string, namespace: NamespaceRange): boolean {
  const [from, to] = namespace.range;
  const unit = hashToUnit(userId, `ns:${namespace.name}`);
  return unit >= from && unit < to;
}

/** The `holdout` of an experiments list, checked; undefined when the server has none. Throws CONFIG. */
export function validateHoldout(value: unknown): Holdout | undefined {
  if (value === undefined || value === null) return undefined;
  const h = value as Partial<Holdout>;
  const share = h.share;
  if (typeof value !== 'object' || !(typeof share === 'number' && share >= 0 && share <= 1)) {
    throw new EdgewiseError(
      'CONFIG',
      `the experiments list's holdout.share must be a number in [0, 1], got ${JSON.stringify(share)}. Fix the server's holdout option.`,
    );
  }
  if (typeof h.seed !== 'string' || h.seed.length === 0) {
    throw new EdgewiseError(
      'CONFIG',
      `the experiments list's holdout.seed must be a non-empty string, got ${JSON.stringify(h.seed)}. Fix the server's holdout option.`,
    );
  }
  return { share, seed: h.seed };
}

import { type Holdout, holdoutProblem, type NamespaceRange } from '@edgewise/protocol';
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
  const problem = holdoutProblem(value);
  if (problem)
    throw new EdgewiseError('CONFIG', `the experiments list's ${problem}. Fix the server's holdout option.`);
  const { share, seed } = value as Holdout;
  return { share, seed };
}

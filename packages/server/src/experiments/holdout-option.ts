import type { Holdout } from '@edgewise/protocol';

/**
 * The global holdout the server serves with its experiments, checked: what is wrong with it (for
 * --holdout-share/--holdout-seed, EDGEWISE_HOLDOUT_SHARE/SEED or the `holdout` option), or undefined.
 */
export function holdoutProblem(holdout: Holdout): string | undefined {
  if (!(typeof holdout.share === 'number' && holdout.share >= 0 && holdout.share <= 1))
    return `holdout share must be a number in [0, 1] (0.05 holds out 5% of users), got ${holdout.share}`;
  if (typeof holdout.seed !== 'string' || holdout.seed.length === 0 || holdout.seed.length > 128)
    return 'holdout seed must be a non-empty string of at most 128 characters; changing it changes who is held out';
  return undefined;
}

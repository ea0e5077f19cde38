/**
 * One logged decision of an experiment with what followed it: the context it was made in, the arm and
 * its propensity, and the outcomes the composite reward is computed from. Read from the events
 * (an exposure and the events naming it as `exposureId`), so an objective's weights can change
 * after the fact.
 */
export interface DecisionOutcome {
  exposureId: string;
  /** The device class the exposure named; null for an exposure sent without one. */
  context: string | null;
  arm: string;
  probability: number;
  ts: number;
  rewardCount: number;
  rewardSum: number;
  /** Mean latency of the decision's predictions; null when none were sent. */
  latencyMs: number | null;
  /** The model load time reported for the decision; null when none was. */
  loadMs: number | null;
  crashes: number;
}

/**
 * What both stores select: the experiment's exposures, and per decision the sums over the events that
 * follow it. Two grouped reads over the (experiment, ts) index rather than a join on `exposure_id`,
 * which has no index of its own.
 */
export const EXPOSURES_SQL = (p: (n: number) => string) =>
  `SELECT id, context, arm, probability, ts FROM events WHERE experiment = ${p(1)} AND type = 'exposure'`;

export const FOLLOW_UPS_SQL = (p: (n: number) => string) => `
  SELECT exposure_id,
         SUM(CASE WHEN type = 'reward' THEN 1 ELSE 0 END) AS reward_count,
         SUM(CASE WHEN type = 'reward' THEN value ELSE 0 END) AS reward_sum,
         AVG(CASE WHEN type = 'prediction' THEN latency_ms END) AS latency_ms,
         MAX(CASE WHEN type = 'load' THEN latency_ms END) AS load_ms,
         SUM(CASE WHEN type = 'crash' THEN 1 ELSE 0 END) AS crashes
  FROM events WHERE experiment = ${p(1)} AND exposure_id IS NOT NULL GROUP BY exposure_id`;

export interface ExposureRow {
  id: string;
  context: string | null;
  arm: string;
  probability: number | string;
  ts: number | string;
}

export interface FollowUpRow {
  exposure_id: string;
  reward_count: number | string;
  reward_sum: number | string | null;
  latency_ms: number | string | null;
  load_ms: number | string | null;
  crashes: number | string;
}

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

/** Joins the two reads, in exposure time order. */
export function joinDecisionLog(
  exposures: readonly ExposureRow[],
  followUps: readonly FollowUpRow[],
): DecisionOutcome[] {
  const byExposure = new Map(followUps.map((f) => [f.exposure_id, f]));
  return exposures
    .map((x) => {
      const f = byExposure.get(x.id);
      return {
        exposureId: x.id,
        context: x.context,
        arm: x.arm,
        probability: Number(x.probability),
        ts: Number(x.ts),
        rewardCount: f ? Number(f.reward_count) : 0,
        rewardSum: f ? Number(f.reward_sum ?? 0) : 0,
        latencyMs: f ? numberOrNull(f.latency_ms) : null,
        loadMs: f ? numberOrNull(f.load_ms) : null,
        crashes: f ? Number(f.crashes) : 0,
      };
    })
    .sort((a, b) => a.ts - b.ts || (a.exposureId < b.exposureId ? -1 : 1));
}

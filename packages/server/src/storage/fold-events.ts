import { ARM_COUNTERS, UNATTRIBUTED_COUNTERS, zeroCounters } from './counters.js';
import { latencyBucket, latencyCounterKey } from './latency-buckets.js';
import { type MinuteRollup, minuteRollups } from './minute-rollups.js';
import type { ArmAggregate, EventRecord, ExperimentTotals } from './records.js';

/**
 * The per-user and per-decision state behind the arm counters, and the pure step that folds newly
 * stored events into it. Both backends load the rows the events touch (locked, on Postgres), call
 * {@link foldEvents}, and write back what it returns, all in the ingest transaction. Only events
 * stored for the first time reach the fold, so a retried batch changes nothing.
 */

/** One user in one experiment. `arm` is null until the first exposure arrives. */
export interface UserState {
  experiment: string;
  userId: string;
  arm: string | null;
  firstExposureTs: number | null;
  rewardCount: number;
  rewardSum: number;
  /** Exposures to an arm other than `arm` (re-weighting that is not sticky). */
  armChanges: number;
}

/** One decision (an exposure event's id). `arm` is null while only its rewards have arrived. */
export interface DecisionState {
  experiment: string;
  exposureId: string;
  arm: string | null;
  probability: number | null;
  rewardCount: number;
  rewardSum: number;
}

export interface IneligibleKey {
  experiment: string;
  arm: string;
  userId: string;
}

export interface Folded {
  /**
   * The touched users and decisions whose row changed (or is new), in their new state, sorted by
   * key. A repeat exposure to a user's own arm changes nothing, and is not written back.
   */
  users: UserState[];
  decisions: DecisionState[];
  /** Increments, sorted by (experiment, arm) / experiment so row locks are taken in one order. */
  arms: ArmAggregate[];
  totals: ExperimentTotals[];
  /** Increments of the minute rollups, sorted by (experiment, minute, arm). */
  rollups: MinuteRollup[];
}

const SEP = '\u0000';
export const userKey = (u: { experiment: string; userId: string }) => `${u.experiment}${SEP}${u.userId}`;
export const decisionKey = (d: { experiment: string; exposureId: string }) =>
  `${d.experiment}${SEP}${d.exposureId}`;
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The (experiment, user) pairs whose state these events change, sorted: the lock order. */
export function touchedUsers(events: readonly EventRecord[]): { experiment: string; userId: string }[] {
  const keys = new Map<string, { experiment: string; userId: string }>();
  for (const e of events) {
    if (e.type === 'exposure' || e.type === 'reward')
      keys.set(userKey(e), { experiment: e.experiment, userId: e.userId });
  }
  return [...keys.entries()].sort(([a], [b]) => byText(a, b)).map(([, k]) => k);
}

/** The decisions these events make or reward, sorted: the lock order. */
export function touchedDecisions(
  events: readonly EventRecord[],
): { experiment: string; exposureId: string }[] {
  const keys = new Map<string, { experiment: string; exposureId: string }>();
  for (const e of events) {
    const exposureId = e.type === 'exposure' ? e.id : e.type === 'reward' ? e.exposureId : null;
    if (exposureId)
      keys.set(decisionKey({ experiment: e.experiment, exposureId }), {
        experiment: e.experiment,
        exposureId,
      });
  }
  return [...keys.entries()].sort(([a], [b]) => byText(a, b)).map(([, k]) => k);
}

/** Distinct (experiment, arm, user) of ineligible events, sorted. */
export function ineligibleKeys(events: readonly EventRecord[]): IneligibleKey[] {
  const keys = new Map<string, IneligibleKey>();
  for (const e of events) {
    if (e.type === 'ineligible')
      keys.set([e.experiment, e.arm, e.userId].join(SEP), {
        experiment: e.experiment,
        arm: e.arm,
        userId: e.userId,
      });
  }
  return [...keys.entries()].sort(([a], [b]) => byText(a, b)).map(([, k]) => k);
}

const newUser = (experiment: string, userId: string): UserState => ({
  experiment,
  userId,
  arm: null,
  firstExposureTs: null,
  rewardCount: 0,
  rewardSum: 0,
  armChanges: 0,
});

const newDecision = (experiment: string, exposureId: string): DecisionState => ({
  experiment,
  exposureId,
  arm: null,
  probability: null,
  rewardCount: 0,
  rewardSum: 0,
});

// Exposures first at equal timestamps, so a reward sent in the same millisecond finds its arm.
const typeOrder: Record<EventRecord['type'], number> = {
  exposure: 0,
  ineligible: 1,
  prediction: 2,
  reward: 3,
  load: 4,
  fallback: 4,
  crash: 4,
  'device-lost': 4,
  integrity: 4,
  error: 4,
  summary: 4,
};

/**
 * Folds `events` (newly stored) into the loaded `users` and `decisions` (missing keys start empty);
 * `newlyIneligible` are the (experiment, arm, user) triples stored for the first time. The counters
 * change by the difference between each row's contribution after and before, so a user whose
 * reward sum goes from s to s + v moves Σs² by (s + v)² − s², and a user or decision whose exposure
 * arrives after its rewards moves those rewards out of the unattributed counts into the arm.
 */
export function foldEvents(
  events: readonly EventRecord[],
  users: ReadonlyMap<string, UserState>,
  decisions: ReadonlyMap<string, DecisionState>,
  newlyIneligible: readonly IneligibleKey[],
): Folded {
  const deltas = new Deltas();
  const userNow = new Map<string, UserState>();
  const userBefore = new Map<string, UserState | undefined>();
  const decisionNow = new Map<string, DecisionState>();
  const decisionBefore = new Map<string, DecisionState | undefined>();
  const user = (e: EventRecord) => {
    const key = userKey(e);
    let u = userNow.get(key);
    if (!u) {
      const loaded = users.get(key);
      userBefore.set(key, loaded);
      u = loaded ? { ...loaded } : newUser(e.experiment, e.userId);
      userNow.set(key, u);
    }
    return u;
  };
  const decision = (experiment: string, exposureId: string) => {
    const key = decisionKey({ experiment, exposureId });
    let d = decisionNow.get(key);
    if (!d) {
      const loaded = decisions.get(key);
      decisionBefore.set(key, loaded);
      d = loaded ? { ...loaded } : newDecision(experiment, exposureId);
      decisionNow.set(key, d);
    }
    return d;
  };

  const ordered = [...events].sort(
    (a, b) => a.ts - b.ts || typeOrder[a.type] - typeOrder[b.type] || byText(a.id, b.id),
  );
  for (const e of ordered) {
    const arm = deltas.arm(e.experiment, e.arm);
    if (e.type === 'exposure') {
      arm.exposures++;
      expose(user(e), e);
      const d = decision(e.experiment, e.id);
      d.arm = e.arm;
      d.probability = e.probability;
    } else if (e.type === 'prediction') {
      arm.predictions++;
      arm.predictCalls += 1 / (e.sampleRate ?? 1);
      if (e.latencyMs !== null) {
        arm.latencySamples++;
        const bucket = latencyCounterKey(latencyBucket(e.latencyMs));
        arm[bucket] = (arm[bucket] ?? 0) + 1;
      }
    } else if (e.type === 'reward') {
      const value = e.value ?? 0;
      arm.rewardCount++;
      arm.rewardSum += value;
      arm.rewardSumSq += value * value;
      const u = user(e);
      u.rewardCount++;
      u.rewardSum += value;
      if (e.exposureId) {
        const d = decision(e.experiment, e.exposureId);
        d.rewardCount++;
        d.rewardSum += value;
      } else deltas.totals(e.experiment).rewardsWithoutExposureId++;
    } else foldHealth(arm, e);
  }
  for (const k of newlyIneligible) deltas.arm(k.experiment, k.arm).ineligibleUsers++;
  for (const [key, now] of userNow) {
    const before = userBefore.get(key);
    if (before) deltas.addUser(before, -1);
    deltas.addUser(now, 1);
  }
  for (const [key, now] of decisionNow) {
    const before = decisionBefore.get(key);
    if (before) deltas.addDecision(before, -1);
    deltas.addDecision(now, 1);
  }
  const sortedValues = <T>(m: Map<string, T>) =>
    [...m.entries()].sort(([a], [b]) => byText(a, b)).map(([, v]) => v);
  const changedUsers = new Map([...userNow].filter(([key, now]) => !sameUser(userBefore.get(key), now)));
  const changedDecisions = new Map(
    [...decisionNow].filter(([key, now]) => !sameDecision(decisionBefore.get(key), now)),
  );
  return {
    users: sortedValues(changedUsers),
    decisions: sortedValues(changedDecisions),
    arms: deltas.sortedArms(),
    totals: deltas.sortedTotals(),
    rollups: minuteRollups(events),
  };
}

const sameUser = (a: UserState | undefined, b: UserState) =>
  a !== undefined &&
  a.arm === b.arm &&
  a.firstExposureTs === b.firstExposureTs &&
  a.rewardCount === b.rewardCount &&
  a.rewardSum === b.rewardSum &&
  a.armChanges === b.armChanges;

const sameDecision = (a: DecisionState | undefined, b: DecisionState) =>
  a !== undefined &&
  a.arm === b.arm &&
  a.probability === b.probability &&
  a.rewardCount === b.rewardCount &&
  a.rewardSum === b.rewardSum;

/**
 * Health events count one each whatever their sampleRate: a failure is what a guardrail is about,
 * so SDKs send every one. A failed predict call is a call too, so the error rate is
 * predictErrors / predictCalls.
 */
function foldHealth(arm: ArmAggregate, e: EventRecord): void {
  switch (e.type) {
    case 'error':
      arm.predictErrors++;
      arm.predictCalls++;
      break;
    case 'crash':
      arm.crashes++;
      break;
    case 'load': {
      const ms = e.latencyMs ?? 0;
      arm.loads++;
      arm.loadMsSum += ms;
      arm.loadMsSumSq += ms * ms;
      break;
    }
    case 'fallback':
      arm.fallbacks++;
      break;
    case 'device-lost':
      arm.deviceLost++;
      break;
    case 'integrity':
      arm.integrityFailures++;
      break;
  }
}

/**
 * Intention-to-treat: a user stays in the arm of their earliest exposure. A later exposure to
 * another arm is counted as a change; an earlier one arriving late moves the user, and the exposure
 * that had been first becomes the change (exposures of the old arm before it are not re-counted:
 * the row does not keep every exposure, and the count is a warning sign, not an estimate).
 */
function expose(u: UserState, e: EventRecord): void {
  if (u.arm === null || u.firstExposureTs === null) {
    u.arm = e.arm;
    u.firstExposureTs = e.ts;
  } else if (e.arm === u.arm) {
    u.firstExposureTs = Math.min(u.firstExposureTs, e.ts);
  } else {
    u.armChanges++;
    if (e.ts < u.firstExposureTs) {
      u.arm = e.arm;
      u.firstExposureTs = e.ts;
    }
  }
}

class Deltas {
  private readonly arms = new Map<string, ArmAggregate>();
  private readonly experiments = new Map<string, ExperimentTotals>();

  arm(experiment: string, arm: string): ArmAggregate {
    const key = `${experiment}${SEP}${arm}`;
    let row = this.arms.get(key);
    if (!row) {
      row = { experiment, arm, ...zeroCounters(ARM_COUNTERS) };
      this.arms.set(key, row);
    }
    return row;
  }

  totals(experiment: string): ExperimentTotals {
    let row = this.experiments.get(experiment);
    if (!row) {
      row = { experiment, ...zeroCounters(UNATTRIBUTED_COUNTERS) };
      this.experiments.set(experiment, row);
    }
    return row;
  }

  addUser(u: UserState, sign: 1 | -1): void {
    if (u.arm === null) {
      if (u.rewardCount === 0) return;
      const t = this.totals(u.experiment);
      t.unexposedUsers += sign;
      t.unexposedRewards += sign * u.rewardCount;
      t.unexposedRewardSum += sign * u.rewardSum;
      return;
    }
    const a = this.arm(u.experiment, u.arm);
    a.users += sign;
    a.convertedUsers += u.rewardSum > 0 ? sign : 0;
    a.userRewardSum += sign * u.rewardSum;
    a.userRewardSumSq += sign * u.rewardSum * u.rewardSum;
    a.switchedUsers += u.armChanges > 0 ? sign : 0;
    a.armChanges += sign * u.armChanges;
  }

  addDecision(d: DecisionState, sign: 1 | -1): void {
    if (d.arm === null || d.probability === null) {
      if (d.rewardCount === 0) return;
      const t = this.totals(d.experiment);
      t.unknownExposureRewards += sign * d.rewardCount;
      t.unknownExposureRewardSum += sign * d.rewardSum;
      return;
    }
    const a = this.arm(d.experiment, d.arm);
    const r = d.rewardSum;
    const w = 1 / d.probability;
    a.decisions += sign;
    a.decisionRewardSum += sign * r;
    a.decisionRewardSumSq += sign * r * r;
    a.ipsWeightSum += sign * w;
    a.ipsWeightSumSq += sign * w * w;
    a.ipsRewardSum += sign * r * w;
    a.ipsRewardSumSq += sign * (r * w) ** 2;
  }

  sortedArms(): ArmAggregate[] {
    return [...this.arms.entries()].sort(([a], [b]) => byText(a, b)).map(([, v]) => v);
  }

  sortedTotals(): ExperimentTotals[] {
    return [...this.experiments.entries()].sort(([a], [b]) => byText(a, b)).map(([, v]) => v);
  }
}

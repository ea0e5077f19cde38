import type { ArmResult, ExperimentResults } from '@edgewise/protocol';
import { holm, interpret, srmTest } from '@edgewise/stats';
import { UNATTRIBUTED_COUNTERS, zeroCounters } from '../storage/counters.js';
import type { ArmAggregate, ExperimentRecord, ExperimentTotals } from '../storage/records.js';
import { armSample, isBinaryIn } from './arm-stats.js';
import { ALPHA, type ArmContext, armAlone, attempt, versusControl } from './arm-tests.js';

// The response shape is the protocol's; computing it here keeps the two in step at compile time.
export type { ArmResult, ExperimentResults } from '@edgewise/protocol';
export { ALPHA } from './arm-tests.js';

export const VERDICT_RULE =
  'An arm wins when its always-valid (mSPRT) p-value versus control, Holm-adjusted over the treatment arms, is below alpha and it is better than control; among winners, the largest effect. With no winner, the arm with the smallest adjusted p-value is reported.';

/**
 * Per-arm statistics against the first arm (control). A/B tests count users, each in the arm of
 * their first exposure; bandits count decisions with their logged propensities. Pure: the results
 * route and the simulation test call it with the same aggregates.
 */
export function computeResults(
  record: ExperimentRecord,
  rows: readonly ArmAggregate[],
  totals?: ExperimentTotals,
): ExperimentResults {
  const notes: string[] = [];
  const unit: ExperimentResults['unit'] = record.type === 'ab' ? 'users' : 'decisions';
  const metric = isBinaryIn(unit, rows) ? 'proportion' : 'mean';
  const rowOf = (name: string) => rows.find((r) => r.arm === name);
  const samples = record.arms.map((a) => armSample(unit, metric === 'proportion', a.name, rowOf(a.name)));
  const ctx: ArmContext = { unit, metric, notes, totalDecisions: rows.reduce((s, r) => s + r.decisions, 0) };
  const control = samples[0];
  const srmResult =
    unit === 'users' && samples.length >= 2 && samples.some((s) => s.n > 0)
      ? attempt(notes, 'SRM check', () =>
          srmTest({ counts: samples.map((s) => s.n), weights: record.arms.map((a) => a.weight) }),
        )
      : null;
  const srm = srmResult && {
    ...srmResult,
    unit,
    method: 'chi-square of exposed users against the configured weights',
  };

  const compared = samples.map((s, i) =>
    i === 0 || !control || control.n === 0 || s.n === 0 ? null : versusControl(ctx, control, s),
  );
  const raw = compared.map((c) => c?.sequential?.pValue ?? null);
  const tested = raw.filter((p): p is number => p !== null);
  const correction = tested.length >= 2 ? 'holm' : 'none';
  const adjustedList = tested.length > 0 ? holm(tested) : [];
  let next = 0;
  const adjusted = raw.map((p) => (p === null ? null : (adjustedList[next++] as number)));

  const arms: ArmResult[] = samples.map((s, i) => {
    const row = rowOf(s.name);
    const c = compared[i];
    const pRaw = raw[i] ?? null;
    const pAdj = adjusted[i] ?? null;
    const base = {
      name: s.name,
      control: i === 0,
      users: row?.users ?? 0,
      ineligibleUsers: row?.ineligibleUsers ?? 0,
      decisions: row?.decisions ?? 0,
      switchedUsers: row?.switchedUsers ?? 0,
      armChanges: row?.armChanges ?? 0,
      events: {
        unit: 'events' as const,
        exposures: row?.exposures ?? 0,
        predictions: row?.predictions ?? 0,
        rewards: row?.rewardCount ?? 0,
        rewardSum: row?.rewardSum ?? 0,
      },
      ...armAlone(ctx, s, row),
    };
    if (!c || !control || pRaw === null || pAdj === null) {
      return {
        ...base,
        zTest: c?.zTest ?? null,
        welch: c?.welch ?? null,
        sequential: null,
        probabilityToBeatControl: c?.probabilityToBeatControl ?? null,
        pValue: null,
        verdict: null,
      };
    }
    const sequential = c.sequential as NonNullable<typeof c.sequential>;
    // The verdict reads the adjusted p-value, so "significant" already accounts for the other arms.
    const verdict = interpret({
      ...(c.zTest ? { zTest: c.zTest } : {}),
      sequential: { ...sequential, pValue: pAdj, significant: pAdj < ALPHA },
      ...(srmResult ? { srm: srmResult } : {}),
      ...(c.probabilityToBeatControl ? { probabilityToBeatControl: c.probabilityToBeatControl.value } : {}),
      alpha: ALPHA,
      names: { control: control.name, treatment: s.name },
      unit: metric === 'proportion' ? 'proportion' : 'number',
    });
    const pValue = {
      raw: pRaw,
      adjusted: pAdj,
      correction,
      unit,
      method:
        correction === 'holm'
          ? `mSPRT always-valid p-value, Holm-adjusted over ${tested.length} comparisons with control`
          : 'mSPRT always-valid p-value (one comparison: nothing to adjust)',
    } as const;
    return { ...base, ...c, sequential, pValue, verdict };
  });

  const verdict = pickVerdict(arms);
  if (!verdict) notes.push(`No verdict yet: control and at least one other arm need exposed ${unit}.`);
  if (unit === 'users' && totals && totals.unexposedRewards > 0) {
    notes.push(
      `${totals.unexposedRewards} rewards of ${totals.unexposedUsers} users with no exposure are not in any arm; check that exposures are logged.`,
    );
  }
  const { experiment: _experiment, ...unattributed } = totals ?? {
    experiment: record.key,
    ...zeroCounters(UNATTRIBUTED_COUNTERS),
  };
  return {
    key: record.key,
    type: record.type,
    metric,
    unit,
    alpha: ALPHA,
    policyVersion: record.policyVersion,
    comparisons: tested.length,
    correction,
    verdictRule: VERDICT_RULE,
    arms,
    srm,
    unattributed,
    verdict,
    notes,
  };
}

/** {@link VERDICT_RULE}. */
function pickVerdict(arms: readonly ArmResult[]): ExperimentResults['verdict'] {
  const judged = arms.filter((a) => a.verdict && a.pValue);
  const winners = judged.filter(
    (a) => a.verdict?.status === 'significant' && a.verdict.direction === 'better',
  );
  const best = winners.length
    ? winners.sort((a, b) => (b.sequential?.diff ?? 0) - (a.sequential?.diff ?? 0))[0]
    : judged.sort((a, b) => (a.pValue?.adjusted ?? 1) - (b.pValue?.adjusted ?? 1))[0];
  return best?.verdict ? { ...best.verdict, arm: best.name, decision: best.verdict.status } : null;
}

import { emptySummary, mergeSummaries } from '@edgewise/protocol';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { DEFAULT_DRIFT_THRESHOLDS, type DriftReport, driftReport } from './drift-report.js';

export const DAY_MS = 86_400_000;

/**
 * One arm's drift for the day, per file its devices ran (an arm without a variant runs whichever
 * suits each device, as its summary events say): how many predictions were summarized, and the report
 * against that file's baseline.
 */
export interface ArmDrift {
  arm: string;
  model: string;
  version: string;
  variant: string | null;
  livePredictions: number;
  summaries: number;
  baseline: boolean;
  thresholds: { psi: number; ks: number };
  report?: DriftReport;
  /** Why there is no report. */
  reason?: string;
}

/** Every arm's drift over the UTC day starting at `dayStart`, per file its devices ran. */
export async function armDrift(
  store: Store,
  record: ExperimentRecord,
  dayStart: number,
): Promise<ArmDrift[]> {
  const rows = await store.events.summaries(record.key, dayStart, dayStart + DAY_MS);
  const arms: ArmDrift[] = [];
  for (const arm of record.arms) {
    const mine = rows.filter((r) => r.arm === arm.name && r.modelVersion === arm.version);
    // What the devices ran: an arm without a variant runs whichever file suits each device.
    const ran = [...new Set(mine.map((r) => r.variant ?? ''))].sort();
    for (const variant of ran.length > 0 ? ran : [arm.variant ?? '']) {
      const group = mine.filter((r) => (r.variant ?? '') === variant);
      const live = group.reduce((sum, r) => mergeSummaries(sum, r.summary), emptySummary());
      const baseline = await store.registry.baseline(arm.model, arm.version, variant);
      const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...baseline?.thresholds };
      const entry: ArmDrift = {
        arm: arm.name,
        model: arm.model,
        version: arm.version,
        variant: variant || null,
        livePredictions: live.predictions,
        summaries: group.reduce((n, r) => n + r.summaries, 0),
        baseline: baseline !== undefined,
        thresholds,
      };
      const file = `${arm.model}@${arm.version}${variant ? ` (${variant})` : ''}`;
      if (!baseline)
        entry.reason = `${file} has no baseline (edgewise-models baseline, or publish --baseline)`;
      else if (group.length === 0) entry.reason = 'no device summaries that day';
      else entry.report = driftReport(baseline.summary, live, thresholds);
      arms.push(entry);
    }
  }
  return arms;
}

/** The largest PSI of each arm's reports and the predictions behind them, for the drift guardrail. */
export function driftByArm(arms: readonly ArmDrift[]): Map<string, { psi: number; predictions: number }> {
  const out = new Map<string, { psi: number; predictions: number }>();
  for (const a of arms) {
    if (!a.report) continue;
    const mine = out.get(a.arm) ?? { psi: 0, predictions: 0 };
    for (const m of a.report.measures) mine.psi = Math.max(mine.psi, m.psi);
    mine.predictions += a.livePredictions;
    out.set(a.arm, mine);
  }
  return out;
}

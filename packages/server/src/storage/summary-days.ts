import { emptySummary, type ModelSummary, mergeSummaries } from '@edgewise/protocol';
import type { EventRecord } from './records.js';

const DAY_MS = 86_400_000;

/** One day of one arm's summaries for one file (version and variant; '' for the base file), merged. */
export interface SummaryDay {
  experiment: string;
  arm: string;
  modelVersion: string;
  variant: string;
  /** The UTC day's first millisecond. */
  day: number;
  summary: ModelSummary;
  /** Summary events merged into it. */
  summaries: number;
}

const SEP = '\u0000';
export const summaryDayKey = (
  d: Pick<SummaryDay, 'experiment' | 'arm' | 'modelVersion' | 'variant' | 'day'>,
) => [d.experiment, d.arm, d.modelVersion, d.variant, d.day].join(SEP);

/**
 * The day rows that newly stored summary events go into, sorted by key (the lock order): each
 * summary is merged into its (experiment, arm, file, UTC day) at ingest, so a drift report or a
 * guardrail reads one row per arm and file, never a day of events.
 */
export function summaryDaysOf(events: readonly EventRecord[]): SummaryDay[] {
  const days = new Map<string, SummaryDay>();
  for (const e of events) {
    if (e.type !== 'summary' || !e.summary) continue;
    const key = {
      experiment: e.experiment,
      arm: e.arm,
      modelVersion: e.modelVersion,
      variant: e.variant ?? '',
      day: Math.floor(e.ts / DAY_MS) * DAY_MS,
    };
    const k = summaryDayKey(key);
    const row = days.get(k) ?? { ...key, summary: emptySummary(), summaries: 0 };
    row.summary = mergeSummaries(row.summary, e.summary);
    row.summaries++;
    days.set(k, row);
  }
  return [...days.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

/** `added` merged into what the day row held (`stored`, absent for a new row). */
export function mergeDay(
  stored: Pick<SummaryDay, 'summary' | 'summaries'> | undefined,
  added: SummaryDay,
): SummaryDay {
  return stored
    ? {
        ...added,
        summary: mergeSummaries(stored.summary, added.summary),
        summaries: stored.summaries + added.summaries,
      }
    : added;
}

import type { ArmAggregate, ExperimentRecord } from '../storage/records.js';
import { p95 } from './guardrails.js';

/** One arm's device health as the dashboard shows it; null where there is nothing to divide by. */
export interface ArmHealth {
  arm: string;
  /** Upper edge of the histogram bucket holding the 95th percentile; null with no samples or in the overflow bucket. */
  p95LatencyMs: number | null;
  latencySamples: number;
  /** Calls, with sampled predictions standing for 1/sampleRate each. */
  predictCalls: number;
  errorRate: number | null;
  crashRate: number | null;
  crashes: number;
  meanLoadMs: number | null;
  loads: number;
  fallbacks: number;
  deviceLost: number;
  integrityFailures: number;
}

const ratio = (k: number, n: number) => (n > 0 ? k / n : null);

/** Every arm of the experiment, in definition order, zeros before any event. */
export function armHealth(record: ExperimentRecord, aggregates: readonly ArmAggregate[]): ArmHealth[] {
  return record.arms.map(({ name }) => {
    const row = aggregates.find((r) => r.arm === name);
    const latency = p95(row);
    const calls = row?.predictCalls ?? 0;
    return {
      arm: name,
      p95LatencyMs: Number.isFinite(latency) ? latency : null,
      latencySamples: row?.latencySamples ?? 0,
      predictCalls: calls,
      errorRate: ratio(row?.predictErrors ?? 0, Math.max(calls, row?.predictErrors ?? 0)),
      crashRate: ratio(row?.crashes ?? 0, Math.max(calls, row?.crashes ?? 0)),
      crashes: row?.crashes ?? 0,
      meanLoadMs: ratio(row?.loadMsSum ?? 0, row?.loads ?? 0),
      loads: row?.loads ?? 0,
      fallbacks: row?.fallbacks ?? 0,
      deviceLost: row?.deviceLost ?? 0,
      integrityFailures: row?.integrityFailures ?? 0,
    };
  });
}

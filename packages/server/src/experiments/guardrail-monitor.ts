import type { FastifyBaseLogger } from 'fastify';
import { armDrift, DAY_MS, driftByArm } from '../monitoring/arm-drift.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { type ArmDriftFigures, armsToStop, breachReason, evaluateGuardrails } from './guardrails.js';

/**
 * Checks the guardrails of the experiments a committed batch touched and stops the arms that
 * breach them. The tests are always-valid, so checking after every batch raises no false stops;
 * SDKs move users off a stopped arm at their next config refresh.
 */
export class GuardrailMonitor {
  /** Checks scheduled but not started, per experiment: the batches of one commit group share one. */
  private readonly waiting = new Map<
    string,
    { record: ExperimentRecord; summaries: boolean; run: Promise<void> }
  >();

  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One aggregates read per touched experiment that has guardrails. Never throws: a failed check
   * must not fail a batch that is already committed; the next batch checks again. Batches that
   * call within one turn of the event loop (those acknowledged by one group commit) share a check
   * that starts after all of them asked, so each one's events are in the aggregates it reads.
   * Drift guardrails are checked only after batches that brought summary events (`withSummaries`),
   * as reading a day of summaries is more than reading the counters.
   */
  async afterBatch(
    experiments: Iterable<ExperimentRecord>,
    withSummaries: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    for (const record of experiments) {
      if (!record.guardrails?.length) continue;
      try {
        await this.checkSoon(record, withSummaries.has(record.key));
      } catch (error) {
        this.log.error({ err: error, experiment: record.key }, 'guardrail check failed');
      }
    }
  }

  private checkSoon(record: ExperimentRecord, summaries: boolean): Promise<void> {
    const waiting = this.waiting.get(record.key);
    if (waiting) {
      // The latest caller read the definition last: its arms and stops are the freshest.
      waiting.record = record;
      waiting.summaries ||= summaries;
      return waiting.run;
    }
    const entry = { record, summaries, run: Promise.resolve() };
    entry.run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.waiting.delete(record.key);
      return this.check(entry.record, entry.summaries);
    });
    this.waiting.set(record.key, entry);
    return entry.run;
  }

  private async check(record: ExperimentRecord, summaries: boolean): Promise<void> {
    let drift: ArmDriftFigures | undefined;
    if (summaries && record.guardrails?.some((g) => g.metric === 'drift')) {
      const today = Math.floor(this.now() / DAY_MS) * DAY_MS;
      drift = driftByArm(await armDrift(this.store, record, today));
    }
    const evaluations = evaluateGuardrails(record, await this.store.events.aggregates(record.key), drift);
    for (const breach of armsToStop(record, evaluations)) {
      const reason = breachReason(breach);
      const stopped = await this.store.experiments.stop(
        record.key,
        breach.arm,
        { at: this.now(), by: 'guardrail', reason, metric: breach.metric },
        'guardrail',
      );
      // Another replica may have stopped it first; only the one that wrote the stop reports it.
      if (!stopped) continue;
      this.metrics.guardrailStops.inc({ experiment: record.key, metric: breach.metric });
      this.log.warn(
        { experiment: record.key, arm: breach.arm, metric: breach.metric, reason },
        'guardrail stopped an arm',
      );
    }
  }
}

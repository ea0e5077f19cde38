import type { FastifyBaseLogger } from 'fastify';
import { ServerError } from '../errors.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { contextualWeights } from './contextual-policy.js';
import { policyWeights } from './policy-weights.js';

/**
 * Recomputes bandit weights from the arm aggregates on a timer and on demand. Each save is a new
 * policyVersion; a save that lost a race with another replica is simply re-read.
 */
export class PolicyScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  async recompute(key: string): Promise<ExperimentRecord> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.store.experiments.get(key);
      if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"`);
      if (record.type === 'ab') return record;
      const saved =
        record.type === 'contextual'
          ? await this.#saveContextual(record)
          : await this.store.experiments.savePolicy(
              key,
              policyWeights(record, await this.store.events.aggregates(key)),
              record.policyVersion,
            );
      if (saved) {
        this.metrics.policyRuns.inc({
          policy: record.type === 'contextual' ? 'hierarchical-thompson' : (record.policy ?? 'thompson'),
        });
        return saved;
      }
    }
    return (await this.store.experiments.get(key)) as ExperimentRecord;
  }

  async #saveContextual(record: ExperimentRecord): Promise<ExperimentRecord | undefined> {
    const { weights, contextWeights: byClass } = contextualWeights(
      record,
      await this.store.events.decisionLog(record.key),
    );
    return this.store.experiments.savePolicy(record.key, weights, record.policyVersion, byClass);
  }

  /**
   * Recomputes every bandit whose policy is older than `minAgeMs`: with several replicas on one
   * database, whichever runs first does the work and the others see a fresh policy and skip.
   */
  async recomputeAll(minAgeMs = 0): Promise<void> {
    const now = Date.now();
    for (const record of await this.store.experiments.list()) {
      if (record.type !== 'ab' && now - record.updatedAt >= minAgeMs) await this.recompute(record.key);
    }
  }

  /** Runs every `intervalMs` (0 disables); a slow run is never overlapped by the next. */
  start(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      this.running = this.running
        .then(() => this.recomputeAll(intervalMs * 0.9))
        .catch((error: unknown) => this.log.error({ err: error }, 'policy recompute failed'));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}

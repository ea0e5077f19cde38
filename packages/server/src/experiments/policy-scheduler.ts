import type { FastifyBaseLogger } from 'fastify';
import { ServerError } from '../errors.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { ExperimentRecord } from '../storage/records.js';
import type { Store } from '../storage/store.js';
import { contextualWeights } from './contextual-policy.js';
import { policyWeights } from './policy-weights.js';

/**
 * Recomputes bandit weights from the arm aggregates on a timer and on demand. Each save is a new
 * policyVersion. Replicas on one database take a lease per experiment, so one of them computes it
 * and the others skip; a save that still lost a race (a definition changed meanwhile) is re-read.
 */
export class PolicyScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
  ) {}

  /**
   * A new policy version for the experiment, computed by whichever process holds its lease; with
   * `minAgeMs`, only if its policy is at least that old when the lease is taken (a replica that just
   * ran it leaves it alone). Resolves to the experiment as it stands after.
   */
  async recompute(key: string, minAgeMs = 0): Promise<ExperimentRecord> {
    const ran = await this.store.experiments.withPolicyLease(key, () => this.#run(key, minAgeMs));
    return ran ?? this.#current(key);
  }

  async #current(key: string): Promise<ExperimentRecord> {
    const record = await this.store.experiments.get(key);
    if (!record) throw new ServerError('NOT_FOUND', `no experiment "${key}"`);
    return record;
  }

  async #run(key: string, minAgeMs: number): Promise<ExperimentRecord> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await this.#current(key);
      if (record.type === 'ab' || (minAgeMs > 0 && Date.now() - record.updatedAt < minAgeMs)) return record;
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
    return this.#current(key);
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
      if (record.type !== 'ab' && now - record.updatedAt >= minAgeMs)
        await this.recompute(record.key, minAgeMs);
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

import type { FastifyBaseLogger } from 'fastify';
import { ServerError } from '../errors.js';
import type { Store } from '../storage/store.js';
import type { OnnxPredictor, PredictRequest } from './onnx-predictor.js';

export interface TaskLimits {
  /** Most tasks queued or running in this process (default 64); more are refused with 503. */
  maxQueued?: number;
  /** How long a task is kept after its last update (default 1 h); older ones are deleted. */
  retentionMs?: number;
}

export const DEFAULT_MAX_QUEUED_TASKS = 64;
export const DEFAULT_TASK_RETENTION_MS = 60 * 60 * 1000;

/**
 * Runs async predictions one after another and writes each outcome to the store, where any replica
 * can read it. Tasks left pending by a process that died are picked up by `resume()` at start.
 * The queue holds each request's inputs in memory, so it is bounded; results live in the store and
 * are deleted once older than the retention period, so neither grows with what clients send.
 */
export class TaskRunner {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private sweeper: NodeJS.Timeout | undefined;
  readonly maxQueued: number;
  readonly retentionMs: number;

  constructor(
    private readonly store: Store,
    private readonly predictor: OnnxPredictor,
    private readonly log: FastifyBaseLogger,
    limits: TaskLimits = {},
  ) {
    this.maxQueued = limits.maxQueued ?? DEFAULT_MAX_QUEUED_TASKS;
    this.retentionMs = limits.retentionMs ?? DEFAULT_TASK_RETENTION_MS;
  }

  get inFlight(): number {
    return this.pending;
  }

  /** Throws 503 (with Retry-After semantics for the SDK) when the queue is full. */
  checkRoom(): void {
    if (this.pending >= this.maxQueued) {
      throw new ServerError(
        'UNAVAILABLE',
        `the async prediction queue is full (${this.maxQueued} tasks); retry later or use POST /v1/predict`,
      );
    }
  }

  enqueue(id: string, request: PredictRequest): void {
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        const result = await this.predictor.predict(request);
        await this.store.tasks.finish(id, { result });
      } catch (error) {
        // A user error is the task's answer; anything else is also logged for the operator.
        if (!(error instanceof ServerError))
          this.log.error({ err: error, task: id }, 'async prediction failed');
        await this.store.tasks.finish(id, { error: (error as Error).message }).catch((e: unknown) => {
          this.log.error({ err: e, task: id }, 'could not record a failed task');
        });
      } finally {
        this.pending--;
      }
    });
  }

  async resume(): Promise<void> {
    // Only as many as the queue holds; the rest stay pending for another replica or the next start.
    for (const task of await this.store.tasks.pending(this.maxQueued))
      this.enqueue(task.id, task.request as PredictRequest);
  }

  /** Deletes tasks past the retention period; resolves with how many. */
  async sweep(now = Date.now()): Promise<number> {
    return this.store.tasks.deleteExpired(now - this.retentionMs);
  }

  /** Sweeps every quarter of the retention period (at most a minute apart), off the event loop's ref. */
  startSweeping(): void {
    if (this.sweeper) return;
    const every = Math.max(1000, Math.min(60_000, Math.floor(this.retentionMs / 4)));
    this.sweeper = setInterval(() => {
      this.sweep().catch((err: unknown) => this.log.error({ err }, 'could not delete expired tasks'));
    }, every);
    this.sweeper.unref();
  }

  /** Resolves when every queued task has finished. */
  drain(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
    return this.queue;
  }
}

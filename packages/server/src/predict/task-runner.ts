import type { FastifyBaseLogger } from 'fastify';
import { ServerError } from '../errors.js';
import type { Store } from '../storage/store.js';
import type { OnnxPredictor, PredictRequest } from './onnx-predictor.js';

/**
 * Runs async predictions one after another and writes each outcome to the store, where any replica
 * can read it. Tasks left pending by a process that died are picked up by `resume()` at start.
 */
export class TaskRunner {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;

  constructor(
    private readonly store: Store,
    private readonly predictor: OnnxPredictor,
    private readonly log: FastifyBaseLogger,
  ) {}

  get inFlight(): number {
    return this.pending;
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
    for (const task of await this.store.tasks.pending(1000))
      this.enqueue(task.id, task.request as PredictRequest);
  }

  /** Resolves when every queued task has finished. */
  drain(): Promise<void> {
    return this.queue;
  }
}

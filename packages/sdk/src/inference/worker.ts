// The inference worker: runtimes load here, lazily, never on the main thread.
import * as Comlink from 'comlink';
import { EdgewiseError, isEdgewiseError } from '../errors.js';
import { InferenceEngine } from './engine.js';
import type { EngineEvent, LoadRequest } from './engine-types.js';
import { type Tensor, transferablesOf } from './tensors.js';

const engine = new InferenceEngine();

/** Errors cross as plain data with their code; the client turns them back into EdgewiseError. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isEdgewiseError(error)) throw error.toJSON();
    throw new EdgewiseError('INTERNAL', error instanceof Error ? error.message : String(error)).toJSON();
  }
}

const api = {
  /** Answers once the worker's script has loaded: the host's proof that the worker started. */
  ready: () => true,
  load: (id: string, request: LoadRequest) => guarded(() => engine.load(id, request)),
  run: (id: string, feeds: Record<string, Tensor>) =>
    guarded(async () => {
      const outputs = await engine.run(id, feeds);
      return Comlink.transfer(outputs, transferablesOf(outputs));
    }),
  runMany: (id: string, feedsList: Record<string, Tensor>[]) =>
    guarded(async () => {
      const outputs = await engine.runMany(id, feedsList);
      return Comlink.transfer(outputs, outputs.flatMap(transferablesOf));
    }),
  dispose: (id: string) => guarded(() => engine.dispose(id)),
  onEvent: (listener: (event: EngineEvent) => void) => engine.onEvent(listener),
  /** For tests of crash recovery: dies the way a runtime abort does, with an uncaught error. */
  crash: () => {
    setTimeout(() => {
      throw new Error('inference worker crashed on purpose');
    });
  },
};

export type InferenceWorkerApi = typeof api;

Comlink.expose(api);

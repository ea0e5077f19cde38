// The inference worker: runtimes load here, lazily, never on the main thread.
import * as Comlink from 'comlink';
import { EdgewiseError } from '../errors.js';
import { InferenceEngine } from './engine.js';
import type { EngineEvent, LoadRequest } from './engine-types.js';
import { type ContentFile, memoryContent } from './model-content.js';
import { type RunEndpoint, serveRuns } from './run-channel.js';
import { guarded } from './worker-guard.js';

const engine = new InferenceEngine();

/** A model's files as they arrive from the host, chunk by chunk, before the model loads. */
const uploads = new Map<string, { files: readonly ContentFile[]; buffers: Uint8Array[] }>();

/** What the host sends to load a model whose bytes it uploaded first under `upload`. */
export type WorkerLoadRequest = Omit<LoadRequest, 'content'> & { upload: string };

function takeUpload(upload: string): LoadRequest['content'] {
  const entry = uploads.get(upload);
  uploads.delete(upload);
  if (!entry)
    throw new EdgewiseError('INTERNAL', `no bytes were uploaded as ${upload}; load the model again`);
  const [model = new Uint8Array(0), ...rest] = entry.buffers;
  return memoryContent(
    model,
    rest.map((data, i) => ({ path: entry.files[i + 1]?.path ?? '', data })),
  );
}

const api = {
  /** Answers once the worker's script has loaded: the host's proof that the worker started. */
  ready: () => true,
  /** Sets aside room for a model's files; `receive` fills it and `load` takes it. */
  begin: (upload: string, files: ContentFile[]) =>
    guarded(async () => {
      uploads.set(upload, { files, buffers: files.map((f) => new Uint8Array(f.bytes)) });
    }),
  receive: (upload: string, file: number, offset: number, data: Uint8Array) =>
    guarded(async () => {
      const target = uploads.get(upload)?.buffers[file];
      if (!target || offset + data.byteLength > target.byteLength) {
        throw new EdgewiseError(
          'INTERNAL',
          `a chunk of ${upload} does not fit its file; load the model again`,
        );
      }
      target.set(data, offset);
    }),
  /** Forgets an upload the host gave up on. */
  abandon: (upload: string) => {
    uploads.delete(upload);
  },
  load: (id: string, request: WorkerLoadRequest) =>
    guarded(() => {
      const { upload, ...rest } = request;
      return engine.load(id, { ...rest, content: takeUpload(upload) });
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

// Predictions arrive beside Comlink's messages, on the same channel (see run-channel.ts); their
// listener comes first and keeps them from Comlink's.
serveRuns(globalThis as unknown as RunEndpoint, engine);
Comlink.expose(api);

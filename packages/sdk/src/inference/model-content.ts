import { EdgewiseError } from '../errors.js';

/** One file of a model: the model itself first, then its ONNX external data files. */
export interface ContentFile {
  /** The `location` the model's tensors name; undefined for the model file. */
  path: string | undefined;
  bytes: number;
}

export interface ContentChunk {
  /** Index into `files`. */
  file: number;
  /** A buffer of its own, whole (offset 0): the reader may keep it or transfer it to a worker. */
  data: Uint8Array;
}

/**
 * A model's bytes as a stream of chunks that can be read again: from the model cache, or from bytes
 * in memory. A large model goes to the worker chunk by chunk, so no thread but the worker ever holds
 * all of it, and a replacement worker (after a crash) reads it again from the same place.
 */
export interface ModelContent {
  readonly files: readonly ContentFile[];
  chunks(): AsyncIterable<ContentChunk>;
  /** Set when the bytes are in memory already: readers take them as they are instead of copying. */
  readonly inMemory?: { model: Uint8Array; externalData: ExternalData[] };
}

/** What onnxruntime-web takes as external data. */
export interface ExternalData {
  path: string;
  data: Uint8Array;
}

const MEMORY_CHUNK = 8 << 20;

/** Bytes already in memory as content; chunks are copies, so transferring them leaves these intact. */
export function memoryContent(model: Uint8Array, externalData: ExternalData[] = []): ModelContent {
  const all = [model, ...externalData.map((d) => d.data)];
  return {
    files: [
      { path: undefined, bytes: model.byteLength },
      ...externalData.map((d) => ({ path: d.path, bytes: d.data.byteLength })),
    ],
    inMemory: { model, externalData },
    async *chunks() {
      for (const [file, bytes] of all.entries()) {
        for (let at = 0; at < bytes.byteLength; at += MEMORY_CHUNK) {
          yield { file, data: bytes.slice(at, at + MEMORY_CHUNK) };
        }
      }
    },
  };
}

/** The whole model in memory: the bytes themselves when they are already there, else read once. */
export async function collectContent(
  content: ModelContent,
): Promise<{ model: Uint8Array; externalData: ExternalData[] }> {
  if (content.inMemory) return content.inMemory;
  const buffers = content.files.map((f) => new Uint8Array(f.bytes));
  const filled = content.files.map(() => 0);
  for await (const { file, data } of content.chunks()) {
    const target = buffers[file];
    if (!target || filled[file]! + data.byteLength > target.byteLength) {
      throw new EdgewiseError('INTERNAL', `model content overflowed file ${file}; report this bug`);
    }
    target.set(data, filled[file]);
    filled[file]! += data.byteLength;
  }
  const short = content.files.findIndex((f, i) => filled[i] !== f.bytes);
  if (short >= 0) {
    throw new EdgewiseError(
      'INTERNAL',
      `model content ended after ${filled[short]} of ${content.files[short]!.bytes} bytes of file ${short}; load the model again`,
    );
  }
  return {
    model: buffers[0] ?? new Uint8Array(0),
    externalData: content.files.slice(1).map((f, i) => ({ path: f.path ?? '', data: buffers[i + 1]! })),
  };
}

/** Content whose bytes were let go: a model loaded on its last backend never needs them again. */
export function releasedContent(files: readonly ContentFile[]): ModelContent {
  return {
    files,
    // biome-ignore lint/correctness/useYield: it throws before yielding, by design
    async *chunks() {
      throw new EdgewiseError(
        'INTERNAL',
        'the model bytes were released after loading on the last backend in its list; load the model again',
      );
    },
  };
}

/** The same content, calling `done` once after its last chunk was first read. */
export function onceRead(content: ModelContent, done: () => void): ModelContent {
  let called = false;
  return {
    files: content.files,
    ...(content.inMemory ? { inMemory: content.inMemory } : {}),
    async *chunks() {
      yield* content.chunks();
      if (!called) {
        called = true;
        done();
      }
    },
  };
}

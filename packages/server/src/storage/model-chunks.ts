/**
 * Model files are stored in 1 MiB rows (table model_chunks) so a download reads one chunk at a time:
 * neither SQLite (whose substr() loads the whole blob) nor Postgres can stream part of one big value
 * cheaply, and holding a 100 MB file per request lets a few parallel downloads exhaust memory.
 */
export const MODEL_CHUNK_BYTES = 1024 * 1024;

export function splitChunks(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.byteLength; at += MODEL_CHUNK_BYTES)
    chunks.push(bytes.subarray(at, at + MODEL_CHUNK_BYTES));
  return chunks;
}

/**
 * Bytes start..end (inclusive) of a chunked file, one chunk read per step. `chunk(seq)` returns the
 * stored chunk, or undefined when the version predates chunking (then `whole()` gives the file).
 */
export async function* readRange(
  chunk: (seq: number) => Promise<Uint8Array | undefined>,
  whole: () => Promise<Uint8Array | undefined>,
  start: number,
  end: number,
): AsyncGenerator<Uint8Array> {
  for (let seq = Math.floor(start / MODEL_CHUNK_BYTES); seq <= Math.floor(end / MODEL_CHUNK_BYTES); seq++) {
    const data = await chunk(seq);
    if (!data) {
      const all = await whole();
      if (all) yield all.subarray(Math.max(start, seq * MODEL_CHUNK_BYTES), end + 1);
      return;
    }
    const base = seq * MODEL_CHUNK_BYTES;
    yield data.subarray(Math.max(0, start - base), Math.min(data.byteLength, end + 1 - base));
  }
}

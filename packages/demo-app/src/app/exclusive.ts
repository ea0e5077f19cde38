/**
 * Runs inference calls one at a time. All models share one worker and one onnxruntime-web WASM
 * instance, which does not support overlapping session creation or runs: overlapping calls from
 * several panels crashed it ("memory access out of bounds"). The SDK does not queue them (yet).
 */
let tail: Promise<unknown> = Promise.resolve();

export function exclusive<T>(task: () => Promise<T>): Promise<T> {
  const run = tail.then(task, task);
  tail = run.catch(() => undefined);
  return run;
}
